import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createMetricsRoute } from '../../src/metrics/route';
import { timeRequests } from '../../src/metrics/http-timing';
import { createRegistry } from '../../src/metrics/registry';
import { defineCollectorMetrics } from '../../src/metrics/collector-metrics';

function appWith(token?: string) {
  const registry = createRegistry();
  const metrics = defineCollectorMetrics(registry);
  const app = new Hono();
  app.use('/v1/*', timeRequests({ metrics }));
  app.get('/v1/query/:name', (c) => c.json({ name: c.req.param('name') }));
  app.get('/metrics', createMetricsRoute({ registry, ...(token ? { token } : {}) }));
  return { app, metrics };
}

describe('GET /metrics', () => {
  it('answers the Prometheus text format with the collector and process metrics, unauthenticated by default', async () => {
    const { app, metrics } = appWith();
    metrics.ingestEvents.inc(42, { route: 'batch' });
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    for (const name of [
      'lifeline_ingest_events_total', 'lifeline_ingest_rejected_events_total', 'lifeline_ingest_lag_seconds',
      'lifeline_insert_buffer_rows', 'lifeline_spool_bytes', 'lifeline_insert_duration_seconds',
      'lifeline_http_request_duration_seconds', 'lifeline_alert_evaluations_total', 'lifeline_alert_notifications_total',
      'process_cpu_seconds_total', 'process_resident_memory_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('lifeline_ingest_events_total{route="batch"} 42\n');
  });

  it('labels request durations by route pattern, not by URL', async () => {
    const { app } = appWith();
    await app.request('/v1/query/funnel?steps=a,b');
    await app.request('/v1/query/metrics?x=1');
    await app.request('/v1/nothing-here');
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/lifeline_http_request_duration_seconds_count\{method="GET",route="\/v1\/query\/:name",status="200"\} 2\n/);
    expect(text).toMatch(/lifeline_http_request_duration_seconds_count\{method="GET",route="\/v1\/\*",status="404"\} 1\n/);
    expect(text).not.toContain('steps=');
  });

  it.each([
    ['no Authorization header', undefined, 401],
    ['a wrong token', 'Bearer nope', 403],
    ['a malformed header', 'scrape-token', 401],
    ['the right token', 'Bearer scrape-token', 200],
  ])('with LIFELINE_METRICS_TOKEN set: %s → %i', async (_why, header, status) => {
    const { app } = appWith('scrape-token');
    const res = await app.request('/metrics', { headers: header ? { authorization: header } : {} });
    expect(res.status).toBe(status);
  });
});
