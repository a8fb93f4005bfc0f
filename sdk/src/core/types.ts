import type { BrowserEvent } from '@lifeline/protocol';
import type { Logger } from '../lib/createLogger.js';
import type { ResolvedOptions } from '../options.js';
import type { Transport } from '../transport/createTransport.js';

/** Fields the client fills in on every event. */
type BaseKey = 'event_id' | 'ts' | 'session_id' | 'anon_id' | 'user_id' | 'release' | 'environment';

/** Omit applied to each member of a union, so `kind` still selects the right fields. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * An event as a capture module builds it; `url` defaults to the page's and `ts` to now
 * (a network call passes its start, so a timeline shows the call before the backend's
 * logs of it).
 */
export type EventFields = Without<BrowserEvent, BaseKey> & { ts?: number };

/** A step run on every event before it is queued: return it (changed or not), or null to drop it. */
export type Processor = (event: BrowserEvent) => BrowserEvent | null;

/** A backend call as the network capture saw it end. */
export interface RequestOutcome {
  method: string;
  /** Absolute URL, with sensitive query values removed. */
  url: string;
  /** HTTP status; 0 when no response came (network error, timeout, abort). */
  status: number;
  duration_ms: number;
  /** The X-Request-Id the SDK put on the call, when it put one. */
  request_id?: string;
  /** True for a network error, a timeout or a 5xx. */
  failed: boolean;
  /** Why it failed: `network`, `timeout`, `abort` or `http`. */
  reason?: 'network' | 'timeout' | 'abort' | 'http';
  /** When the call started (`performance.now()`), the same value its `before` got: it tells the call apart. */
  start: number;
}

/**
 * Lets a module watch (and, for `fetch`, answer) the page's calls. The degradation module
 * uses it for per-feature circuit breakers.
 */
export interface RequestHook {
  /**
   * Called as an instrumented call starts; for a `fetch`, return a Response to answer the
   * call without sending it (an open breaker does this). An XMLHttpRequest goes out
   * whatever it returns.
   */
  before?(req: { method: string; url: string; start: number }): Response | undefined;
  /** Called when any instrumented fetch or XMLHttpRequest ends. */
  after?(outcome: RequestOutcome): void;
}

/** What capture modules get to work with. */
export interface Client {
  readonly options: ResolvedOptions;
  readonly transport: Transport;
  readonly log: Logger;
  /** Completes `fields` into an event, runs the processors and queues it; returns its event_id. */
  capture(fields: EventFields): string | undefined;
  /** Appends a processor; processors run in the order added. */
  addProcessor(processor: Processor): void;
  /** The current session ID, without counting as activity; undefined without consent. */
  sessionId(): string | undefined;
  /** Registers a hook on the page's fetch/XHR calls (see `RequestHook`). */
  onRequest(hook: RequestHook): void;
  /** The hooks registered so far, in order; the network capture calls them. */
  readonly requestHooks: readonly RequestHook[];
  /**
   * Adds a breadcrumb (`click`, `nav`, `track`, `fetch`, `xhr`, `error`): the last 20 go
   * with every error event. Kept in memory only.
   */
  crumb(type: string, text: string): void;
  /** The X-Request-Id of the latest instrumented call; set by the network capture. */
  lastRequestId?: string;
  /** Sets the user put on every later event (`user_id`), across page loads; true if it changed. */
  identify(userId: string): boolean;
  /** Forgets the user; starts a new anonymous ID and session. */
  reset(): void;
  /**
   * Grants or withdraws consent. Withdrawing stops capture and deletes the SDK's stored
   * data; granting resumes, and sends what was captured while consent was pending.
   */
  consent(granted: boolean): void;
}

/**
 * A capture module: a plain object from a factory, set up once with the client.
 *
 * @example
 * const clicks = (): Integration => ({
 *   name: 'clicks',
 *   setup(client) { addEventListener('click', () => client.capture({ kind: 'track', name: 'click' })); },
 * });
 */
export interface Integration {
  name: string;
  setup(client: Client): void;
}
