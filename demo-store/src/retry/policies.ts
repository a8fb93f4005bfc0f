import { GatewayError } from '../payments/gateway';
import { DatabaseUnavailable } from '../shop/database-unavailable';
import type { RetryPolicy } from './retry';

/** File-system errors that clear by themselves: a busy file, too many open files for a moment. */
const TRANSIENT_FS = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE']);
const transientDb = (e: unknown): boolean =>
  e instanceof DatabaseUnavailable || TRANSIENT_FS.has((e as NodeJS.ErrnoException | null)?.code ?? '');

/** An HTTP answer that will never succeed however often it is sent: a 4xx other than 429. */
const refusedForGood = (e: unknown): boolean => {
  const status = (e as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
};

/**
 * Every retry policy of the store's backend, by operation, in one place. All are bounded
 * and exponential with full jitter (see `withRetry`); payments are the most conservative.
 *
 * Database reads have no policy: each collection is loaded into memory when the store
 * opens and answers reads from there, so a read cannot fail transiently. Database writes
 * are retried only because every write is a whole-record upsert or delete by ID: writing
 * the same record again leaves the same state, so a retry cannot double an effect. What
 * could double one, running an operation again that mints a new record (a second order,
 * a second charge), is never retried here; the shopper's own retry of it is answered by
 * its `Idempotency-Key`.
 */
export const RETRY = {
  /**
   * The primary gateway: only a refused connection is retried, once, because then
   * nothing reached the gateway. A timeout (outcome unknown) or an error goes to the
   * fallback at once instead of hammering a gateway that is struggling. Every attempt
   * carries the payment's idempotency key, so even an unknown outcome cannot charge twice.
   */
  'payment.primary': {
    attempts: 2,
    baseMs: 100,
    maxMs: 400,
    retryable: (e) => e instanceof GatewayError && e.kind === 'unavailable',
  },
  /**
   * The fallback gateway, the last resort: one more attempt after a refused connection
   * or an error answer, never after a timeout (the charge may have gone through).
   */
  'payment.fallback': {
    attempts: 2,
    baseMs: 200,
    maxMs: 1000,
    retryable: (e) => e instanceof GatewayError && e.kind !== 'timeout',
  },
  /** A cart saved or removed: the cart's whole state, written again as it is. */
  'db.carts': { attempts: 3, baseMs: 50, maxMs: 400, retryable: transientDb },
  /** A new account: the same user record (its ID already chosen) written again. */
  'db.users': { attempts: 3, baseMs: 50, maxMs: 400, retryable: transientDb },
  /** A session created or ended: the same session record, or the same delete. */
  'db.sessions': { attempts: 3, baseMs: 50, maxMs: 400, retryable: transientDb },
  /**
   * A new order: its ID is chosen before the first attempt, so a retry writes that same
   * order again and never a second one. A second order could only come from running the
   * whole request again, which the shopper's `Idempotency-Key` answers with the first.
   */
  'db.orders.create': { attempts: 3, baseMs: 50, maxMs: 400, retryable: transientDb },
  /**
   * An order marked paid: the shopper has been charged by now, so this tries hardest.
   * It writes the same paid record again; the charge itself is not repeated.
   */
  'db.orders.paid': { attempts: 5, baseMs: 50, maxMs: 800, retryable: transientDb },
  /**
   * The answer remembered under an idempotency key, and the purge of expired ones. The
   * same record again; losing it instead would let a repeated request run twice.
   */
  'db.idempotency': { attempts: 4, baseMs: 50, maxMs: 800, retryable: transientDb },
  /**
   * Backend logs to the collector. Never given up by count: a batch leaves the buffer
   * only once the collector acknowledged it (at least once, each record keeps its
   * `event_id`, so a batch sent twice is stored once). What bounds it is the buffer
   * (`maxBuffer`, oldest dropped first) and `close()`'s deadline. A 4xx other than 429
   * will never succeed and is dropped at once.
   */
  'logs.ship': { attempts: Number.POSITIVE_INFINITY, baseMs: 250, maxMs: 30_000, retryable: (e) => !refusedForGood(e) },
  /**
   * A batch of seeded history to the collector: it may answer 503 while it spools. The
   * same batch with the same event IDs again, which storage counts once.
   */
  'history.seed': { attempts: 8, baseMs: 500, maxMs: 8000, retryable: (e) => !refusedForGood(e) },
} as const satisfies Record<string, RetryPolicy>;

export type RetryOperation = keyof typeof RETRY;
