import { describe, expect, it } from 'vitest';
import { judgeHour, median, mergeHours, severity, type JudgedHour } from '../../src/query/anomalies/detect';

const HOUR = 3_600_000;
const opts = { threshold: 3, minChange: 0.2 };

describe('anomaly detection', () => {
  it('uses the median and MAD, so one odd baseline week (a past incident) changes nothing', () => {
    const calm = judgeHour({ t: 0, observed: 100, baseline: [98, 102, 100, 101] }, { kind: 'count' }, opts);
    const withIncident = judgeHour({ t: 0, observed: 100, baseline: [98, 102, 0, 101] }, { kind: 'count' }, opts);
    expect(calm).toMatchObject({ expected: 100.5, flagged: false });
    expect(withIncident).toMatchObject({ expected: 99.5, flagged: false });
  });

  it('flags a drop beyond both the z threshold and the relative change', () => {
    const h = judgeHour({ t: 0, observed: 10, baseline: [100, 104, 96, 100] }, { kind: 'count' }, opts);
    expect(h).toMatchObject({ flagged: true, direction: 'drop', expected: 100 });
    expect(h.z).toBeLessThan(-3);
    // Statistically clear but small: 5 % below is not an anomaly.
    expect(judgeHour({ t: 0, observed: 9500, baseline: [10000, 10000, 10001, 9999] }, { kind: 'count' }, opts).flagged).toBe(false);
  });

  it('does not judge quiet hours or hours with under two baseline weeks', () => {
    expect(judgeHour({ t: 0, observed: 0, baseline: [3, 4, 3, 4] }, { kind: 'count' }, opts)).toMatchObject({ judged: false, flagged: false });
    expect(judgeHour({ t: 0, observed: 0, baseline: [100] }, { kind: 'count' }, opts)).toMatchObject({ judged: false });
  });

  it('judges a rate against its binomial noise', () => {
    const few = judgeHour({ t: 0, observed: 0.05, baseline: [0.12, 0.12, 0.12, 0.12], n: 40, baselineN: [40, 40, 40, 40] }, { kind: 'rate' }, opts);
    const many = judgeHour({ t: 0, observed: 0.05, baseline: [0.12, 0.12, 0.12, 0.12], n: 4000, baselineN: [4000, 4000, 4000, 4000] }, { kind: 'rate' }, opts);
    expect(few.flagged).toBe(false);
    expect(many.flagged).toBe(true);
  });

  it('merges consecutive flagged hours going the same way', () => {
    const h = (t: number, observed: number, flagged: boolean, direction: 'drop' | 'spike' = 'drop'): JudgedHour => ({
      t: t * HOUR, observed, expected: 100, z: flagged ? (direction === 'drop' ? -8 : 8) : 0, baseline: [100, 100], judged: true, flagged, direction, n: 0, expectedN: 0,
    });
    const merged = mergeHours('orders', { kind: 'count' }, [h(0, 100, false), h(1, 10, true), h(2, 0, true), h(3, 300, true, 'spike'), h(4, 100, false), h(5, 5, true)]);
    expect(merged.map((a) => [a.direction, a.start / HOUR, a.end / HOUR, a.observed, a.expected, a.change])).toEqual([
      ['drop', 1, 3, 10, 200, -0.95],
      ['spike', 3, 4, 300, 100, 2],
      ['drop', 5, 6, 5, 100, -0.95],
    ]);
    expect(merged[0]!.severity).toBe('high');
  });

  it('grades severity by score and change', () => {
    expect([severity(4.1, -1), severity(8, 0.35), severity(5, -0.35), severity(9, 0.2), severity(3.6, -0.25)]).toEqual([
      'high',
      'high',
      'medium',
      'medium',
      'low',
    ]);
    expect(median([5, 1, 3])).toBe(3);
  });
});
