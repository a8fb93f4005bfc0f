import type { BrowserEvent } from '@lifeline/protocol';
import type { Logger } from '../lib/createLogger.js';
import type { ResolvedOptions } from '../options.js';
import type { Transport } from '../transport/createTransport.js';

/** Fields the client fills in on every event. */
type BaseKey = 'event_id' | 'ts' | 'session_id' | 'anon_id' | 'release' | 'environment';

/** Omit applied to each member of a union, so `kind` still selects the right fields. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a capture module builds it; `url` defaults to the page's. */
export type EventFields = Without<BrowserEvent, BaseKey>;

/** A step run on every event before it is queued: return it (changed or not), or null to drop it. */
export type Processor = (event: BrowserEvent) => BrowserEvent | null;

/** What capture modules get to work with. */
export interface Client {
  readonly options: ResolvedOptions;
  readonly transport: Transport;
  readonly log: Logger;
  /** Completes `fields` into an event, runs the processors and queues it; returns its event_id. */
  capture(fields: EventFields): string | undefined;
  /** Appends a processor; processors run in the order added. */
  addProcessor(processor: Processor): void;
  /** The current session ID, without counting as activity. */
  sessionId(): string;
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
