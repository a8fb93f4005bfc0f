import { describe, expect, it } from 'vitest';
import { formatSummary, verdict } from '../../src/load/formatSummary';
import { runLoad } from '../../src/load/runLoad';
import { report } from './support';

/**
 * The short form of `npm run load`: a modest load on the real stack (edge in wrangler dev,
 * collector on chDB) for 15 s, then three times as much for 10 s. Every answer is a 202, or
 * a 429/503 with Retry-After; every acknowledged event is stored, once.
 */
describe('reliability: load on the real stack', () => {
  it('holds a modest load and sheds an overload without losing or doubling anything', async () => {
    const run = await runLoad({ minutes: 0.25, rate: 20, eventsPerRequest: 10, overload: 3, overloadSeconds: 10, warmUpSeconds: 0, sampleEveryMs: 5_000 });
    console.log(formatSummary(run));
    const overload = run.overload!;
    report('load-fast', {
      rated_requests: run.rated.load.requests,
      rated_acknowledged: run.rated.load.acked,
      rated_stored: run.rated.storage.stored,
      rated_p99_ms: Math.round(run.rated.load.latency.p99),
      overload_requests: overload.load.requests,
      overload_answers: JSON.stringify(overload.load.statuses),
      overload_acknowledged: overload.load.acked,
      overload_stored: overload.storage.stored,
      duplicated: run.rated.storage.duplicated + overload.storage.duplicated,
    });
    expect(verdict(run)).toEqual([]);
    expect(run.rated.load.statuses).toEqual({ '202': run.rated.load.requests });
    // The overload is three times the per-key limit's rate: the edge sheds some of it.
    expect(overload.load.statuses['429+ra']).toBeGreaterThan(0);
  }, 180_000);
});
