import { errorMessage } from '../log';
import type { Storage } from './open-storage';

export interface ProbeResult {
  reachable: boolean;
  error?: string;
}

/**
 * Pings storage for `GET /ready`, at most once per `cacheMs` however often it is asked,
 * and gives up after `timeoutMs` so a hung server makes the answer "unreachable", not slow.
 *
 * @example const probe = storageProbe(storage); (await probe()).reachable
 */
export function storageProbe(storage: Storage, options: { cacheMs?: number; timeoutMs?: number } = {}): () => Promise<ProbeResult> {
  const cacheMs = options.cacheMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 2000;
  let last: { at: number; result: ProbeResult } | undefined;
  let running: Promise<ProbeResult> | undefined;

  const ping = async (): Promise<ProbeResult> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(() => resolve({ reachable: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      const answer = storage.client.ping().then(
        (r): ProbeResult => (r.success ? { reachable: true } : { reachable: false, error: errorMessage(r.error) }),
        (err): ProbeResult => ({ reachable: false, error: errorMessage(err) }),
      );
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return async () => {
    if (last && Date.now() - last.at < cacheMs) return last.result;
    running ??= ping().then((result) => {
      last = { at: Date.now(), result };
      running = undefined;
      return result;
    });
    return running;
  };
}
