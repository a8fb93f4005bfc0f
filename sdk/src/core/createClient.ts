import type { BrowserEvent, Props } from '@lifeline/protocol';
import { LIMITS } from '@lifeline/protocol/limits';
import { clip } from '../lib/clip.js';
import { createLogger } from '../lib/createLogger.js';
import { createSession } from '../lib/createSession.js';
import { currentUrl } from '../lib/currentUrl.js';
import { onPageHide } from '../lib/onPageHide.js';
import { safely } from '../lib/safely.js';
import { scrubEvent } from '@lifeline/protocol/scrub';
import { storageGet, storageSet } from '../lib/storage.js';
import { STORAGE_KEYS } from '../lib/storageKeys.js';
import { uuid } from '../lib/uuid.js';
import type { ResolvedOptions } from '../options.js';
import { createStore } from '../transport/createStore.js';
import { createTransport, type Beacon, type Send } from '../transport/createTransport.js';
import { SDK_NAME, SDK_VERSION } from '../version.js';
import type { Client, Integration, Processor, RequestHook } from './types.js';

export interface ClientSetup {
  options: ResolvedOptions;
  integrations: Integration[];
  send: Send;
  beacon?: Beacon;
}

/** Breadcrumbs kept for error events. */
/**
 * `after` (what scrubbing made of `before`) with each text that scrubbing lengthened cut
 * back to its length before, or to LIMITS.label (the shortest text limit) if that is more:
 * `a@b.c` becomes `[email]`, so text captured at its limit would pass it, and the edge
 * would refuse the event. Scrubbing builds new objects, so `after` is changed in place.
 */
const fit = (after: any, before: any): unknown =>
  typeof after == 'string'
    ? clip(after, Math.max(LIMITS.label, before?.length | 0))
    : after && typeof after == 'object'
      ? (Object.keys(after).forEach((k) => (after[k] = fit(after[k], before?.[k]))), after)
      : after;

const CRUMBS = 20;
/** The kinds that leave a breadcrumb, and its type. */
const CRUMB_TYPES: Record<string, string> = { pageview: 'nav', track: 'track', error: 'error' };
/** Events held in memory while consent is pending. */
const PENDING = 100;

/**
 * The core: completes events with the fields every event carries, samples them, runs
 * processors, `beforeSend` and the scrubber, hands events to the transport, and flushes
 * when the page is hidden or the browser comes back online. Everything it records comes
 * from integrations, each set up on its own so one failing to start does not stop the
 * others.
 */
export function createClient({ options, integrations, send, beacon }: ClientSetup): Client {
  const log = createLogger(options.debug);
  const session = createSession();
  const processors: Processor[] = [];
  const requestHooks: RequestHook[] = [];
  const crumbs: [number, string, string][] = [];
  // true: granted; false: refused (capture off); undefined: pending (events wait in memory).
  let consent = storageGet(STORAGE_KEYS.optOut) ? false : options.consent;
  let pending: BrowserEvent[] = [];
  const transport = createTransport(
    {
      url: options.url,
      key: options.key,
      sdk: { name: SDK_NAME, version: SDK_VERSION },
      store: createStore(),
      beacon,
      log,
      onSent() {
        const drops = transport.takeDrops();
        if (drops) client.capture({ kind: 'track', name: 'lifeline_dropped', props: drops });
      },
    },
    send,
  );

  /**
   * Adds the identity fields (known only once there is consent), runs the processors,
   * beforeSend and the scrubber, and queues the event; false if dropped. A processor
   * that throws drops the event: it may be the one that scrubs personal data, and
   * sending unscrubbed is worse than not sending. So does one returning anything but an
   * event (a Promise, say: processors run synchronously).
   */
  const finish = (fields: BrowserEvent): boolean => {
    let event: BrowserEvent | null | undefined = { ...fields, session_id: session.id(), anon_id: session.anonId(), user_id: session.userId() };
    for (const processor of processors.concat((options.beforeSend as Processor | undefined) ?? [], (e) => fit(scrubEvent(e), e) as BrowserEvent)) {
      event = safely(() => processor(event!));
      // Not an event (null, or a Promise from an async beforeSend): dropped, never sent as `{}`.
      if (!event?.kind) {
        log('dropped by a processor', fields);
        return false;
      }
    }
    transport.enqueue(event!);
    log('queued', event);
    return true;
  };

  const client: Client = {
    options,
    transport,
    log,
    requestHooks,
    addProcessor: (processor) => void processors.push(processor),
    onRequest: (hook) => void requestHooks.push(hook),
    sessionId: () => (consent ? session.id(false) : undefined),
    crumb(type, text) {
      if (consent !== false && crumbs.push([Date.now(), type, clip(text, 100)]) > CRUMBS) crumbs.shift();
    },
    capture(fields) {
      if (consent === false) return undefined;
      const now = Date.now();
      // Fields only some kinds have, read without narrowing on kind.
      const event = { event_id: uuid(), ts: now, url: currentUrl(), release: options.release, environment: options.environment, ...fields } as BrowserEvent & {
        props?: Props;
        name?: string;
        message?: string;
      };
      const { kind, props } = event;
      // The collector finds an order's timeline by the top-level field.
      const order = props?.order_id;
      if (order != null && order !== '') event.order_id ??= clip(String(order), LIMITS.id);
      if (kind == 'error' && crumbs[0] && Object.keys(props ?? {}).length < LIMITS.propKeys) {
        // [ms before the error, type, text], oldest first, as JSON text within one prop value.
        const list = crumbs.map(([t, type, text]) => [t - now, type, text]);
        let json;
        while ((json = JSON.stringify(list)).length > LIMITS.propValue) list.shift();
        event.props = { ...props, breadcrumbs: json };
      }
      if (CRUMB_TYPES[kind]) client.crumb(CRUMB_TYPES[kind], event.name ?? event.message ?? event.url!);
      // Network capture samples itself: failed and slow calls are always kept.
      if (kind != 'network' && !(Math.random() < (options.sampleRate[kind] ?? 1))) return undefined;
      if (consent) return finish(event) ? event.event_id : undefined;
      if (pending.length < PENDING) pending.push(event);
      return event.event_id;
    },
    identify(userId) {
      const changed = session.userId() != userId;
      // Stored only with consent; until then the ID lives in memory.
      if (consent !== false) session.setUser(userId, !!consent);
      return changed;
    },
    // Without consent a new anonymous ID must not be stored yet: forget the old one only.
    reset: () => (consent ? session.reset() : session.clear()),
    consent(granted) {
      consent = granted;
      storageSet(STORAGE_KEYS.optOut, granted ? undefined : '1');
      const waiting = pending;
      pending = [];
      if (granted) {
        // An ID set while pending was kept in memory; now it may be stored.
        const user = session.userId();
        if (user) session.setUser(user);
        waiting.forEach(finish);
      } else {
        crumbs.length = 0;
        transport.clear();
        session.clear();
      }
    },
  };

  safely(() => {
    onPageHide(() => void transport.flush(true));
    addEventListener('online', () => void transport.online());
  });
  for (const integration of integrations) {
    try {
      integration.setup(client);
    } catch (error) {
      // Logged as it is: reading its name may throw too, and the client must still start.
      log('did not start', integration, error);
    }
  }
  return client;
}
