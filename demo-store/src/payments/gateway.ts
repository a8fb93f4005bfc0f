import type { GatewayFault } from '../shop/faults';

export interface ChargeRequest {
  amount_cents: number;
  currency: string;
  /** Last four digits only; the demo never keeps a card number. */
  card_last4: string;
  /** The gateway returns the first result again for a repeated key, so retries never charge twice. */
  idempotency_key: string;
}

export interface Charge {
  id: string;
  gateway: string;
  status: 'approved' | 'declined';
  amount_cents: number;
}

/** Why a call to a gateway failed: the gateway could not be reached, or it answered an error. */
export class GatewayError extends Error {
  constructor(
    readonly gateway: string,
    readonly kind: 'unavailable' | 'timeout' | 'error',
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export interface Gateway {
  name: string;
  charge(req: ChargeRequest, signal?: AbortSignal): Promise<Charge>;
}

export interface SimulatedGatewayOptions {
  name: string;
  /** Normal latency range in milliseconds. */
  latency: [number, number];
  /** The fault currently injected for this gateway. */
  fault: () => GatewayFault;
  random?: () => number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

/**
 * A payment gateway simulated in-process, with its own latency and the injected fault.
 * Card numbers ending in 0002 are declined, as test cards are at real gateways.
 */
export function createSimulatedGateway(o: SimulatedGatewayOptions): Gateway {
  const random = o.random ?? Math.random;
  const seen = new Map<string, Charge>();
  let counter = 0;
  return {
    name: o.name,
    async charge(req, signal) {
      const fault = o.fault();
      if (fault.mode === 'down') throw new GatewayError(o.name, 'unavailable', `${o.name}: connection refused`);
      const [lo, hi] = o.latency;
      await sleep(lo + random() * (hi - lo) + (fault.mode === 'slow' ? fault.delay_ms : 0), signal);
      if (fault.mode === 'failing' && random() * 100 < fault.percent) {
        throw new GatewayError(o.name, 'error', `${o.name}: 502 upstream error`);
      }
      const previous = seen.get(req.idempotency_key);
      if (previous) return previous;
      const charge: Charge = {
        id: `${o.name}_ch_${Date.now().toString(36)}${(++counter).toString(36)}`,
        gateway: o.name,
        status: req.card_last4 === '0002' ? 'declined' : 'approved',
        amount_cents: req.amount_cents,
      };
      seen.set(req.idempotency_key, charge);
      return charge;
    },
  };
}
