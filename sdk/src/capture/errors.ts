import { LIMITS } from '@lifeline/protocol/limits';
import type { Integration } from '../core/types.js';
import { clip } from '../lib/clip.js';
import { errorFields } from '../lib/errorFields.js';
import { safely } from '../lib/safely.js';
import { limitBursts } from './limitBursts.js';

/**
 * Records uncaught errors (`mechanism: 'onerror'`), unhandled promise rejections
 * (`'unhandledrejection'`, including rejections with values that are not Errors) and
 * failed loads of images, scripts, stylesheets and media (`'resource'`). Bursts of one
 * error are limited by `limitBursts`.
 *
 * Resource failures do not bubble: they reach a window listener only in the capture
 * phase (HTML standard, "fire an event named error" at the element), so one capture-phase
 * listener sees both kinds.
 */
export function errorCapture(): Integration {
  return {
    name: 'errors',
    setup(client) {
      client.addProcessor(limitBursts(client));
      addEventListener(
        'error',
        (event) =>
          safely(() => {
            const target = event.target as HTMLImageElement & HTMLLinkElement & { _lifeline?: 1 };
            if (event instanceof ErrorEvent) {
              // `error` is null for cross-origin scripts without CORS ("Script error.") and
              // in some older engines; then only the message and location are known.
              const { filename: file, lineno, colno } = event;
              client.capture(errorFields(event.error ?? event.message, 'onerror', false, file ? [{ file: clip(file, LIMITS.url), line: lineno | 0, col: colno | 0 }] : []));
            } else if (target?.localName && !target._lifeline) {
              // An element (window has no localName) whose resource failed to load; the
              // SDK's own (lifeline-vitals.js, marked `_lifeline`) are not the page's problem.
              const fields = errorFields(`Failed to load ${target.localName} ${target.currentSrc || target.src || target.href}`, 'resource', false);
              client.capture({ ...fields, error_type: 'ResourceError' });
            }
          }),
        true,
      );
      addEventListener('unhandledrejection', (event) =>
        safely(() => client.capture({ error_type: 'UnhandledRejection', ...errorFields(event.reason, 'unhandledrejection', false) })),
      );
    },
  };
}
