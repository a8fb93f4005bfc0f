import type { Api } from '../api';
import type { ChartHandle } from '../charts/chart-handle';

/** What a view gets to render itself. */
export interface ViewContext {
  api: Api;
  /** The view's parameters from the address (`#/errors?key=…`). */
  params: URLSearchParams;
  /** The period chosen in the header. */
  range: Period;
  /** Keeps a chart so it is taken down when the view is left. */
  keep(chart: ChartHandle): void;
  /**
   * Says the view's main charts are drawn (the load benchmark waits for this). Parts that
   * come later (the Overview's anomaly shading, the Anomalies view's causes) are in once the
   * view's promise settles.
   */
  drawn(): void;
  /** True once the view has been left; late answers are then dropped. */
  gone(): boolean;
}

export type View = (root: HTMLElement, ctx: ViewContext) => Promise<void>;

export interface Period {
  key: string;
  label: string;
  /** Epoch ms the period starts: a whole local day (or hour, for 24 hours), so figures are stable between reloads. */
  from: number;
  days: number;
}

export const PERIODS = [
  { key: '24h', label: 'Last 24 hours', days: 1 },
  { key: '7d', label: 'Last 7 days', days: 7 },
  { key: '14d', label: 'Last 14 days', days: 14 },
  { key: '30d', label: 'Last 30 days', days: 30 },
] as const;

/** The period for a key (default 7 days), starting at a local midnight or, for 24 hours, at an hour. */
export function period(key: string | null, now = Date.now()): Period {
  const p = PERIODS.find((x) => x.key === key) ?? PERIODS[1];
  const start = new Date(now);
  if (p.days === 1) {
    start.setMinutes(0, 0, 0);
    start.setHours(start.getHours() - 23);
  } else {
    start.setHours(0, 0, 0, 0);
    start.setDate(start.getDate() - (p.days - 1));
  }
  return { key: p.key, label: p.label, days: p.days, from: start.getTime() };
}
