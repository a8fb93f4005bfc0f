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
            const target = event.target as HTMLElement | null;
            if (event instanceof ErrorEvent) {
              // `error` is null for cross-origin scripts without CORS ("Script error.") and
              // in some older engines; then only the message and location are known.
              client.capture(
                errorFields(event.error ?? event.message, 'onerror', false, event.filename ? [{ file: clip(event.filename, LIMITS.url), line: event.lineno | 0, col: event.colno | 0 }] : undefined),
              );
            } else if (target && target !== (window as unknown) && target.localName) {
              const src = (target as HTMLImageElement).currentSrc || (target as HTMLImageElement).src || (target as HTMLLinkElement).href;
              const fields = errorFields(`Failed to load ${target.localName} ${src}`, 'resource', false);
              client.capture({ ...fields, error_type: 'ResourceError' });
            }
          }),
        true,
      );
      addEventListener('unhandledrejection', (event) =>
        safely(() => {
          const fields = errorFields(event.reason, 'unhandledrejection', false);
          client.capture({ error_type: 'UnhandledRejection', ...fields });
        }),
      );
    },
  };
}
