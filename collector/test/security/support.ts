import { randomUUID } from 'node:crypto';
import { openCollector, type Collector } from '../../src/collector';
import { createLogger } from '../../src/log';
import type { Storage } from '../../src/storage/open-storage';
import { T0, makeBatch, makeEvent, tempDir, testConfig } from '../helpers';

/**
 * Credentials of the security tests: one of each kind the collector knows, distinctive
 * enough that finding one in a response or a log line can only mean it was echoed.
 */
export const CREDS = {
  secret: 'sec-collector-Zk3pW9qT',
  read: { demo: 'rt-demo-Hq82xLvN', other: 'rt-other-Pm41vTbC' },
  ingest: { demo: 'it-demo-Ws57nBgM', other: 'it-other-Jc93rDkE' },
  admin: 'adm-Xr62kQwZ',
  metrics: 'met-Lb18yFhU',
} as const;

/** Credentials a collector was configured with before a restart dropped them (revocation is configuration). */
export const REVOKED = {
  secret: 'sec-retired-Gv40sPaY',
  read: 'rt-retired-Nd73cWoI',
  ingest: 'it-retired-Ue26mHzR',
  admin: 'adm-retired-Qy95tJlX',
  metrics: 'met-retired-Ka31dVeS',
} as const;

/** Every credential string of these tests, revoked ones included. */
export const ALL_SECRETS: string[] = [
  CREDS.secret, ...Object.values(CREDS.read), ...Object.values(CREDS.ingest), CREDS.admin, CREDS.metrics, ...Object.values(REVOKED),
];

/**
 * Collector configuration (`loadConfig` variables) and the observability environment for
 * a collector on `dataDir`; `revoked: true` also accepts the `REVOKED` credentials, as a
 * collector did before they were taken out of its configuration.
 */
export function securityEnv(o: { revoked?: boolean; rulesFile?: string } = {}) {
  const read = [`demo:${CREDS.read.demo}`, `other:${CREDS.read.other}`, ...(o.revoked ? [`demo:${REVOKED.read}`] : [])].join(',');
  const ingest = [`demo:${CREDS.ingest.demo}`, `other:${CREDS.ingest.other}`, ...(o.revoked ? [`demo:${REVOKED.ingest}`] : [])].join(',');
  return {
    config: {
      LIFELINE_COLLECTOR_SECRET: o.revoked ? REVOKED.secret : CREDS.secret,
      LIFELINE_READ_TOKENS: read,
      LIFELINE_INGEST_TOKENS: ingest,
    },
    env: {
      LIFELINE_ADMIN_TOKEN: o.revoked ? REVOKED.admin : CREDS.admin,
      LIFELINE_METRICS_TOKEN: o.revoked ? REVOKED.metrics : CREDS.metrics,
      ...(o.rulesFile ? { LIFELINE_ALERTS_FILE: o.rulesFile } : {}),
    },
  };
}

/** Every line the collector logged, as written. */
export interface LogCapture {
  lines: string[];
}

/**
 * A real collector on embedded chDB in a fresh temp directory, logging through the real
 * JSON logger into `log.lines`. `reopen` closes it and opens it again on the same data
 * with other settings (a restart with a changed configuration).
 */
export async function openSecurityCollector(o: { revoked?: boolean; rulesFile?: string } = {}) {
  const dir = tempDir();
  const log: LogCapture = { lines: [] };
  const logger = createLogger((line) => log.lines.push(line));
  const open = (settings: { revoked?: boolean; rulesFile?: string }) => {
    const { config, env } = securityEnv(settings);
    return openCollector(testConfig(dir.path, config), { env, log: logger });
  };
  let collector: Collector = await open(o);
  return {
    get collector() {
      return collector;
    },
    log,
    async reopen(settings: { revoked?: boolean; rulesFile?: string }) {
      await collector.close();
      collector = await open(settings);
    },
    async close() {
      await collector.close();
      dir.remove();
    },
  };
}

/** Rows physically in a table of the collector's database. */
export async function tableRows(storage: Storage, table: string): Promise<number> {
  const rs = await storage.client.query({ query: `SELECT count() AS n FROM ${storage.database}.${table}`, format: 'JSONEachRow' });
  const [row] = await rs.json<{ n: number | string }>();
  return Number(row?.n ?? 0);
}

/**
 * What a statement could have changed in the collector's database: every table with its
 * engine and, for tables that hold rows, how many; plus the tables and databases of the
 * whole server.
 */
export async function databaseSnapshot(storage: Storage) {
  const rows = async <T>(query: string) => (await storage.client.query({ query, query_params: { db: storage.database }, format: 'JSONEachRow' })).json<T>();
  const tables: Record<string, string> = {};
  for (const { name, engine } of await rows<{ name: string; engine: string }>('SELECT name, engine FROM system.tables WHERE database = {db:String} ORDER BY name')) {
    // Views hold no rows of their own.
    tables[name] = /MergeTree$/.test(engine) ? `${engine} ${await tableRows(storage, name)} rows` : engine;
  }
  return {
    tables,
    serverTables: Number((await rows<{ n: number | string }>('SELECT count() AS n FROM system.tables'))[0]!.n),
    databases: (await rows<{ name: string }>('SELECT name FROM system.databases ORDER BY name')).map((d) => d.name),
  };
}

