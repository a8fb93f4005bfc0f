/** A seeded random source, so generated history is the same on every machine. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  chance(p: number): boolean;
  /** Log-normal around `median` with spread `sigma`: latencies and vitals look like this. */
  lognormal(median: number, sigma: number): number;
  uuid(): string;
  hex(chars: number): string;
}

/** mulberry32: tiny, fast and good enough for synthetic traffic (not for secrets). */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (chars: number) => {
    let s = '';
    while (s.length < chars) s += Math.floor(next() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, chars);
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(items) {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [v, w] of items) if ((r -= w) < 0) return v;
      return items[items.length - 1]![0];
    },
    chance: (p) => next() < p,
    lognormal(median, sigma) {
      // Box–Muller for a standard normal.
      const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      return median * Math.exp(sigma * z);
    },
    uuid() {
      const h = hex(32).split('');
      h[12] = '4';
      h[16] = '89ab'[Math.floor(next() * 4)]!;
      const s = h.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
    hex,
  };
}
