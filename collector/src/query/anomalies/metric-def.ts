import type { AnomaliesQuery, MetricValues } from '@lifeline/protocol';
import type { SqlParams } from '../sql/params';
import type { SegmentMeasure } from './causes/segments';
import { median, type MetricScale } from './detect';
import type { HourlySeries } from './series';

/** How one metric is read from an hour's values, judged, and compared across segments. */
export interface MetricDef {
  scale: (s: HourlySeries, baselineHours: number[]) => MetricScale;
  value: (v: MetricValues) => number;
  /** Trials behind a rate. */
  n?: (v: MetricValues) => number;
  segment: SegmentMeasure;
}

/** An hour without events. */
export const emptyValues = (): MetricValues => ({
  visits: 0,
  orders: 0,
  revenue: 0,
  registrations: 0,
  converted: 0,
  conversion_rate: 0,
  errors: 0,
  events: {},
});

/**
 * The definition of a metric anomalies are looked for in: `visits`, `orders`, `revenue`,
 * `registrations`, `conversion_rate`, `errors` or `event:<name>`.
 *
 * @example metricDef('orders', q).value(hourValues) // the hour's orders
 */
export function metricDef(metric: string, q: AnomaliesQuery): MetricDef {
  const count: MetricDef['scale'] = () => ({ kind: 'count' });
  const track = (name: string): SegmentMeasure => ({
    key: `track:${name}`,
    where: (p: SqlParams) => `kind = 'track' AND name = ${p.add('String', name)}`,
    distinct: 'event_id',
  });
  switch (metric) {
    case 'visits':
      return { scale: count, value: (v) => v.visits, segment: { key: 'visits', where: () => `kind = 'pageview' AND session_id != ''`, distinct: 'session_id' } };
    case 'orders':
      return { scale: count, value: (v) => v.orders, segment: track(q.purchase_event) };
    case 'revenue':
      return {
        // Revenue moves in order-sized steps: its noise floor is that of the orders behind it.
        scale: (s, hours) => {
          const values = hours.map((t) => s.full.get(t)).filter((v) => v !== undefined);
          const unit = median(values.filter((v) => v.orders > 0).map((v) => v.revenue / v.orders));
          return { kind: 'amount', unit: unit > 0 ? unit : 1 };
        },
        value: (v) => v.revenue,
        segment: track(q.purchase_event),
      };
    case 'registrations':
      return { scale: count, value: (v) => v.registrations, segment: track(q.signup_event) };
    case 'conversion_rate':
      return { scale: () => ({ kind: 'rate' }), value: (v) => v.conversion_rate, n: (v) => v.visits, segment: track(q.purchase_event) };
    case 'errors':
      return { scale: count, value: (v) => v.errors, segment: { key: 'errors', where: () => `kind = 'error'`, distinct: 'event_id' } };
    default: {
      const name = metric.slice('event:'.length);
      return { scale: count, value: (v) => v.events[name] ?? 0, segment: track(name) };
    }
  }
}
