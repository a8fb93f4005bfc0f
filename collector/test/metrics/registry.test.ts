import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/metrics/registry';

/** Every line of the text format: a comment, or `name{labels} value`. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;

function expectValidExposition(text: string) {
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    expect(line).toMatch(SAMPLE);
  }
}

describe('metrics registry', () => {
  it('writes counters with HELP and TYPE, labelled series and a 0 before the first increment', () => {
    const r = createRegistry();
    const events = r.counter({ name: 'lifeline_ingest_events_total', help: 'Events stored.' });
    const rejected = r.counter({ name: 'lifeline_ingest_rejected_events_total', help: 'Events refused.' });
    rejected.inc(3, { reason: 'invalid_batch' });
    rejected.inc(1, { reason: 'invalid_batch' });
    rejected.inc(2, { reason: 'payload_too_large' });
    rejected.inc(-5, { reason: 'invalid_batch' });
    const text = r.render();
    expectValidExposition(text);
    expect(text).toContain('# HELP lifeline_ingest_events_total Events stored.\n# TYPE lifeline_ingest_events_total counter\nlifeline_ingest_events_total 0\n');
    expect(text).toContain('lifeline_ingest_rejected_events_total{reason="invalid_batch"} 4\n');
    expect(text).toContain('lifeline_ingest_rejected_events_total{reason="payload_too_large"} 2\n');
    events.inc();
    expect(events.get()).toBe(1);
  });

  it('returns the same instrument for the same name and refuses a kind clash or a bad name', () => {
    const r = createRegistry();
    const a = r.counter({ name: 'x_total', help: 'x' });
    expect(r.counter({ name: 'x_total', help: 'x' })).toBe(a);
    expect(() => r.gauge({ name: 'x_total', help: 'x' })).toThrow(/already a counter/);
    expect(() => r.counter({ name: 'bad-name', help: 'x' })).toThrow(/invalid metric name/);
  });

  it('escapes label values and help text', () => {
    const r = createRegistry();
    r.gauge({ name: 'g', help: 'line one\nback\\slash' }).set(1.5, { path: 'a"b\\c\nd' });
    const text = r.render();
    expectValidExposition(text);
    expect(text).toContain('# HELP g line one\\nback\\\\slash\n');
    expect(text).toContain('g{path="a\\"b\\\\c\\nd"} 1.5\n');
  });

  it('writes cumulative histogram buckets, +Inf, _sum and _count', () => {
    const r = createRegistry();
    const h = r.histogram({ name: 'lifeline_insert_duration_seconds', help: 'Insert time.', buckets: [0.1, 1] });
    for (const v of [0.05, 0.5, 0.7, 3]) h.observe(v, { outcome: 'ok' });
    const text = r.render();
    expectValidExposition(text);
    expect(text).toContain([
      'lifeline_insert_duration_seconds_bucket{le="0.1",outcome="ok"} 1',
      'lifeline_insert_duration_seconds_bucket{le="1",outcome="ok"} 3',
      'lifeline_insert_duration_seconds_bucket{le="+Inf",outcome="ok"} 4',
      'lifeline_insert_duration_seconds_sum{outcome="ok"} 4.25',
      'lifeline_insert_duration_seconds_count{outcome="ok"} 4',
    ].join('\n'));
    expect(h.count({ outcome: 'ok' })).toBe(4);
  });

  it('reads collected gauges at scrape time and leaves out a reader that throws', () => {
    const r = createRegistry();
    let depth = 3;
    r.gauge({ name: 'lifeline_insert_buffer_rows', help: 'Rows waiting.' }).collect(() => depth);
    r.gauge({ name: 'broken', help: 'Throws.' }).collect(() => {
      throw new Error('no');
    });
    r.gauge({ name: 'per_severity', help: 'Labelled.' }).collect(() => [[{ severity: 'critical' }, 2], [{ severity: 'info' }, 0]]);
    expect(r.render()).toContain('lifeline_insert_buffer_rows 3\n');
    depth = 7;
    const text = r.render();
    expectValidExposition(text);
    expect(text).toContain('lifeline_insert_buffer_rows 7\n');
    expect(text).toContain('# TYPE broken gauge\n# HELP per_severity');
    expect(text).toContain('per_severity{severity="critical"} 2\n');
  });
});
