import { METRIC_NAME, escapeHelp, formatLabels, formatValue, seriesKey, type Labels } from './format';

export type { Labels } from './format';

/** What every instrument is declared with. */
export interface MetricDefinition {
  /** Prometheus name, e.g. `lifeline_ingest_events_total` (counters end in `_total`). */
  name: string;
  help: string;
}

export interface Counter {
  /** Adds `by` (default 1, never negative) to the series of `labels`. */
  inc(by?: number, labels?: Labels): void;
  get(labels?: Labels): number;
  /** Reads the total when scraped, for totals kept elsewhere (CPU time); replaces `inc`'s series. */
  collect(read: () => number): void;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
  inc(by?: number, labels?: Labels): void;
  dec(by?: number, labels?: Labels): void;
  get(labels?: Labels): number;
  /**
   * Reads the value when scraped instead of when it changes (a buffer's depth, a file's
   * size). Replaces any earlier callback; its series replace the set ones.
   */
  collect(read: () => number | ReadonlyArray<readonly [Labels, number]>): void;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
  /** Starts a timer; calling the result observes the elapsed seconds and returns them. */
  startTimer(labels?: Labels): () => number;
  /** Observations so far for `labels` (tests, and the few callers that need a count). */
  count(labels?: Labels): number;
}

export interface Registry {
  /** Declares a counter, or returns the one already declared under that name. */
  counter(def: MetricDefinition): Counter;
  gauge(def: MetricDefinition): Gauge;
  /** @default buckets 5 ms … 10 s, for durations in seconds */
  histogram(def: MetricDefinition & { buckets?: readonly number[] }): Histogram;
  /** Every metric in the Prometheus text format, metrics in declaration order. */
  render(): string;
}

/** Seconds buckets from 5 ms to 10 s: inserts and queries both live in this range. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

type Kind = 'counter' | 'gauge' | 'histogram';

interface Entry {
  kind: Kind;
  def: MetricDefinition;
  instrument: Counter | Gauge | Histogram;
  lines(): string[];
}

/**
 * A small metrics registry: counters, gauges and histograms, written out in the Prometheus
 * text format. Declaring the same name twice returns the same instrument, so modules can
 * declare what they record next to where they record it.
 *
 * @example
 * const rejected = registry.counter({ name: 'lifeline_ingest_rejected_events_total', help: 'Events refused, by reason' })
 * rejected.inc(3, { reason: 'invalid_batch' })
 * registry.render() // '# HELP lifeline_ingest_rejected_events_total …'
 */
export function createRegistry(): Registry {
  const entries = new Map<string, Entry>();

  function declare<T extends Entry['instrument']>(kind: Kind, def: MetricDefinition, make: () => Entry): T {
    if (!METRIC_NAME.test(def.name)) throw new Error(`invalid metric name: ${def.name}`);
    const found = entries.get(def.name);
    if (found) {
      if (found.kind !== kind) throw new Error(`metric ${def.name} is already a ${found.kind}`);
      return found.instrument as T;
    }
    const entry = make();
    entries.set(def.name, entry);
    return entry.instrument as T;
  }

  return {
    counter: (def) => declare<Counter>('counter', def, () => counterEntry(def)),
    gauge: (def) => declare<Gauge>('gauge', def, () => gaugeEntry(def)),
    histogram: (def) => declare<Histogram>('histogram', def, () => histogramEntry(def, def.buckets ?? DEFAULT_BUCKETS)),
    render() {
      const out: string[] = [];
      for (const e of entries.values()) {
        out.push(`# HELP ${e.def.name} ${escapeHelp(e.def.help)}`, `# TYPE ${e.def.name} ${e.kind}`, ...e.lines());
      }
      return out.length ? out.join('\n') + '\n' : '';
    },
  };
}

interface Series {
  labels: Labels;
  value: number;
}