/** Request bodies of the write endpoints, new each call so an accepted one always adds rows. */
export const bodies = {
  batch: (project = 'demo') => JSON.stringify(makeBatch([makeEvent('track', { project, name: 'security_probe', session_id: `s-${randomUUID()}` })])),
  logs: () => JSON.stringify([{ timestamp: T0, level: 'info', message: 'security probe log', request_id: `req-${randomUUID()}` }]),
  otlpLogs: () =>
    JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: `${T0}000000`, severityNumber: 9, body: { stringValue: 'security probe otlp' }, traceId: randomUUID().replace(/-/g, '') }] }] }],
    }),
  otlpTraces: () => {
    const traceId = randomUUID().replace(/-/g, '');
    return JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: traceId.slice(0, 16), name: 'GET /api/probe', kind: 2, startTimeUnixNano: `${T0}000000`, endTimeUnixNano: `${T0 + 10}000000`, status: {} }] }] }],
    });
  },
};

/** What each endpoint needs as a credential. */
export type Kind = 'secret' | 'ingest' | 'read' | 'admin' | 'metrics' | 'public';

export interface Endpoint {
  method: 'GET' | 'POST';
  /** Path with parameters that make a valid request. */
  path: string;
  kind: Kind;
  /** A fresh body for POSTs. */
  body?: () => string;
  /** Writes to storage or changes the collector's state when let in. */
  write?: boolean;
}

/** Every route of the collector, each with a request it would answer 2xx to with the right credential. */
export const ENDPOINTS: Endpoint[] = [
  { method: 'POST', path: '/v1/batch', kind: 'secret', body: () => bodies.batch(), write: true },
  { method: 'POST', path: '/v1/logs', kind: 'ingest', body: bodies.logs, write: true },
  { method: 'POST', path: '/otlp/v1/logs', kind: 'ingest', body: bodies.otlpLogs, write: true },
  { method: 'POST', path: '/otlp/v1/traces', kind: 'ingest', body: bodies.otlpTraces, write: true },
  { method: 'GET', path: '/v1/timeline?request_id=req-shared', kind: 'read' },
  { method: 'GET', path: '/v1/query/funnel?steps=view_product,add_to_cart', kind: 'read' },
  { method: 'GET', path: '/v1/query/metrics', kind: 'read' },
  { method: 'GET', path: '/v1/query/anomalies?from=now-6h', kind: 'read' },
  { method: 'GET', path: '/v1/query/errors', kind: 'read' },
  { method: 'GET', path: '/v1/query/search?q=shared-marker', kind: 'read' },
  { method: 'GET', path: '/v1/query/vitals', kind: 'read' },
  { method: 'GET', path: '/v1/query/red', kind: 'read' },
  { method: 'GET', path: '/v1/query/timeline?id=req-shared', kind: 'read' },
  { method: 'GET', path: '/v1/alerts/history', kind: 'read' },
  { method: 'GET', path: '/v1/alerts/dead-letter?status=all', kind: 'read' },
  { method: 'POST', path: '/v1/alerts/dead-letter/replay', kind: 'admin', body: () => '{}', write: true },
  { method: 'POST', path: '/v1/alerts/reload', kind: 'admin', body: () => '', write: true },
  { method: 'GET', path: '/v1/dashboard/session', kind: 'read' },
  { method: 'GET', path: '/v1/dashboard/flags', kind: 'read' },
  { method: 'GET', path: '/v1/dashboard/annotations', kind: 'read' },
  { method: 'GET', path: '/metrics', kind: 'metrics' },
  { method: 'GET', path: '/dashboard/', kind: 'public' },
  { method: 'GET', path: '/health', kind: 'public' },
  { method: 'GET', path: '/ready', kind: 'public' },
];

/** The request an endpoint gets, with `headers` added. */
export function requestFor(e: Endpoint, headers: Record<string, string> = {}): [string, RequestInit] {
  const body = e.body?.();
  return [e.path, { method: e.method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body } : {}) }];
}

/** A probe event that marks which project's data an answer holds. */
export const PROJECT_MARKER = { demo: 'shared-marker demo-only-7f3a', other: 'shared-marker other-only-9c1e' } as const;

/** Events both projects hold under the same IDs, so an answer for the wrong project would show. */
export function sharedEvents(ts: number) {
  return (['demo', 'other'] as const).flatMap((project) => {
    const s = { project, session_id: 'sess-shared', request_id: 'req-shared' };
    return [
      makeEvent('track', { ...s, ts, received_at: ts + 100, name: 'view_product', props: { product_id: 'tee' } }),
      makeEvent('track', { ...s, ts: ts + 1000, received_at: ts + 1100, name: 'add_to_cart', props: { product_id: 'tee' } }),
      makeEvent('error', { ...s, ts: ts + 2000, received_at: ts + 2100, message: PROJECT_MARKER[project], fingerprint: `fp-${project}` }),
      makeEvent('network', { ...s, ts: ts + 3000, received_at: ts + 3100, method: 'POST', url: '/api/pay', status: 503, duration_ms: 9 }),
      makeEvent('vital', { ...s, ts: ts + 4000, received_at: ts + 4100, name: 'LCP', value: 1800, url: 'https://shop.test/product/1' }),
      makeEvent('flag', { ...s, ts: ts + 5000, received_at: ts + 5100, feature: 'checkout', state: 'degraded', from_state: 'ok', message: PROJECT_MARKER[project] }),
    ];
  });
}
