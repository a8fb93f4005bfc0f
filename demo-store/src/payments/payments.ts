import type { Logger } from '../logging/logger';
import { RETRY } from '../retry/policies';
import { withRetry, type RetryPolicy } from '../retry/retry';
import type { Breaker } from './breaker';
import { GatewayError, type Charge, type ChargeRequest, type Gateway } from './gateway';

/** Both gateways failed: the shopper was not charged and may try again later. */
export class PaymentUnavailable extends Error {
  constructor(readonly causes: string[]) {
    super(`payment unavailable: ${causes.join('; ')}`);
    this.name = 'PaymentUnavailable';
  }
}

export interface PaymentsOptions {
  primary: Gateway;
  fallback: Gateway;
  /** In front of the primary only: when it keeps failing, go straight to the fallback. */
  breaker: Breaker;
  /** Per-call timeout for each gateway. @default { primary: 2500, fallback: 4000 } */
  timeoutMs?: { primary: number; fallback: number };
}

export interface PaymentResult {
  charge: Charge;
  /** True when the fallback gateway took the payment. */
  failover: boolean;
}

export interface Payments {
  pay(req: ChargeRequest, log: Logger): Promise<PaymentResult>;
}

/**
 * Charges the primary gateway behind its breaker and fails over to the fallback. Each
 * gateway is retried under its own policy, `payment.primary` and `payment.fallback` in
 * `RETRY` (the most conservative of the store); the idempotency key travels with every
 * attempt, so even a retry after an unknown outcome cannot charge twice.
 */
export function createPayments(o: PaymentsOptions): Payments {
  const timeouts = o.timeoutMs ?? { primary: 2500, fallback: 4000 };

  const call = async (gw: Gateway, req: ChargeRequest, timeoutMs: number, policy: RetryPolicy, log: Logger) =>
    withRetry(
      async (attempt) => {
        const started = Date.now();
        log.info(`gateway call ${gw.name}`, { gateway: gw.name, attempt: attempt + 1, amount_cents: req.amount_cents });
        try {
          const charge = await gw.charge(req, AbortSignal.timeout(timeoutMs));
          log.info(`gateway ${gw.name} answered ${charge.status}`, { gateway: gw.name, status: charge.status, charge_id: charge.id, duration_ms: Date.now() - started });
          return charge;
        } catch (err) {
          const e = asGatewayError(gw.name, err, timeoutMs);
          log.error(`gateway ${gw.name} failed: ${e.message}`, { gateway: gw.name, failure: e.kind, duration_ms: Date.now() - started });
          throw e;
        }
      },
      policy,
      { onRetry: (_err, attempt, delay) => log.warn(`retrying ${gw.name}`, { gateway: gw.name, attempt: attempt + 2, delay_ms: Math.round(delay) }) },
    );

  return {
    async pay(req, log) {
      const causes: string[] = [];
      if (o.breaker.allow()) {
        try {
          const charge = await call(o.primary, req, timeouts.primary, RETRY['payment.primary'], log);
          o.breaker.success();
          return { charge, failover: false };
        } catch (err) {
          o.breaker.failure();
          causes.push((err as Error).message);
        }
      } else {
        causes.push(`${o.primary.name}: circuit open`);
        log.warn(`circuit open for ${o.primary.name}, skipping it`, { gateway: o.primary.name, breaker: o.breaker.state() });
      }
      log.warn(`failover to ${o.fallback.name}`, { from: o.primary.name, to: o.fallback.name });
      try {
        return { charge: await call(o.fallback, req, timeouts.fallback, RETRY['payment.fallback'], log), failover: true };
      } catch (err) {
        causes.push((err as Error).message);
        log.error('both payment gateways failed', { causes: causes.join('; ') });
        throw new PaymentUnavailable(causes);
      }
    },
  };
}

function asGatewayError(name: string, err: unknown, timeoutMs: number): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new GatewayError(name, 'timeout', `${name}: timed out after ${timeoutMs} ms`);
  }
  return new GatewayError(name, 'error', `${name}: ${(err as Error)?.message ?? String(err)}`);
}
