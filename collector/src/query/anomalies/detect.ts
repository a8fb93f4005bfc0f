import type { Anomaly, AnomalyHour, Severity } from '@lifeline/protocol';

/**
 * How a metric's noise is judged when the baseline weeks happen to agree closely (a
 * median absolute deviation of 0 would make any change infinitely surprising):
 * - `count`: Poisson, spread ≥ √expected;
 * - `amount`: a sum of `unit`-sized items (revenue of orders), spread ≥ unit·√(expected/unit);
 * - `rate`: a proportion of `n` trials (conversion of visits), spread ≥ √(p(1−p)/n).
 */
export type MetricScale = { kind: 'count' } | { kind: 'amount'; unit: number } | { kind: 'rate' };

/** One hour of one metric: what happened and the same hour in each baseline week. */
export interface HourInput {
  t: number;
  observed: number;
  /** Same hour of the week in earlier weeks, most recent first; weeks without data left out. */
  baseline: number[];
  /** For rates: the trials behind `observed` (visits) and behind each baseline value. */
  n?: number;
  baselineN?: number[];
}

export interface DetectOptions {
  /** |z| an hour must reach. */
  threshold: number;
  /** |relative change| an hour must reach too. */
  minChange: number;
  /** Fewest baseline weeks an hour needs to be judged. @default 2 */
  minWeeks?: number;
  /** Smallest expected-or-observed volume (counts; amounts in units; rates in trials) worth judging. */
  minVolume?: { count: number; rate: number };
}

const MAD_TO_SIGMA = 1.4826;

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export interface JudgedHour extends AnomalyHour {
  judged: boolean;
  flagged: boolean;
  direction: 'drop' | 'spike';
  /** Trials (rates only). */
  n: number;
  expectedN: number;
}

/**
 * Judges one hour against its seasonal baseline with a robust z-score: expected is the
 * median of the baseline weeks, spread the scaled median absolute deviation (floored by
 * the metric's own noise, see `MetricScale`), so one odd week — a past incident — moves
 * neither much.
 */
export function judgeHour(h: HourInput, scale: MetricScale, o: DetectOptions): JudgedHour {
  const expected = median(h.baseline);
  const expectedN = median(h.baselineN ?? []);
  const n = h.n ?? 0;
  const mad = median(h.baseline.map((b) => Math.abs(b - expected)));
  let floor: number;
  let volume: number;
  const minVolume = o.minVolume ?? { count: 5, rate: 30 };
  if (scale.kind === 'rate') {
    const p = Math.min(Math.max(expected, 0.001), 0.999);
    floor = Math.sqrt((p * (1 - p)) / Math.max(n, 1));
    volume = Math.min(n, expectedN) >= minVolume.rate ? minVolume.count : 0;
  } else if (scale.kind === 'amount') {
    const unit = scale.unit > 0 ? scale.unit : 1;
    floor = unit * Math.sqrt(Math.max(expected / unit, 1));
    volume = Math.max(expected, h.observed) / unit;
  } else {
    floor = Math.sqrt(Math.max(expected, 1));
    volume = Math.max(expected, h.observed);
  }
  const sigma = Math.max(MAD_TO_SIGMA * mad, floor);
  let z = (h.observed - expected) / sigma;
  if (scale.kind === 'count') {
    // For small counts (x − m)/√m overstates spikes (10 sign-ups in an hour that usually
    // has 1 or 2 is not z = 7); Anscombe's variance-stabilised difference does not. The
    // less extreme of the two is kept.
    const anscombe = 2 * (Math.sqrt(h.observed + 3 / 8) - Math.sqrt(expected + 3 / 8));
    if (Math.abs(anscombe) < Math.abs(z)) z = anscombe;
  }
  const change = expected > 0 ? (h.observed - expected) / expected : h.observed > 0 ? Infinity : 0;
  const judged = h.baseline.length >= (o.minWeeks ?? 2) && volume >= minVolume.count;
  const flagged = judged && Math.abs(z) >= o.threshold && Math.abs(change) >= o.minChange;
  return { t: h.t, observed: h.observed, expected, z: round(z), baseline: h.baseline, judged, flagged, direction: z < 0 ? 'drop' : 'spike', n, expectedN };
}

/** Events (for a rate: conversions) below which an anomaly is at most `low`. */
const SMALL = 20;

/**
 * low, medium or high from the largest |z| and the relative change: size matters most to
 * a store (half the sales gone is high however few orders an hour it has), a very certain
 * change is raised a step, and a change of a handful of events stays low.
 */
export function severity(score: number, change: number, small = false): Severity {
  const c = Math.abs(change);
  if (small) return 'low';
  if ((c >= 0.5 && score >= 4) || (c >= 0.3 && score >= 8)) return 'high';
  if (c >= 0.3 || score >= 6) return 'medium';
  return 'low';
}

const HOUR = 3_600_000;

/**
 * Merges runs of consecutive flagged hours going the same way into anomalies. Observed and
 * expected are summed over the run; for a rate they are the rate over the whole run
 * (trials-weighted).
 */
export function mergeHours(metric: string, scale: MetricScale, hours: readonly JudgedHour[]): Omit<Anomaly, 'causes'>[] {
  const out: Omit<Anomaly, 'causes'>[] = [];
  let run: JudgedHour[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const first = run[0]!;
    const last = run[run.length - 1]!;
    let observed: number;
    let expected: number;
    if (scale.kind === 'rate') {
      const n = run.reduce((s, h) => s + h.n, 0);
      const en = run.reduce((s, h) => s + h.expectedN, 0);
      observed = n > 0 ? run.reduce((s, h) => s + h.observed * h.n, 0) / n : 0;
      expected = en > 0 ? run.reduce((s, h) => s + h.expected * h.expectedN, 0) / en : median(run.map((h) => h.expected));
    } else {
      observed = run.reduce((s, h) => s + h.observed, 0);
      expected = run.reduce((s, h) => s + h.expected, 0);
    }
    const change = expected > 0 ? (observed - expected) / expected : observed > 0 ? 1 : 0;
    const score = Math.max(...run.map((h) => Math.abs(h.z)));
    // What the change is made of: events, orders behind an amount, conversions behind a rate.
    const volume =
      scale.kind === 'rate'
        ? run.reduce((s, h) => s + Math.max(h.observed * h.n, h.expected * h.expectedN), 0)
        : Math.max(observed, expected) / (scale.kind === 'amount' && scale.unit > 0 ? scale.unit : 1);
    out.push({
      metric,
      direction: first.direction,
      start: first.t,
      end: last.t + HOUR,
      observed: round(observed),
      expected: round(expected),
      change: round(change),
      score: round(score),
      severity: severity(score, change, volume < SMALL),
      hours: run.map(({ t, observed: ob, expected: ex, z, baseline }) => ({ t, observed: round(ob), expected: round(ex), z, baseline })),
    });
    run = [];
  };
  for (const h of hours) {
    const prev = run[run.length - 1];
    if (h.flagged && prev && (h.t !== prev.t + HOUR || h.direction !== prev.direction)) flush();
    if (h.flagged) run.push(h);
    else flush();
  }
  flush();
  return out;
}

/** Rounds to 4 decimals: enough for rates, and keeps answers readable. */
export const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x);
