import type { Logger } from '../logging/logger';
import { RETRY, type RetryOperation } from '../retry/policies';
import { withRetry } from '../retry/retry';
import { DatabaseUnavailable } from './database-unavailable';
import type { FaultSwitch } from './faults';

/** One write to one collection, and the retry policy it runs under. */
export interface DbWrite {
  collection: string;
  operation: 'put' | 'delete';
  policy: RetryOperation;
}

/** Runs a write under its policy and logs each attempt on the request's logger. */
export type DbWriter = <T>(log: Logger, write: DbWrite, fn: () => Promise<T>) => Promise<T>;

/**
 * The one door every database write goes through: the injected database fault applies
 * to each attempt (`slow` waits `delay_ms` first, `down` refuses), the operation's retry
 * policy decides about another, and each attempt is logged with its collection,
 * operation, duration and outcome, so a slow or failing database shows on the request's
 * timeline.
 *
 * @example await write(log, { collection: 'carts', operation: 'put', policy: 'db.carts' }, () => carts.put(cart))
 */
export function createDbWriter(faults: FaultSwitch): DbWriter {
  return (log, w, fn) => {
    const name = `${w.collection}.${w.operation}`;
    return withRetry(
      async (attempt) => {
        const started = performance.now();
        const attrs = { collection: w.collection, operation: w.operation, attempt: attempt + 1 };
        const took = () => Math.round(performance.now() - started);
        try {
          const db = faults.get().db;
          if (db.mode === 'down') throw new DatabaseUnavailable();
          if (db.mode === 'slow') await new Promise((r) => setTimeout(r, db.delay_ms));
          const result = await fn();
          log.info(`database write ${name} ok`, { ...attrs, outcome: 'ok', duration_ms: took() });
          return result;
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          log.error(`database write ${name} failed: ${reason}`, { ...attrs, outcome: 'failed', duration_ms: took() });
          throw err;
        }
      },
      RETRY[w.policy],
      { onRetry: (_err, attempt, delay) => log.warn(`retrying database write ${name}`, { collection: w.collection, operation: w.operation, attempt: attempt + 2, delay_ms: Math.round(delay) }) },
    );
  };
}
