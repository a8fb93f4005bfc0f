import type { VitalEvent } from '@lifeline/protocol';
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import type { Integration } from '../core/types.js';
import { safely } from '../lib/safely.js';
import { selector } from '../lib/selector.js';

interface EntryWithTarget extends PerformanceEntry {
  value?: number;
  element?: Element | null;
  target?: Node | null;
  sources?: { node?: Node | null }[];
}

/**
 * The element a metric is about, from its own entries: the LCP element, the INP
 * interaction's target, the node that moved most in the largest layout shift. This costs
 * a few lines, where web-vitals' attribution build adds about 2 KB (brotli) to the bundle.
 */
function target(metric: Metric): string | undefined {
  let best: EntryWithTarget | undefined;
  // The largest value wins (CLS); without values, the last entry (the final LCP candidate).
  for (const entry of metric.entries as EntryWithTarget[]) if (!((best?.value ?? 0) > (entry.value ?? 0))) best = entry;
  return best && selector(best.element ?? best.target ?? best.sources?.[0]?.node);
}

/**
 * Records LCP, INP, CLS, FCP and TTFB through `web-vitals`, each once per page load with
 * its final value (INP and CLS when the page is hidden), with the rating, the navigation
 * type and the target element's selector.
 *
 * @example init({ key, endpoint, integrations: [vitalsCapture()] })
 */
export function vitalsCapture(): Integration {
  return {
    name: 'vitals',
    setup(client) {
      const report = (metric: Metric) =>
        safely(() =>
          client.capture({
            kind: 'vital',
            name: metric.name as VitalEvent['name'],
            value: Math.max(0, metric.value),
            rating: metric.rating,
            nav_type: metric.navigationType,
            target: target(metric),
          }),
        );
      for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(report);
    },
  };
}
