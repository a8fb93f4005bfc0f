import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchAck, ReadyResponse, TimelineResponse, type CollectorBatch } from '@lifeline/protocol';
import { openStorage } from '../src/storage/open-storage';
import { SECRET, TOKENS, auth, countEvents, countRows, makeBatch, makeEvent, tempDir, testEnv } from './helpers';

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

/** Starts `src/main.ts` on a free port (on `dataDir`, or a fresh one) and waits for its one ready line. */
async function start(extra: Record<string, string> = {}, dataDir?: string): Promise<Started & { dataDir: string }> {
  let path = dataDir;
  if (!path) {
    const dir = tempDir();
    dirs.push(dir);
    path = dir.path;
  }
  const { child, stdout, stderr } = run(childEnv(testEnv(path, extra)));
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
  return { child, url, stderr, dataDir: path };
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

/**
 * Senders posting batches concurrently, as several edge locations would, until stopped;
 * each batch is either acknowledged (200) or not (refused, or its connection died).
 */
function flood(url: string, session: string, options: { senders: number; events: number }) {
  const acked: CollectorBatch[] = [];
  const unacked: CollectorBatch[] = [];
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const batch = makeBatch(Array.from({ length: options.events }, () => makeEvent('track', { session_id: session })));
      try {
        const res = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { ...auth(SECRET), 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        });
        (res.status === 200 ? acked : unacked).push(batch);
        await res.body?.cancel();
      } catch {
        unacked.push(batch);
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: options.senders }, sender));
  return { acked, unacked, stop: () => ((stop = true), done) };
}

async function waitReady(url: string, drained: boolean) {
  for (let i = 0; i < 400; i++) {
    const res = await fetch(`${url}/ready`);
    const body = ReadyResponse.parse(await res.json());
    if (body.storage.schema_ready && (!drained || body.spool.rows === 0)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('collector never became ready');
}

/** Event IDs of `batches` that are in storage (each counted once, however many copies). */
async function storedOf(dataDir: string, batches: CollectorBatch[]) {
  const ids = batches.flatMap((b) => b.events.map((e) => e.event_id));
  const storage = await openStorage({ kind: 'chdb', path: dataDir, database: 'lifeline' });
  try {
    const rs = await storage.client.query({
      query: `SELECT count() AS n FROM (SELECT event_id FROM lifeline.events WHERE event_id IN {ids:Array(UUID)} LIMIT 1 BY event_id)`,
      query_params: { ids },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: number | string }>();
    return { expected: ids.length, stored: Number(row?.n), storage };
  } catch (err) {
    await storage.close();
    throw err;
  }
}

describe('src/main.ts killed with SIGKILL', () => {
  it('keeps every acknowledged event exactly once, and a retry of the rest adds each once', async () => {
    const first = await start({ LIFELINE_BATCH_MAX_WAIT_MS: '30' });
    const session = `s-kill-${Date.now()}`;
    const senders = flood(first.url, session, { senders: 6, events: 200 });
    while (senders.acked.length < 25) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await exitCode(first.child);
    await senders.stop();
    expect(senders.acked.length).toBeGreaterThanOrEqual(25);

    // Restart on the same data directory and spool, as a supervisor would.
    const second = await start({ LIFELINE_BATCH_MAX_WAIT_MS: '30' }, first.dataDir);
    await waitReady(second.url, true);
    // The edge retries what was never acknowledged; some of it may already be stored.
    for (const batch of senders.unacked) {
      const res = await fetch(`${second.url}/v1/batch`, { method: 'POST', headers: { ...auth(SECRET), 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      expect(res.status).toBe(200);
    }
    second.child.kill('SIGTERM');
    expect(await exitCode(second.child)).toBe(0);

    const acked = await storedOf(first.dataDir, senders.acked);
    try {
      expect(acked.stored).toBe(acked.expected);
      const all = senders.acked.length + senders.unacked.length;
      expect(await countEvents(acked.storage, { session_id: session })).toBe(all * 200);
    } finally {
      await acked.storage.close();
    }
  });

  it('keeps batches spooled while storage was unreachable, and replays them after a restart', async () => {
    // A server that refuses connections: the collector starts anyway and acknowledges from its spool.
    const dir = tempDir();
    dirs.push(dir);
    const spool = { LIFELINE_SPOOL_DIR: dir.spool, LIFELINE_BATCH_MAX_WAIT_MS: '30' };
    const first = await start({ ...spool, CLICKHOUSE_URL: 'http://127.0.0.1:1' }, dir.path);
    const ready = ReadyResponse.parse(await (await fetch(`${first.url}/ready`)).json());
    expect(ready).toMatchObject({ accepting: true, storage: { reachable: false, schema_ready: false } });
    const session = `s-spool-kill-${Date.now()}`;
    const senders = flood(first.url, session, { senders: 4, events: 100 });
    while (senders.acked.length < 20) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await exitCode(first.child);
    await senders.stop();

    // Back with storage (embedded chDB here) and the same spool: the replay stores everything acknowledged.
    const second = await start(spool, dir.path);
    await waitReady(second.url, true);
    second.child.kill('SIGTERM');
    expect(await exitCode(second.child)).toBe(0);
    const acked = await storedOf(dir.path, senders.acked);
    try {
      expect(acked.stored).toBe(acked.expected);
    } finally {
      await acked.storage.close();
    }
  });
});
