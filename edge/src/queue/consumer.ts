import { CollectorBatch } from '@lifeline/protocol';
import { loadConfig } from '../config';
import type { Bindings } from '../env';
import { postBatch } from '../forward/collector';
import { log } from '../log';

/** One collector POST per delivery; the queue itself provides the retries. */
const ATTEMPT_TIMEOUT_MS = 15_000;
/** Delay before redelivery after a transient failure: 5 s, 10 s, 20 s… up to 5 minutes. */
const MAX_RETRY_DELAY_S = 300;
/** A refused secret needs an operator; redeliver slowly until `max_retries` moves it to the dead-letter queue. */
const AUTH_RETRY_DELAY_S = 300;

function retryDelaySeconds(attempts: number, retryAfterMs: number | undefined): number {
  const backoff = Math.min(MAX_RETRY_DELAY_S, 5 * 2 ** Math.max(0, attempts - 1));
  const asked = retryAfterMs === undefined ? 0 : Math.ceil(retryAfterMs / 1000);
  return Math.min(MAX_RETRY_DELAY_S, Math.max(backoff, asked));
}

async function deliver(message: Message<unknown>, collector: { url: string; secret: string }): Promise<void> {
  const parsed = CollectorBatch.safeParse(message.body);
  if (!parsed.success) {
    // Not something this edge produced: no number of redeliveries will fix it.
    log('error', 'dropping malformed queue message', { message_id: message.id });
    message.ack();
    return;
  }
  const batchId = parsed.data.batch_id;
  const outcome = await postBatch({ ...collector, body: JSON.stringify(message.body), timeoutMs: ATTEMPT_TIMEOUT_MS });
  switch (outcome.kind) {
    case 'ok':
      message.ack();
      return;
    case 'rejected':
      // The collector validates a batch whole and refuses it whole; the same bytes will be
      // refused again, so looping would only delay the batches behind it. Logged loudly.
      log('error', 'collector rejected a queued batch; dropped', { batch_id: batchId, status: outcome.status, reason: outcome.reason, events: parsed.data.events.length });
      message.ack();
      return;
    case 'auth':
      log('error', 'collector refused the edge secret; will redeliver', { batch_id: batchId, status: outcome.status, attempts: message.attempts });
      message.retry({ delaySeconds: AUTH_RETRY_DELAY_S });
      return;
    case 'retryable': {
      const delaySeconds = retryDelaySeconds(message.attempts, outcome.retryAfterMs);
      log('warn', 'collector unavailable; will redeliver', { batch_id: batchId, attempts: message.attempts, delay_s: delaySeconds, reason: outcome.reason });
      message.retry({ delaySeconds });
    }
  }
}

/**
 * The queue consumer: each message is one `CollectorBatch`, posted once to the collector.
 * 2xx → ack. Network error, timeout, 408/429/5xx → retry with a growing delay (honouring
 * `Retry-After`). 401/403 → retry slowly. Other 4xx or a malformed message → logged and
 * acked, since redelivery cannot change the answer. Batches that keep failing for
 * transient reasons end in the dead-letter queue after `max_retries` (wrangler.jsonc).
 *
 * @example export default { fetch: app.fetch, queue: consumeBatches }
 */
export async function consumeBatches(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  let collector: { url: string; secret: string };
  try {
    const config = loadConfig(env);
    collector = { url: config.collectorUrl, secret: config.collectorSecret };
  } catch (err) {
    log('error', 'queue consumer misconfigured; will redeliver', { reason: (err as Error).message, messages: batch.messages.length });
    batch.retryAll({ delaySeconds: MAX_RETRY_DELAY_S });
    return;
  }
  await Promise.all(
    batch.messages.map((message) =>
      deliver(message, collector).catch((err: unknown) => {
        log('error', 'queue delivery failed unexpectedly; will redeliver', { message_id: message.id, message: (err as Error).message });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts, undefined) });
      }),
    ),
  );
}
