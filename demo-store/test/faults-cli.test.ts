import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../src/shop/faults';
import { freePort } from '../src/stack/free-port';
import { startService, type Service } from '../src/stack/service';

const storeDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const TOKEN = 'cli-test-admin-token';

let store: Service;
let storeUrl: string;
let dataDir: string;
const output: string[] = [];

/** Runs `npm run faults`'s script against the running store, as ops would. */
function faultsCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, ['src/cli/faults.ts', ...args], { cwd: storeDir, env: { ...process.env, STORE_URL: storeUrl, STORE_ADMIN_TOKEN: TOKEN, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const currentFaults = async () => {
  const res = await fetch(`${storeUrl}/admin/faults`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  return res.json();
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ft-faults-cli-'));
  const port = await freePort();
  storeUrl = `http://127.0.0.1:${port}`;
  store = await startService(
    {
      name: 'store',
      command: tsx,
      args: ['src/main.ts'],
      cwd: storeDir,
      // No collector: the store runs on its own, its logs stay in the process.
      env: { PORT: String(port), STORE_ADMIN_TOKEN: TOKEN, STORE_DATA_DIR: dataDir, LIFELINE_COLLECTOR_URL: '' },
      healthUrl: `${storeUrl}/health`,
    },
    (line) => output.push(line),
  );
});
afterEach(async () => {
  await fetch(`${storeUrl}/admin/faults`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } });
});
afterAll(async () => {
  await store?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the faults CLI against a running store', () => {
  it('shows the faults, none by default', async () => {
    const r = await faultsCli(['show']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('primary gateway: ok\nfallback gateway: ok\ndatabase: ok\norders 503: off\n');
  });

  it('sets the primary failing a percentage, then clears everything', async () => {
    const set = await faultsCli(['primary', 'failing', '--percent', '50']);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('primary gateway: failing');
    expect(await currentFaults()).toMatchObject({ primary: { mode: 'failing', percent: 50 }, fallback: { mode: 'ok' } });

    const gateways = await faultsCli(['gateways', 'down']);
    expect(gateways.stdout).toContain('primary gateway: down\nfallback gateway: down');

    const cleared = await faultsCli(['clear']);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toBe('primary gateway: ok\nfallback gateway: ok\ndatabase: ok\norders 503: off\n');
    expect(await currentFaults()).toEqual(NO_FAULTS);
  });

  it('db slow makes the store\'s writes take at least the delay', async () => {
    const DELAY = 300;
    const r = await faultsCli(['db', 'slow', '--delay', String(DELAY)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('database: slow');
    expect(await currentFaults()).toMatchObject({ db: { mode: 'slow', delay_ms: DELAY } });
    const started = performance.now();
    const res = await fetch(`${storeUrl}/api/cart/items`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ product_id: 'tee-ink', qty: 1 }) });
    expect(res.status).toBe(200);
    // Timers may fire up to a millisecond early by the monotonic clock.
    expect(performance.now() - started).toBeGreaterThanOrEqual(DELAY - 1);
  });

  it('orders-503 on makes the orders service answer 503', async () => {
    const r = await faultsCli(['orders-503', 'on']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('orders 503: on');
    const res = await fetch(`${storeUrl}/api/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({ email: 'ann@example.com', name: 'Ann', address: '1 Main Street' }),
    });
    expect(res.status).toBe(503);
  });

  it.each([
    ['an unknown command', ['frobnicate'], /unknown command: frobnicate/, true],
    ['a gateway without a mode', ['primary'], /primary takes a mode: down, slow, failing or ok/, true],
    ['the database without a mode', ['db'], /db takes a mode: slow, down or ok/, true],
    ['orders-503 without on or off', ['orders-503', 'maybe'], /orders-503 takes on or off/, true],
    ['a delay that is not a number', ['db', 'slow', '--delay', 'soon'], /--delay must be a number, not soon/, true],
    ['a mode the store does not know', ['primary', 'exploding'], /the store refused: 400 primary\.mode: Invalid option: expected one of "ok"\|"down"\|"slow"\|"failing"\n/, false],
  ])('refuses %s: exit 1, a message, nothing changed', async (_why, args, message, usage) => {
    const r = await faultsCli(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.includes('usage: npm run faults')).toBe(usage);
    expect(await currentFaults()).toEqual(NO_FAULTS);
  });

  it('refuses with a wrong admin token: exit 1, the store\'s reason, nothing changed', async () => {
    const r = await faultsCli(['primary', 'down'], { STORE_ADMIN_TOKEN: 'not-the-token' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the store refused: 403 wrong admin token/);
    expect(await currentFaults()).toEqual(NO_FAULTS);
  });

  it('says so when the store cannot be reached', async () => {
    const r = await faultsCli(['show'], { STORE_URL: `http://127.0.0.1:${await freePort()}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the store at http:\/\/127\.0\.0\.1:\d+/);
  });
});
