import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObservability } from '../../src/alerts/observability';
import { openCollector, type Collector } from '../../src/collector';
import { ConfigError } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createQueryService } from '../../src/query/service';
import { TOKENS, auth, makeBatch, makeEvent, postBatch, tempDir, testConfig } from '../helpers';

const dir = tempDir();
let collector: Collector;

beforeAll(async () => {
  collector = await openCollector(testConfig(join(dir.path, 'chdb')), { env: { LIFELINE_METRICS_TOKEN: 'scrape-secret' } });
});
afterAll(async () => {
  await collector?.close();
  dir.remove();
});

describe('the collector with its dashboard, alerting and metrics', () => {
  it('serves /metrics behind LIFELINE_METRICS_TOKEN, with ingest, query and alerting series', async () => {
    expect((await postBatch(collector.app, makeBatch([makeEvent('track')]))).status).toBe(200);
    expect((await collector.app.request('/v1/query/metrics?from=now-1d', { headers: auth(TOKENS.demo) })).status).toBe(200);
    await collector.alerting.evaluate();

    expect((await collector.app.request('/metrics')).status).toBe(401);
    const res = await collector.app.request('/metrics', { headers: auth('scrape-secret') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/lifeline_http_request_duration_seconds_count\{method="GET",route="\/v1\/query\/metrics",status="200"\} [1-9]/);
    expect(text).toMatch(/lifeline_http_request_duration_seconds_count\{method="POST",route="\/v1\/batch",status="200"\} [1-9]/);
    expect(text).toMatch(/lifeline_insert_rows_total [1-9]/);
    expect(text).toMatch(/lifeline_alert_evaluation_duration_seconds_count [1-9]/);
    expect(text).toContain('lifeline_alerts_firing{severity="critical"} 0');
  });

  it('mounts the dashboard and the alerting API', async () => {
    expect((await collector.app.request('/v1/dashboard/session', { headers: auth(TOKENS.demo) })).status).toBe(200);
    expect((await collector.app.request('/v1/alerts/history', { headers: auth(TOKENS.demo) })).status).toBe(200);
    expect([200, 503]).toContain((await collector.app.request('/dashboard/')).status);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['an invalid rules file', { LIFELINE_ALERTS_FILE: 'rules.json' }, /alert rules in .* are invalid/],
    ['a rules file that is missing', { LIFELINE_ALERTS_FILE: 'missing.json' }, /cannot read/],
    ['only one of the edge settings', { LIFELINE_EDGE_URL: 'http://127.0.0.1:8787' }, /LIFELINE_EDGE_URL and LIFELINE_PUBLIC_KEY/],
    ['a dashboard URL that is not http', { LIFELINE_DASHBOARD_URL: 'ftp://obs' }, /LIFELINE_DASHBOARD_URL/],
  ])('refuses to start with %s (a configuration error: exit 2)', async (_why, env, reason) => {
    // One chDB per process: the parts are built again over the open storage, as openCollector does.
    writeFileSync(join(dir.path, 'rules.json'), '{"rules":[{"id":"x"}]}');
    const file = env.LIFELINE_ALERTS_FILE;
    const e = { ...env, ...(file ? { LIFELINE_ALERTS_FILE: join(dir.path, file) } : {}) };
    const built = createObservability({ config: testConfig(dir.path), storage: collector.storage, queries: createQueryService(collector.storage), env: e, log: silentLogger });
    await expect(built).rejects.toThrow(ConfigError);
    await expect(built).rejects.toThrow(reason);
  });
});
