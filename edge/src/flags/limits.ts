import { FLAG_HISTORY_MAX } from '@lifeline/protocol';

/** Audit entries kept per project; older ones are dropped as new ones arrive. */
export const HISTORY_KEPT = FLAG_HISTORY_MAX;

/**
 * Most features a project may have flags for. Every status answer lists them all, so the
 * bound keeps `/v1/status` small; `LIFELINE_FEATURES` plus a few ad-hoc ones fit easily.
 */
export const MAX_FEATURES = 100;

/** Largest `PUT /v1/flags/:feature` body: a flag with a message of `LIMITS.message` characters fits. */
export const FLAG_CHANGE_BYTES = 40 * 1024;

/**
 * How often an idle status stream gets a `: ping` comment. Proxies and load balancers
 * close connections that stay silent for a minute or so; the ping also finds dead streams.
 */
export const HEARTBEAT_MS = 15_000;

/**
 * Messages a stream may have waiting for its reader before it is dropped. A page that stopped
 * reading (a frozen tab, a stalled network) must not make the object buffer without end;
 * EventSource reconnects and gets the current status first thing.
 */
export const MAX_STREAM_BACKLOG = 16;

/** Flag events sent to the collector in one batch. */
export const OUTBOX_BATCH = 100;

/** Backoff of pending flag events after a failed delivery: 5 s, 10 s, 20 s… up to 5 minutes. */
export const OUTBOX_RETRY_BASE_MS = 5_000;
export const OUTBOX_RETRY_MAX_MS = 300_000;

/** The actor recorded when a flag reverts by itself at `until`. */
export const EXPIRY_ACTOR = 'expiry';
