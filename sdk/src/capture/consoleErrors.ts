import { LIMITS } from '@lifeline/protocol/limits';
import type { Integration } from '../core/types.js';
import { clip } from '../lib/clip.js';
import { errorFields } from '../lib/errorFields.js';
import { safely } from '../lib/safely.js';
import { stringify } from '../lib/stringify.js';

/**
 * With `captureConsole: true`, records each `console.error(...)` as an error
 * (`mechanism: 'console'`, `handled: true`): the first Error argument gives type and
 * stack, and all arguments together the message. The page's console still gets the call.
 */
export function consoleErrorCapture(): Integration {
  return {
    name: 'console',
    setup(client) {
      const original = console.error;
      if (!client.options.captureConsole || typeof original != 'function') return;
      let busy = false;
      console.error = function (this: unknown, ...args: unknown[]) {
        // A processor or beforeSend that logs an error must not recurse. Whatever happens
        // here, the page's own console call goes on.
        if (!busy) {
          busy = true;
          safely(() => {
            const message = args.map((a) => (a instanceof Error ? a.message : stringify(a))).join(' ');
            const fields = errorFields(args.find((a) => a instanceof Error) ?? message, 'console', true);
            client.capture({ ...fields, message: clip(message, LIMITS.message) });
          });
          busy = false;
        }
        return original.apply(this, args);
      };
    },
  };
}
