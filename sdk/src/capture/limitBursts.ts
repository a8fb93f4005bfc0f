import type { Client, Processor } from '../core/types.js';

/** Occurrences of one error (by fingerprint) sent per window. */
const PER_WINDOW = 5;
const WINDOW_MS = 60_000;

/**
 * A processor that lets through at most five events per error fingerprint a minute; the
 * rest are dropped and counted as `error_burst`. An error thrown in a render loop or a
 * timer would otherwise send thousands of copies and crowd out everything else.
 */
export function limitBursts(client: Client): Processor {
  let counts = new Map<string, number>();
  let since = 0;
  return (event) => {
    if (event.kind !== 'error' || !event.fingerprint) return event;
    const now = Date.now();
    if (now - since > WINDOW_MS) {
      counts = new Map();
      since = now;
    }
    const n = (counts.get(event.fingerprint) ?? 0) + 1;
    counts.set(event.fingerprint, n);
    if (n <= PER_WINDOW) return event;
    client.transport.drop(1, 'error_burst');
    return null;
  };
}
