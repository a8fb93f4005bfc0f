import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK_DIR = fileURLToPath(new URL('../..', import.meta.url));
const ROOTS: Record<string, string> = { dist: join(SDK_DIR, 'dist'), fixtures: join(SDK_DIR, 'test', 'fixtures') };
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.map': 'application/json',
  '.png': 'image/png',
  '.css': 'text/css',
};

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
}

/** A posted body, parsed; `SdkBatch` checks it properly in the tests that care. */
export interface PostedBatch {
  events: Record<string, unknown>[];
  [key: string]: unknown;
}

/** Decides the answer to each `POST /v1/events`; the default accepts everything with 202. */
export type Responder = (request: RecordedRequest) => Reply;

/** A call that reached `/api/…`, with what the tests check. */
export interface ApiCall {
  method: string;
  path: string;
  /** Origin of the page that made the call (absent for same-origin GETs). */
  origin?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestServer {
  /** Where fixtures are served: `http://127.0.0.1:<port>`. */
  origin: string;
  /** Every request to `/api/…`, OPTIONS included, in arrival order. */
  api: ApiCall[];
  /** The ingest stand-in: `http://localhost:<port>`, a different origin from the pages. */
  endpoint: string;
  /** Every request to `/v1/events`, OPTIONS included, in arrival order. */
  requests: RecordedRequest[];
  respondWith(responder: Responder): void;
  /** The parsed bodies of the POSTs. */
  bodies(): PostedBatch[];
  /** Every event of every POST, in arrival order. */
  events(): Record<string, unknown>[];
  /** Polls `probe` until it returns something truthy, or fails after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Forgets recorded requests and restores the default responder. */
  reset(): void;
  close(): Promise<void>;
}

const accept: Responder = () => ({ status: 202 });

/** Custom headers the `/api/` stand-in allows cross-origin with `cors=headers`. */
const ALLOWED_HEADERS = 'X-Request-Id, traceparent, X-Custom, Content-Type';

/**
 * The store's backend stand-in, `/api/<anything>`, steered by query parameters:
 * `status` (default 200), `delay` in ms before answering, `stream` (answer in chunks)
 * and `cors`: `headers` allows the request-ID headers from any origin, `simple` allows
 * any origin but no custom header (a third party: preflights fail), absent means no CORS
 * headers at all. It answers with JSON echoing the method, body and headers it received.
 */
function answerApi(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  const cors = url.searchParams.get('cors');
  const allow: Record<string, string> = cors ? { 'Access-Control-Allow-Origin': '*' } : {};
  if (req.method === 'OPTIONS') {
    if (cors !== 'headers') return void res.writeHead(405).end();
    return void res.writeHead(204, { ...allow, 'Access-Control-Allow-Headers': ALLOWED_HEADERS, 'Access-Control-Allow-Methods': 'GET, POST, PUT' }).end();
  }
  const status = Number(url.searchParams.get('status') ?? 200);
  const reply = JSON.stringify({ method: req.method, body, headers: req.headers });
  const send = () => {
    if (res.destroyed) return;
    res.writeHead(status, { ...allow, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    if (!url.searchParams.has('stream')) return void res.end(reply);
    // Three chunks a little apart, so a reader sees a stream rather than one buffer.
    let i = 0;
    const parts = [reply.slice(0, 10), reply.slice(10, 20), reply.slice(20)];
    const next = () => (i < 2 ? (res.write(parts[i++]), setTimeout(next, 20)) : res.end(parts[2]));
    next();
  };
  const delay = Number(url.searchParams.get('delay') ?? 0);
  if (delay > 0) setTimeout(send, delay);
  else send();
}

/**
 * A tiny HTTP server for browser tests: serves `test/fixtures/*.html` (with `{{ENDPOINT}}`
 * replaced by the `endpoint` query parameter or by `endpoint` below) and `dist/`, and
 * stands in for the edge at `/v1/events`, recording what arrives.
 */
export async function startServer(): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const api: ApiCall[] = [];
  let responder = accept;
  let port = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname.startsWith('/api/')) {
          const body = Buffer.concat(chunks).toString('utf8');
          api.push({ method: req.method ?? '', path: url.pathname + url.search, origin: req.headers.origin, headers: req.headers, body });
          return answerApi(req, res, url, body);
        }
        if (url.pathname === '/v1/events') {
          const recorded: RecordedRequest = {
            method: req.method ?? '',
            path: url.pathname,
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            at: Date.now(),
          };
          requests.push(recorded);
          const cors = {
            'Access-Control-Allow-Origin': '*',
            'Access-Control-Allow-Methods': 'POST',
            'Access-Control-Allow-Headers': 'Content-Type',
            'Access-Control-Expose-Headers': 'Retry-After',
          };
          if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
          const reply = responder(recorded);
          return res.writeHead(reply.status, { ...cors, 'Content-Type': 'application/json', ...reply.headers }).end('{}');
        }
        const [, root, ...rest] = url.pathname.split('/');
        const base = root ? ROOTS[root] : undefined;
        const file = base ? normalize(join(base, ...rest)) : undefined;
        if (!base || !file || !file.startsWith(base)) return res.writeHead(404).end();
        try {
          let content: string | Buffer = await readFile(file);
          if (extname(file) === '.html') {
            const endpoint = url.searchParams.get('endpoint') ?? `http://localhost:${port}`;
            // Attributes a test sets through the page URL: ?attrs=data-x%3D%22y%22
            content = content
              .toString('utf8')
              .replaceAll('{{ENDPOINT}}', endpoint)
              .replaceAll('{{PARTNER}}', `http://localhost:${port}`)
              .replaceAll('{{ATTRS}}', url.searchParams.get('attrs') ?? '');
          }
          res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
          res.end(content);
        } catch {
          res.writeHead(404).end();
        }
      })();
    });
  });

  // No host: listen on every address, so `localhost` works whether Chromium picks ::1 or 127.0.0.1.
  await new Promise<void>((resolve) => server.listen(0, resolve));
  port = (server.address() as AddressInfo).port;

  const bodies = () =>
    requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body) as PostedBatch);

  return {
    origin: `http://127.0.0.1:${port}`,
    endpoint: `http://localhost:${port}`,
    requests,
    api,
    respondWith(next) {
      responder = next;
    },
    bodies,
    events: () => bodies().flatMap((b) => b.events),
    async waitFor(probe, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > until) throw new Error(`nothing arrived within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    reset() {
      requests.length = 0;
      api.length = 0;
      responder = accept;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
