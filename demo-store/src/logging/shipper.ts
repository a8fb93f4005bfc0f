import type { BackendLog } from '@lifeline/protocol';
import { RETRY } from '../retry/policies';
import { backoffDelay } from '../retry/retry';

export interface ShipperOptions {
  /** The collector's base URL; its `POST /v1/logs` takes the records. */
  url: string;
  /** The project's ingest token for backend logs. */
  token: string;
  /** @default 500 */
  flushMs?: number;
  /** Records kept while the collector is away; the oldest go first beyond it. @default 20_000 */
  maxBuffer?: number;
  /** Most records per request. @default 1000 */
  maxBatch?: number;
}

export interface Shipper {
  push(record: BackendLog): void;
  /** Sends what is buffered; resolves when the collector took it or the attempt failed. */
  flush(): Promise<void>;
  /** Flushes, retrying for up to `timeoutMs`, then stops the timer. */
  close(timeoutMs?: number): Promise<void>;
  stats(): { sent: number; dropped: number; buffered: number };
}

/**
 * Ships backend logs to the collector in batches, at least once: a batch leaves the buffer
 * only after the collector acknowledged it, and every record keeps its `event_id`, so a
 * batch re-sent after a lost answer is stored once. Failed sends back off under the
 * `logs.ship` policy of `RETRY`.
 */
export function createShipper(o: ShipperOptions): Shipper {
  const maxBuffer = o.maxBuffer ?? 20_000;
  const maxBatch = o.maxBatch ?? 1000;
  let buffer: BackendLog[] = [];
  let sent = 0;
  let dropped = 0;
  let inflight: Promise<void> | null = null;
  let failures = 0;
  let nextTry = 0;
  const policy = RETRY['logs.ship'];

  const sendOnce = async (): Promise<void> => {
    if (buffer.length === 0 || Date.now() < nextTry) return;
    const batch = buffer.slice(0, maxBatch);
    try {
      const res = await fetch(`${o.url}/v1/logs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${o.token}` },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(5000),
      });
      await res.body?.cancel();
      if (!res.ok) throw Object.assign(new Error(`collector answered ${res.status}`), { status: res.status });
      sent += batch.length;
      buffer = buffer.slice(batch.length);
      failures = 0;
    } catch (err) {
      if (policy.retryable(err)) {
        nextTry = Date.now() + backoffDelay(failures++, policy);
        return;
      }
      // An answer that will never succeed (a 4xx other than 429); dropping it keeps the rest flowing.
      dropped += batch.length;
      buffer = buffer.slice(batch.length);
      failures = 0;
    }
  };

  const flush = () => (inflight ??= sendOnce().finally(() => (inflight = null)));
  const timer = setInterval(() => void flush(), o.flushMs ?? 500);
  timer.unref();

  return {
    push(record) {
      buffer.push(record);
      if (buffer.length > maxBuffer) {
        dropped += buffer.length - maxBuffer;
        buffer = buffer.slice(buffer.length - maxBuffer);
      }
    },
    flush,
    async close(timeoutMs = 3000) {
      clearInterval(timer);
      const deadline = Date.now() + timeoutMs;
      while (buffer.length > 0 && Date.now() < deadline) {
        nextTry = 0;
        await flush();
        if (failures > 0) await new Promise((r) => setTimeout(r, 100));
      }
    },
    stats: () => ({ sent, dropped, buffered: buffer.length }),
  };
}
