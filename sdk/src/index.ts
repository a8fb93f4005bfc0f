import { LIMITS } from '@lifeline/protocol/limits';
import { clickBreadcrumbs } from './capture/clicks.js';
import { consoleErrorCapture } from './capture/consoleErrors.js';
import { errorCapture } from './capture/errors.js';
import { pageviewCapture } from './capture/pageviews.js';
import { createClient } from './core/createClient.js';
import { degradation, type Degradation } from './degrade/degradation.js';
import type { FeatureStatus } from './degrade/types.js';
import type { Client } from './core/types.js';
import { clip } from './lib/clip.js';
import { createLogger } from './lib/createLogger.js';
import { errorFields } from './lib/errorFields.js';
import { safely } from './lib/safely.js';
import { sanitizeProps } from './lib/sanitizeProps.js';
import { resolveOptions, type InitOptions } from './options.js';
import { createBeacon } from './transport/createBeacon.js';
import { createFetchSend } from './transport/createFetchSend.js';

export type { InitOptions, LifelineEvent } from './options.js';
export type { Integration } from './core/types.js';
export type { BreakerOptions, DegradeOptions, FeatureState, FeatureStatus, NoticeTexts } from './degrade/types.js';

let client: Client | undefined;
let degrade: Degradation | undefined;

/**
 * Starts the SDK: records pageviews (single-page-app navigations included), uncaught
 * errors, unhandled rejections, failed resource loads and click breadcrumbs, plus what
 * `options.integrations` add, and sends batches to `{endpoint}/v1/events`. Only the
 * first call counts. Invalid options log a console warning and leave the SDK off;
 * nothing throws.
 *
 * @example init({ key: 'pk_live_123', endpoint: 'https://edge.example.com', release: '2024.06.1' })
 */
export function init(options: InitOptions): void {
  safely(() => {
    if (client) return client.log('init again: ignored');
    const resolved = resolveOptions(options);
    // Worth a console line even without debug: with bad options nothing is recorded.
    if (typeof resolved == 'string') return createLogger(true)(resolved);
    degrade = degradation(options);
    client = createClient({
      options: resolved,
      integrations: [pageviewCapture(), errorCapture(), consoleErrorCapture(), clickBreadcrumbs(), ...resolved.integrations, degrade],
      send: createFetchSend(),
      beacon: createBeacon(),
    });
  });
}

/**
 * Records a named user event with optional flat properties. Values that are not strings,
 * numbers, booleans or null are sent as JSON text; long values are cut. An `order_id`
 * prop is also set as the event's `order_id`, so the order's timeline finds it.
 * Before `init`, does nothing.
 *
 * @example track('add_to_cart', { sku: 'TS-RED-M', qty: 1, price: 19.9 })
 */
export function track(name: string, props?: Record<string, unknown>): void {
  safely(() => {
    if (typeof name == 'string' && name) client?.capture({ kind: 'track', name: clip(name, LIMITS.name), props: sanitizeProps(props) });
    else client?.log('track needs an event name');
  });
}

/**
 * Sets the user: every later event carries `user_id`, on this page and the next ones,
 * until `reset()`. Records a `track` event named `identify` with `traits` as its props
 * when the user changes or traits are given. Use the store's own customer ID, not an
 * email address. Before `init`, does nothing.
 *
 * @example identify('cust_8812', { plan: 'gold' })
 */
export function identify(userId: string, traits?: Record<string, unknown>): void {
  safely(() => {
    if (!client) return;
    if ((typeof userId == 'string' || typeof userId == 'number') && userId !== '') {
      const props = sanitizeProps(traits);
      if (client.identify(clip(String(userId), LIMITS.id)) || props) client.capture({ kind: 'track', name: 'identify', props });
    } else client.log('identify needs a user ID');
  });
}

/**
 * Forgets the user (a logout): later events have no `user_id`, a new anonymous ID and a
 * new session. Before `init`, does nothing.
 */
export function reset(): void {
  safely(() => client?.reset());
}

/**
 * Grants (`true`) or withdraws (anything else) consent. Withdrawing stops all capture,
 * discards what is queued and deletes the SDK's stored data (IDs, unsent events); the
 * refusal itself is remembered across pages. Granting resumes capture and sends what was
 * captured while consent was pending. Before `init`, does nothing (the snippet queues it).
 *
 * @example cmp.on('decision', (ok) => consent(ok))
 */
export function consent(granted: boolean): void {
  safely(() => client?.consent(granted === true));
}

/**
 * Records an error the page caught (`handled: true`, `mechanism: 'manual'`). Anything can
 * be passed; non-Errors are sent as text. `context` becomes the event's props.
 * Returns the event's ID (to show to a customer or attach to a support ticket), or
 * undefined before `init` or when the event is not recorded.
 *
 * @example
 * try { await pay() } catch (err) { captureError(err, { order_id: '8812' }) }
 */
export function captureError(error: unknown, context?: Record<string, unknown>): string | undefined {
  return safely(() => client?.capture({ ...errorFields(error, 'manual', true), props: sanitizeProps(context) }));
}

/**
 * The `X-Request-Id` of the latest call the network capture tagged (fetch or XHR to the
 * page's origin or a `propagateTo` origin), for an error page to print; undefined before
 * any.
 *
 * @example errorBox.textContent = `Reference: ${lastRequestId()}`
 */
export function lastRequestId(): string | undefined {
  return safely(() => client?.lastRequestId);
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
 * or undefined before `init` and without consent.
 */
export function sessionId(): string | undefined {
  return safely(() => client?.sessionId());
}

/**
 * A feature's current state: the worse of its flag (set by ops at the edge) and its
 * circuit breaker (see the `features` option), with the flag's message and what decided
 * it. `{ state: 'ok' }` before `init` and for features nothing is known about.
 *
 * @example if (feature('checkout').state === 'down') showPhoneOrderNumber()
 */
export function feature(name: string): FeatureStatus {
  return safely(() => degrade?.feature(name)) ?? { state: 'ok' };
}
