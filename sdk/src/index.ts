import { LIMITS } from '@lifeline/protocol/limits';
import { errorCapture } from './capture/errors.js';
import { pageviewCapture } from './capture/pageview.js';
import { createClient } from './core/createClient.js';
import type { Client } from './core/types.js';
import { clip } from './lib/clip.js';
import { createLogger } from './lib/createLogger.js';
import { describeError } from './lib/describeError.js';
import { safely } from './lib/safely.js';
import { sanitizeProps } from './lib/sanitizeProps.js';
import { resolveOptions, type InitOptions } from './options.js';
import { createFetchSend } from './transport/createFetchSend.js';

export type { InitOptions } from './options.js';

let client: Client | undefined;

/**
 * Starts the SDK: records a pageview, starts capturing uncaught errors and unhandled
 * rejections, and sends batches to `{endpoint}/v1/events`. Only the first call counts.
 * Invalid options log a console warning and leave the SDK off; nothing throws.
 *
 * @example init({ key: 'pk_live_123', endpoint: 'https://edge.example.com', release: '2024.06.1' })
 */
export function init(options: InitOptions): void {
  safely(() => {
    if (client) {
      client.log('init was called again; the first call stands');
      return;
    }
    const resolved = resolveOptions(options);
    if (typeof resolved === 'string') {
      // Worth a console line even without debug: with bad options nothing is recorded.
      createLogger(true)(resolved);
      return;
    }
    client = createClient({
      options: resolved,
      integrations: [pageviewCapture(), errorCapture()],
      send: createFetchSend(),
    });
  });
}

/**
 * Records a named user event with optional flat properties. Values that are not strings,
 * numbers, booleans or null are sent as JSON text; long values are cut.
 * Before `init`, does nothing.
 *
 * @example track('add_to_cart', { sku: 'TS-RED-M', qty: 1, price: 19.9 })
 */
export function track(name: string, props?: Record<string, unknown>): void {
  safely(() => {
    if (!client) return;
    if (typeof name === 'string' && name) {
      client.capture({ kind: 'track', name: clip(name, LIMITS.name), props: sanitizeProps(props) });
    } else {
      client.log('track needs a non-empty event name');
    }
  });
}

/**
 * Records an error the page caught (`handled: true`, `mechanism: 'manual'`). Anything can
 * be passed; non-Errors are sent as text. `context` becomes the event's props.
 * Returns the event's ID (to show to a customer or attach to a support ticket), or
 * undefined before `init`.
 *
 * @example
 * try { await pay() } catch (err) { captureError(err, { order_id: '8812' }) }
 */
export function captureError(error: unknown, context?: Record<string, unknown>): string | undefined {
  return safely(() =>
    client?.capture({
      kind: 'error',
      ...describeError(error),
      mechanism: 'manual',
      handled: true,
      props: sanitizeProps(context),
    }),
  );
}

/**
 * Sends everything queued now instead of waiting for the batch timer, and waits for
 * sends in flight. Resolves true when nothing recorded so far is left undelivered,
 * false otherwise (it will still be retried); never rejects.
 *
 * @example await flush()
 */
export function flush(): Promise<boolean> {
  return safely(() => (client ? client.transport.flush() : Promise.resolve(true)), Promise.resolve(false));
}

/**
 * The current session ID (a UUID; a new session starts after 30 minutes without events),
 * or undefined before `init`.
 */
export function sessionId(): string | undefined {
  return safely(() => client?.sessionId());
}
