import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchAck, TimelineResponse } from '@lifeline/protocol';
import { openStorage } from '../src/storage/open-storage';
import { SECRET, TOKENS, auth, countRows, makeBatch, makeEvent, tempDir, testEnv } from './helpers';

const collectorDir = fileURLToPath(new URL('..', import.meta.url));
const dirs: ReturnType<typeof tempDir>[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  // A failed assertion can leave a collector running; stop it before removing its directory.
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  dirs.forEach((d) => d.remove());
});

interface Started {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Environment without anything inherited that would point the collector elsewhere. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, CLICKHOUSE_URL: '', LIFELINE_COLLECTOR_PORT: '0', ...extra };
}

function run(env: NodeJS.ProcessEnv): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: collectorDir, env, stdio: 'pipe' });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return { child, stdout: () => out, stderr: () => err };
}

/** Starts `src/main.ts` on a free port and waits for its one ready line. */
async function start(extra: Record<string, string> = {}): Promise<Started & { dataDir: string }> {
  const dir = tempDir();
  dirs.push(dir);
  const { child, stdout, stderr } = run(childEnv(testEnv(dir.path, extra)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr()}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /^collector listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready; stderr: ${stderr()}`)));
  });
  return { child, url, stderr, dataDir: dir.path };
}

/** A POST whose body is known to be fully sent (`sent`) before its answer (`status`) arrives. */
function postRaw(url: string, body: string, headers: Record<string, string>) {
  let sentResolve!: () => void;
  const sent = new Promise<void>((r) => (sentResolve = r));
  const status = new Promise<number>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body, () => sentResolve());
  });
  return { sent, status };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

describe('src/main.ts', () => {
  it('serves, stores a batch, reads it back, and on SIGTERM flushes in-flight rows and exits 0', async () => {
    // A flush window longer than the test: the first batch (2 rows = LIFELINE_BATCH_MAX_ROWS)
    // is written at once, while the second (1 row) still waits in the buffer at SIGTERM,
    // so only the flush on stop can store it.
    const collector = await start({ LIFELINE_BATCH_MAX_WAIT_MS: '60000', LIFELINE_BATCH_MAX_ROWS: '2' });
    const session = 's-main';
    const first = makeBatch([
      makeEvent('pageview', { session_id: session, ts: Date.now() - 3 }),
      makeEvent('track', { session_id: session, ts: Date.now() - 2 }),
    ]);
    const res = await fetch(`${collector.url}/v1/batch`, {
      method: 'POST',
      headers: { ...auth(SECRET), 'content-type': 'application/json' },
      body: JSON.stringify(first),
    });
    expect(res.status).toBe(200);
    expect(BatchAck.parse(await res.json()).stored).toBe(2);

    const read = await fetch(`${collector.url}/v1/timeline?session_id=${session}`, { headers: auth(TOKENS.demo) });
    expect(read.status).toBe(200);
    expect(TimelineResponse.parse(await read.json()).events.map((e) => e.event_id)).toEqual(first.events.map((e) => e.event_id));

    const second = makeBatch([makeEvent('track', { session_id: session, ts: Date.now() - 1 })]);
    const { sent, status } = postRaw(`${collector.url}/v1/batch`, JSON.stringify(second), auth(SECRET));
    await sent;
    // The request is on the wire; give the server a moment to take it in before stopping.
    await new Promise((r) => setTimeout(r, 500));
    const stoppedAt = Date.now();
    collector.child.kill('SIGTERM');

    expect(await status).toBe(200);
    expect(await exitCode(collector.child)).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(collector.stderr()).not.toContain(SECRET);
    expect(collector.stderr()).not.toContain(TOKENS.demo);

    // The acknowledged rows are on disk: reopen the data directory the child just released.
    const storage = await openStorage({ kind: 'chdb', path: collector.dataDir, database: 'lifeline' });
    try {
      expect(await countRows(storage)).toBe(3);
    } finally {
      await storage.close();
    }
  });

  it('refuses a second process on the same data directory with a clear message', async () => {
    const first = await start();
    const second = run(childEnv(testEnv(first.dataDir)));
    expect(await exitCode(second.child)).not.toBe(0);
    expect(second.stderr()).toMatch(/in use by another process/);
    first.child.kill('SIGINT');
    expect(await exitCode(first.child)).toBe(0);
  });

  it('exits non-zero naming the missing configuration', async () => {
    const { child, stderr } = run(childEnv({ LIFELINE_COLLECTOR_SECRET: '', LIFELINE_READ_TOKENS: '' }));
    expect(await exitCode(child)).not.toBe(0);
    expect(stderr()).toMatch(/LIFELINE_COLLECTOR_SECRET is required/);
    expect(stderr()).toMatch(/LIFELINE_READ_TOKENS is required/);
  });
});
