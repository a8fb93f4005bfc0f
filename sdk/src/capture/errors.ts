import { LIMITS } from '@lifeline/protocol/limits';
import type { Integration } from '../core/types.js';
import { clip } from '../lib/clip.js';
import { describeError } from '../lib/describeError.js';
import { safely } from '../lib/safely.js';

/**
 * Records uncaught errors (`mechanism: 'onerror'`) and unhandled promise rejections
 * (`mechanism: 'unhandledrejection'`), including rejections with values that are not
 * Errors. Resource load failures are not script errors: they reach window listeners only
 * in the capture phase, which is not used here.
 */
export function errorCapture(): Integration {
  return {
    name: 'errors',
    setup(client) {
      addEventListener('error', (event) =>
        safely(() => {
          // `error` is null for cross-origin scripts without CORS ("Script error.") and
          // in some older engines; then only the message and location are known.
          const fields = event.error != null ? describeError(event.error) : { message: clip(String(event.message), LIMITS.message) };
          client.capture({
            kind: 'error',
            ...fields,
            frames:
              !fields.stack && event.filename
                ? [{ file: clip(event.filename, LIMITS.url), line: event.lineno | 0, col: event.colno | 0 }]
                : undefined,
            mechanism: 'onerror',
            handled: false,
          });
        }),
      );
      addEventListener('unhandledrejection', (event) =>
        safely(() => {
          client.capture({
            kind: 'error',
            error_type: 'UnhandledRejection',
            ...describeError(event.reason),
            mechanism: 'unhandledrejection',
            handled: false,
          });
        }),
      );
    },
  };
}
