import type { Flag, StatusResponse } from '@lifeline/protocol';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK_DIR = fileURLToPath(new URL('../../..', import.meta.url));
const ROOTS: Record<string, string> = {
  dist: join(SDK_DIR, 'dist'),
  fixtures: join(SDK_DIR, 'test', 'degrade', 'fixtures'),
};
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json' };
const CORS = { 'Access-Control-Allow-Origin': '*' };

export interface StatusHit {
  at: number;
  ifNoneMatch?: string;
  answered: number;
}

export interface BackendHit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  at: number;
}

export interface StandIn {
  /** Pages and the store's backend (`/api/*`): `http://127.0.0.1:<port>`. */
  origin: string;
  /** The edge: `http://localhost:<port>`, another origin, as in production. */
  endpoint: string;
  /** What `/v1/status` serves now. */
  status: StatusResponse;
  /** Replaces the flags as ops would: a new version, pushed to every open stream at once. */
  setFlags(flags: Record<string, Flag>): StatusResponse;
  /** Every `GET /v1/status`, with the If-None-Match the browser sent and the status answered. */
  statusHits: StatusHit[];
  /** Stream requests received, and streams open now. */
  streamHits: number;
  openStreams(): number;
  /** `false` answers stream requests with 503 and drops the open ones. */
  setStreamUp(up: boolean): void;
  /** `false` makes the edge unreachable: its connections are cut without an answer. */
  setReachable(reachable: boolean): void;
  /** Delay before `/v1/status` answers, to show what the page does before it hears back. */
  statusDelayMs: number;
  /**
   * While set, `/v1/status` answers this status instead of the current one, so a change
   * can reach an open page only through its stream.
   */
  frozenStatus?: StatusResponse;
  /**
   * What `/api/*` answers, and every call it received. A call with `?delay=<ms>` is
   * answered that much later; one with `?hang` is held until `releaseHeld`.
   */
  backendStatus: number;
  backendHits: BackendHit[];
  /** The held `/api/*?hang` calls still open: answered by neither side, not aborted by the page. */
  heldCalls(): number;
  /** Answers every held call with `status`. */
  releaseHeld(status: number): void;
  /** Events of every `POST /v1/events`, in arrival order. */
  events(): Record<string, unknown>[];
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * A stand-in for the edge and the store, for the degradation browser tests, implementing
 * the edge's status contract: `GET /v1/status?key=…` (JSON, ETag, 304 on If-None-Match,
 * CORS-open) and `GET /v1/status/stream?key=…` (Server-Sent Events named `status`, one on
 * connect and one per change, comment heartbeats). Also takes `POST /v1/events`, serves
 * `test/degrade/fixtures/` (with `{{ENDPOINT}}` replaced) and `dist/`, and plays the
 * store's backend under `/api/`.
 */
export async function startStandIn(): Promise<StandIn> {
  const streams = new Set<ServerResponse>();
  const held = new Set<ServerResponse>();
  const bodies: { events: Record<string, unknown>[] }[] = [];
  let port = 0;
  let streamUp = true;
  let reachable = true;

  const push = (res: ServerResponse, status: StatusResponse) => res.write(`event: status\ndata: ${JSON.stringify(status)}\n\n`);

  const standIn: StandIn = {
    origin: '',
    endpoint: '',
    status: { v: 1, project: 'fancy-tshirts', version: 1, flags: {}, updated_at: Date.now() },
    setFlags(flags) {
      standIn.status = { ...standIn.status, version: standIn.status.version + 1, flags, updated_at: Date.now() };
      for (const res of streams) push(res, standIn.status);
      return standIn.status;
    },
    statusHits: [],
    streamHits: 0,
    openStreams: () => streams.size,
    setStreamUp(up) {
      streamUp = up;
      if (!up) for (const res of streams) res.destroy();
    },
    setReachable(value) {
      reachable = value;
      if (!value) for (const res of streams) res.destroy();
    },
    statusDelayMs: 0,
    backendStatus: 200,
    backendHits: [],
    heldCalls: () => held.size,
    releaseHeld(status) {
      for (const res of held) res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
      held.clear();
    },
    events: () => bodies.flatMap((b) => b.events),
    async waitFor(probe, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > until) throw new Error(`nothing arrived within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of [...streams, ...held]) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const path = url.pathname;
        if (!reachable && path.startsWith('/v1/')) return req.socket.destroy();
        if (path === '/v1/status') {
          if (standIn.statusDelayMs) await new Promise((r) => setTimeout(r, standIn.statusDelayMs));
          const etag = `"v${(standIn.frozenStatus ?? standIn.status).version}"`;
          const ifNoneMatch = req.headers['if-none-match'];
          const answered = ifNoneMatch === etag ? 304 : 200;
          standIn.statusHits.push({ at: Date.now(), ifNoneMatch, answered });
          const headers = { ...CORS, ETag: etag, 'Cache-Control': 'no-cache' };
          if (answered === 304) return res.writeHead(304, headers).end();
          return res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(standIn.frozenStatus ?? standIn.status));
        }
        if (path === '/v1/status/stream') {
          standIn.streamHits++;
          if (!streamUp) return res.writeHead(503, CORS).end();
          res.writeHead(200, { ...CORS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
          streams.add(res);
          push(res, standIn.status);
          const beat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
          res.on('close', () => {
            clearInterval(beat);
            streams.delete(res);
          });
          return;
        }
        if (path === '/v1/events') {
          if (req.method === 'POST') bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          return res
            .writeHead(req.method === 'OPTIONS' ? 204 : 202, { ...CORS, 'Access-Control-Allow-Headers': 'Content-Type' })
            .end();
        }
        if (path.startsWith('/api/')) {
          standIn.backendHits.push({ method: req.method ?? '', path, headers: req.headers, at: Date.now() });
          if (url.searchParams.has('hang')) {
            held.add(res);
            res.on('close', () => held.delete(res));
            return;
          }
          const delay = Number(url.searchParams.get('delay'));
          if (delay > 0) await new Promise((r) => setTimeout(r, delay));
          return res.writeHead(standIn.backendStatus, { 'Content-Type': 'application/json' }).end('{}');
        }
        const [, root, ...rest] = path.split('/');
        const base = root ? ROOTS[root] : undefined;
        const file = base ? normalize(join(base, ...rest)) : undefined;
        if (!base || !file || !file.startsWith(base)) return res.writeHead(404).end();
        try {
          let content: string | Buffer = await readFile(file);
          if (extname(file) === '.html') {
            const endpoint = url.searchParams.get('endpoint') ?? standIn.endpoint;
            content = content.toString('utf8').replaceAll('{{ENDPOINT}}', endpoint);
          }
          res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
          res.end(content);
        } catch {
          res.writeHead(404).end();
        }
      })();
    });
  });

  // No host: every address, so `localhost` works whether Chromium picks ::1 or 127.0.0.1.
  await new Promise<void>((resolve) => server.listen(0, resolve));
  port = (server.address() as AddressInfo).port;
  standIn.origin = `http://127.0.0.1:${port}`;
  standIn.endpoint = `http://localhost:${port}`;
  return standIn;
}