function seriesMap() {
  const map = new Map<string, Series>();
  const at = (labels: Labels = {}) => {
    const key = seriesKey(labels);
    let s = map.get(key);
    if (!s) map.set(key, (s = { labels: { ...labels }, value: 0 }));
    return s;
  };
  return { map, at };
}

function counterEntry(def: MetricDefinition): Entry {
  const { map, at } = seriesMap();
  let read: (() => number) | undefined;
  const instrument: Counter = {
    inc(by = 1, labels) {
      // A counter only goes up; a negative or non-finite amount is a caller's bug, not data.
      if (!(by >= 0) || !Number.isFinite(by)) return;
      at(labels).value += by;
    },
    get: (labels) => (read && !labels ? read() : (map.get(seriesKey(labels ?? {}))?.value ?? 0)),
    collect: (fn) => void (read = fn),
  };
  // A counter with no labels shows 0 from the start, so rate() works from the first scrape.
  const current = (): Series[] => (read ? [{ labels: {}, value: read() }] : map.size ? [...map.values()] : [{ labels: {}, value: 0 }]);
  const lines = () => current().map((s) => `${def.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  return { kind: 'counter', def, instrument, lines };
}

function gaugeEntry(def: MetricDefinition): Entry {
  const { map, at } = seriesMap();
  let read: (() => number | ReadonlyArray<readonly [Labels, number]>) | undefined;
  const current = (): Series[] => {
    if (!read) return [...map.values()];
    try {
      const r = read();
      return typeof r === 'number' ? [{ labels: {}, value: r }] : r.map(([labels, value]) => ({ labels, value }));
    } catch {
      // A failing reader must not break the whole scrape; the series is left out instead.
      return [];
    }
  };
  const instrument: Gauge = {
    set: (value, labels) => void (at(labels).value = value),
    inc: (by = 1, labels) => void (at(labels).value += by),
    dec: (by = 1, labels) => void (at(labels).value -= by),
    get: (labels) => current().find((s) => seriesKey(s.labels) === seriesKey(labels ?? {}))?.value ?? 0,
    collect: (fn) => void (read = fn),
  };
  const lines = () => current().map((s) => `${def.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  return { kind: 'gauge', def, instrument, lines };
}

interface HistogramSeries {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

function histogramEntry(def: MetricDefinition, bounds: readonly number[]): Entry {
  const upper = [...bounds].sort((a, b) => a - b);
  const map = new Map<string, HistogramSeries>();
  const at = (labels: Labels = {}) => {
    const key = seriesKey(labels);
    let s = map.get(key);
    if (!s) map.set(key, (s = { labels: { ...labels }, buckets: upper.map(() => 0), sum: 0, count: 0 }));
    return s;
  };
  const instrument: Histogram = {
    observe(value, labels) {
      if (!Number.isFinite(value)) return;
      const s = at(labels);
      for (let i = 0; i < upper.length; i++) if (value <= upper[i]!) s.buckets[i]!++;
      s.sum += value;
      s.count++;
    },
    startTimer(labels) {
      const started = performance.now();
      return () => {
        const seconds = (performance.now() - started) / 1000;
        instrument.observe(seconds, labels);
        return seconds;
      };
    },
    count: (labels) => map.get(seriesKey(labels ?? {}))?.count ?? 0,
  };
  const lines = () =>
    [...map.values()].flatMap((s) => [
      ...upper.map((le, i) => `${def.name}_bucket${formatLabels({ ...s.labels, le: formatValue(le) })} ${s.buckets[i]}`),
      `${def.name}_bucket${formatLabels({ ...s.labels, le: '+Inf' })} ${s.count}`,
      `${def.name}_sum${formatLabels(s.labels)} ${formatValue(s.sum)}`,
      `${def.name}_count${formatLabels(s.labels)} ${s.count}`,
    ]);
  return { kind: 'histogram', def, instrument, lines };
}

/**
 * The process-wide registry `GET /metrics` serves. Code that records collector metrics
 * declares its instruments here (see `collector-metrics.ts` for the shared names).
 */
export const registry: Registry = createRegistry();
