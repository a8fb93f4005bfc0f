import { z } from 'zod';

/** What can go wrong with one payment gateway. */
const GatewayFault = z.object({
  /** `down`: connection refused; `slow`: answers after `delay_ms`; `failing`: `percent` of calls fail. */
  mode: z.enum(['ok', 'down', 'slow', 'failing']).default('ok'),
  delay_ms: z.number().int().min(0).max(60_000).default(5000),
  percent: z.number().min(0).max(100).default(50),
});

/** The faults the demo can inject; all off by default. */
export const Faults = z.object({
  primary: GatewayFault.default({ mode: 'ok', delay_ms: 5000, percent: 50 }),
  fallback: GatewayFault.default({ mode: 'ok', delay_ms: 5000, percent: 50 }),
  /** `slow` adds `delay_ms` to every database write; `down` makes them fail. */
  db: z.object({ mode: z.enum(['ok', 'slow', 'down']).default('ok'), delay_ms: z.number().int().min(0).max(60_000).default(2000) }).default({ mode: 'ok', delay_ms: 2000 }),
  /** The orders service answers 503 to every order. */
  orders_503: z.boolean().default(false),
});

export type Faults = z.infer<typeof Faults>;
export type GatewayFault = z.infer<typeof GatewayFault>;

export const NO_FAULTS: Faults = Faults.parse({});

/** A mutable holder of the current faults, shared by the services that honour them. */
export interface FaultSwitch {
  get(): Faults;
  /** Merges a partial change (validated) and returns the new state. */
  set(change: unknown): Faults;
  reset(): Faults;
}

export function createFaultSwitch(): FaultSwitch {
  let current = NO_FAULTS;
  return {
    get: () => current,
    set(change) {
      const partial = Faults.partial().parse(change);
      current = Faults.parse({ ...current, ...partial });
      return current;
    },
    reset() {
      current = NO_FAULTS;
      return current;
    },
  };
}
