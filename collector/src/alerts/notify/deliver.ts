import type { AlertChannel, AlertNotification } from '@lifeline/protocol';
import type { CollectorMetrics } from '../../metrics/collector-metrics';
import { backoffDelay } from './backoff';
import type { CircuitBreaker } from './circuit-breaker';
import { formatSlack } from './format-slack';
import type { PostWebhook } from './post-webhook';

export interface ChannelTarget {
  name: string;
  channel: AlertChannel;
}

export type DeliveryResult = { ok: true; channel: string; attempts: number } | { ok: false; reason: string; attempts: number };

export interface DeliverDeps {
  post: PostWebhook;
  breaker: (channel: string) => CircuitBreaker;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  clock: () => number;
  metrics: Pick<CollectorMetrics, 'alertNotifications'>;
}

/** The body a channel gets: Slack's `{ text, blocks }`, or the notification itself. */
export const bodyFor = (channel: AlertChannel, n: AlertNotification): unknown => (channel.type === 'slack' ? formatSlack(n) : n);

/**
 * Delivers a notification to the first channel that takes it. Each channel gets its
 * attempt and `retries` more with backoff; a channel whose circuit is open is skipped at
 * once (unless `force`, as for an operator's replay). The reasons of every channel are
 * kept, so a dead letter says why each one failed.
 *
 * @example await deliver(notification, [{ name: 'slack', channel }, { name: 'pager', channel: other }], deps)
 */
export async function deliver(n: AlertNotification, targets: readonly ChannelTarget[], deps: DeliverDeps, force = false): Promise<DeliveryResult> {
  const reasons: string[] = [];
  let attempts = 0;
  for (const { name, channel } of targets) {
    const breaker = deps.breaker(name);
    if (!force && !breaker.allow(deps.clock())) {
      deps.metrics.alertNotifications.inc(1, { channel: name, outcome: 'skipped_open_circuit' });
      reasons.push(`${name}: circuit open after repeated failures`);
      continue;
    }
    const body = bodyFor(channel, n);
    let reason = '';
    for (let i = 0; i <= channel.retries; i++) {
      attempts++;
      const r = await deps.post({ url: channel.url, body, ...(channel.headers ? { headers: channel.headers } : {}), timeoutMs: channel.timeout });
      if (r.ok) {
        breaker.success();
        deps.metrics.alertNotifications.inc(1, { channel: name, outcome: 'delivered' });
        return { ok: true, channel: name, attempts };
      }
      reason = r.reason;
      if (!r.retryable || i === channel.retries) break;
      await deps.sleep(backoffDelay(channel.backoff, i, deps.random, r.retryAfterMs));
    }
    breaker.failure(deps.clock());
    deps.metrics.alertNotifications.inc(1, { channel: name, outcome: 'failed' });
    reasons.push(`${name}: ${reason}`);
  }
  return { ok: false, reason: reasons.length ? reasons.join('; ') : 'no channel configured', attempts };
}
