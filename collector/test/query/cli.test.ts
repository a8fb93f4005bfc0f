import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunnelResponse } from '@lifeline/protocol';
import { openCollector, type Collector } from '../../src/collector';
import { eventToRow } from '../../src/storage/event-row';
import { insertEvents } from '../../src/storage/insert-events';
import { TOKENS, tempDir, testConfig } from '../helpers';
import { HOUR, NOW, at } from './store';

const collectorDir = fileURLToPath(new URL('../..', import.meta.url));
const dir = tempDir();
let collector: Collector | undefined;
let server: ServerType | undefined;
let url = '';
const T = NOW - 3 * HOUR;
const range = ['--from', String(T - HOUR), '--to', String(T + HOUR)];

/** Runs the CLI as a user would; resolves with its exit status and output. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/lifeline-collector.js', ...args], {
      cwd: collectorDir,
      env: { ...process.env, LIFELINE_COLLECTOR_URL: '', LIFELINE_READ_TOKEN: '', LIFELINE_DATA_DIR: '', ...env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  collector = await openCollector(testConfig(dir.path));
  const s = { session_id: 'sess-cli', user_agent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/141.0.0.0 Safari/537.36' };
  await insertEvents(
    collector.storage,
    [
      at(T, 'track', { ...s, name: 'view_product' }),
      at(T + 1000, 'track', { ...s, name: 'add_to_cart' }),
      at(T + 2000, 'network', { ...s, request_id: 'req-cli', method: 'POST', url: '/api/pay', status: 503, duration_ms: 2600 }),
      at(T + 2500, 'log', { request_id: 'req-cli', level: 'error', message: 'both payment gateways failed' }),
      at(T + 3000, 'error', { ...s, request_id: 'req-cli', message: 'Payment failed', fingerprint: 'payment-failed' }),
      at(T + 4000, 'track', { session_id: 'sess-cli-2', name: 'view_product' }),
      at(T + 5000, 'track', { session_id: 'sess-cli-3', user_id: 'cust-cli', name: 'identify', props: { email_sha256: createHash('sha256').update('ada@example.com').digest('hex') } }),
    ].map(eventToRow),
  );
  server = serve({ fetch: collector.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server!.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await collector?.close();
  dir.remove();
});

const remote = { LIFELINE_COLLECTOR_URL: '', LIFELINE_READ_TOKEN: TOKENS.demo };

describe('lifeline-collector CLI', () => {
  it('prints an aligned funnel table from a running collector', async () => {
    const r = await cli(['funnel', 'view_product', 'add_to_cart', ...range, '--breakdown', 'browser'], { ...remote, LIFELINE_COLLECTOR_URL: url });
    // stderr carries progress only (when slow), never an error.
    expect(r.stderr).not.toMatch(/lifeline-collector:/);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('step  event         count  from first  from previous  drop-off');
    expect(lines).toContain('   1  view_product      2     100.0 %        100.0 %         0');
    expect(lines).toContain('   2  add_to_cart       1      50.0 %         50.0 %         1');
    expect(r.stdout).toMatch(/^Chrome +1 +1 +100\.0 %$/m);
    const refused = await cli(['errors', '--url', url, '--token', 'rt_wrong']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused the read token \(403\)/);
  });

  it('prints the API’s JSON with --json, the same over HTTP as on the store itself', async () => {
    const args = ['funnel', 'view_product,add_to_cart', ...range, '--json'];
    const http = await cli([...args, '--url', url, '--token', TOKENS.demo]);
    expect(http.code).toBe(0);
    const body = FunnelResponse.parse(JSON.parse(http.stdout));
    expect(body.total.steps.map((s) => s.count)).toEqual([2, 1]);
    // While the collector holds the store, opening it is refused with the way out.
    const locked = await cli([...args, '--data-dir', dir.path]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/in use by another process \(PID \d+\).*--url/);
    expect(locked.stdout).toBe('');

    await new Promise((r) => server!.close(r));
    await collector!.close();
    server = undefined;
    collector = undefined;
    const embedded = await cli([...args, '--data-dir', dir.path]);
    expect(embedded.stderr).not.toMatch(/lifeline-collector:/);
    expect(embedded.code).toBe(0);
    expect(JSON.parse(embedded.stdout)).toEqual(JSON.parse(http.stdout));
  });

  it('guesses what an ID is and prints its timeline across browser and backend', async () => {
    const r = await cli(['timeline', 'req-cli', '--data-dir', dir.path, '--from', String(T - HOUR)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Timeline of request req-cli: 5 events, 1 sessions, 1 requests/);
    expect(r.stdout).toMatch(/backend +log +match .*\[error\] both payment gateways failed/);
    expect(r.stdout).toMatch(/browser +network +match .*POST \/api\/pay → 503 in 2600 ms/);
  });

  it('looks a customer up by email and names the user it matched', async () => {
    const r = await cli(['timeline', ' Ada@Example.com', '--by', 'email', '--data-dir', dir.path, '--from', String(T - HOUR)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Timeline of email .* \(user cust-cli\): 1 events, 1 sessions/);
  });

  it('exits 2 naming the problem for bad usage, and 1 when the collector cannot be reached', async () => {
    const [unknown, bad, nowhere, down] = await Promise.all([
      cli(['funnels']),
      cli(['funnel', 'view_product', '--window', 'forever', '--url', 'http://127.0.0.1:9', '--token', 't']),
      cli(['errors']),
      cli(['errors', '--url', 'http://127.0.0.1:9', '--token', 't']),
    ]);
    expect([unknown.code, bad.code, nowhere.code, down.code]).toEqual([2, 2, 2, 1]);
    expect(unknown.stderr).toMatch(/unknown command "funnels"/);
    expect(bad.stderr).toMatch(/window: expected a duration/);
    expect(nowhere.stderr).toMatch(/--url .* or --data-dir/);
    expect(down.stderr).toMatch(/cannot reach the collector at http:\/\/127\.0\.0\.1:9/);
  });
});
