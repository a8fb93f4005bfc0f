import type { CollectorBatch } from '@lifeline/protocol';
import type { Config } from '../config';
import { log } from '../log';
import { postBatch, type AttemptOutcome } from './collector';
import type { ForwardResult } from './result';
import { backoffDelay, DEFAULT_RETRY_POLICY, sleep as realSleep, type RetryPolicy } from './retry';

/** Retry-After given to the SDK when the collector did not suggest one (seconds). */
const DEFAULT_RETRY_AFTER_S = 10;
/** Retry-After when the collector refuses the edge's secret: an operator has to act. */
const AUTH_RETRY_AFTER_S = 60;
/** Shortest try worth starting before the deadline. */
const MIN_ATTEMPT_MS = 250;

export interface HttpForwardOptions {
  config: Config;
  policy?: RetryPolicy;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Replaceable so tests need not wait. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  random?: () => number;
}

function clampSeconds(ms: number): number {
  return Math.min(300, Math.max(1, Math.ceil(ms / 1000)));
}

type Failure = Exclude<AttemptOutcome, { kind: 'ok' }>;

function failure(last: Failure, batchId: string, attempts: number): ForwardResult {
  // A retryable failure is weather; a refusal means edge and collector disagree.
  const level = last.kind === 'retryable' ? 'warn' : 'error';
  log(level, 'forwarding failed', { batch_id: batchId, attempts, outcome: last.kind, reason: last.reason });
  switch (last.kind) {
    case 'rejected':
      return { ok: false, kind: 'rejected', status: last.status, reason: last.reason };
    case 'auth':
      return { ok: false, kind: 'unavailable', reason: `${last.reason} (the edge's collector secret was refused)`, retryAfterSeconds: AUTH_RETRY_AFTER_S };
    case 'retryable': {
      const retryAfterSeconds = last.retryAfterMs === undefined ? DEFAULT_RETRY_AFTER_S : clampSeconds(last.retryAfterMs);
      return { ok: false, kind: 'unavailable', reason: last.reason, retryAfterSeconds };
    }
  }
}

/**
 * Posts a batch to the collector, retrying network errors, timeouts, 408, 429 and 5xx
 * with exponential backoff and jitter, honouring `Retry-After` while it fits the sleep
 * budget. Every try sends the same bytes (same `batch_id`, same `event_id`s), so a try
 * that was stored but whose answer was lost is de-duplicated by the collector.
 *
 * @example await forwardOverHttp(batch, { config })
 */
export async function forwardOverHttp(batch: CollectorBatch, options: HttpForwardOptions): Promise<ForwardResult> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? realSleep;
  const body = JSON.stringify(batch);
  const started = Date.now();
  let slept = 0;
  let last: Failure = { kind: 'retryable', reason: 'collector not tried' };

  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const remaining = policy.deadlineMs - (Date.now() - started);
    if (remaining < MIN_ATTEMPT_MS) return failure(last, batch.batch_id, attempt - 1);

    const outcome = await postBatch({
      url: options.config.collectorUrl,
      secret: options.config.collectorSecret,
      body,
      timeoutMs: Math.min(policy.attemptTimeoutMs, remaining),
      fetch: options.fetch,
    });
    if (outcome.kind === 'ok') return { ok: true, attempts: attempt };
    last = outcome;
    if (last.kind !== 'retryable' || attempt === policy.attempts) return failure(last, batch.batch_id, attempt);

    // A collector asking for a pause gets at least that pause; one asking for more than
    // the budget allows ends the retries here and the SDK is told to come back later.
    const wait = Math.max(last.retryAfterMs ?? 0, backoffDelay(attempt, policy, options.random));
    if (slept + wait > policy.sleepBudgetMs) return failure(last, batch.batch_id, attempt);
    await sleep(wait);
    slept += wait;
  }
  return failure(last, batch.batch_id, policy.attempts);
}
