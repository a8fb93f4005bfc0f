import { Hono } from 'hono';
import type { Observability } from './alerts/observability';
import type { StoredEvent } from '@lifeline/protocol';
import { requireReadToken } from './http/bearer-auth';
import { sendError } from './http/errors';
import type { Ingest } from './ingest/ingest';
import { errorMessage, silentLogger, type Logger } from './log';
import { timeRequests } from './metrics/http-timing';
import type { TimelineLookup } from './query/timeline';
import { ingestRoutes } from './routes/ingest-routes';
import { readyRoute } from './routes/ready';
import { timelineRoute } from './routes/timeline';
import { createQueryRoutes } from './routes/queries';
import type { QueryService } from './query/service';
import type { ProbeResult } from './storage/storage-probe';

/** What the HTTP app needs; storage stays behind `ingest`, `timeline` and `probe`. */
export interface AppDeps {
  /** Shared secret the edge sends on `POST /v1/batch`. */
  collectorSecret: string;
  /** Read token → the one project it may read. */
  readTokens: ReadonlyMap<string, string>;
  /** Ingest token → the project backend logs and OTLP data are stored under. @default none */
  ingestTokens?: ReadonlyMap<string, string>;
  /** The ingest pipeline: insert buffer, ClickHouse or the disk spool. */
  ingest: Ingest;
  /** Reads a timeline (de-duplicated, oldest first). */
  timeline: (lookup: TimelineLookup) => Promise<StoredEvent[]>;
  /** The query API served under `/v1/query`; without it those routes are absent. */
  queries?: QueryService;
  /** Pings storage for `GET /ready`. */
  probe: () => Promise<ProbeResult>;
  /** Migrations applied. @default always */
  schemaReady?: () => boolean;
  /** The dashboard, the alerting API and `GET /metrics` (see `alerts/observability.ts`). */
  observability?: Pick<Observability, 'routes' | 'metrics'>;
  /** @default silentLogger */
  log?: Logger;
  /** Largest accepted batch body. @default LIMITS.collectorBatchBytes */
  maxBatchBytes?: number;
}

/**
 * The collector's HTTP API as a Hono app, with no server attached: `main.ts` serves it,
 * and tests call `app.request(...)` directly.
 *
 * @example
 * const app = createApp({ collectorSecret, readTokens, ingest, timeline, probe })
 * const res = await app.request('/health') // 200 { ok: true }
 */
export function createApp(deps: AppDeps): Hono {
  const log = deps.log ?? silentLogger;
  const app = new Hono();
  // First, so it times every API request, queries included, to its answer.
  app.use('/v1/*', timeRequests());
  app.use('/otlp/*', timeRequests());

  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/ready', readyRoute({ ingest: deps.ingest, probe: deps.probe, schemaReady: deps.schemaReady ?? (() => true) }));

  app.route(
    '/',
    ingestRoutes({
      collectorSecret: deps.collectorSecret,
      ingestTokens: deps.ingestTokens ?? new Map(),
      ingest: deps.ingest,
      log,
      ...(deps.maxBatchBytes ? { maxBatchBytes: deps.maxBatchBytes } : {}),
    }),
  );

  app.get('/v1/timeline', requireReadToken({ tokens: deps.readTokens }), timelineRoute({ timeline: deps.timeline }));
  if (deps.queries) app.route('/v1/query', createQueryRoutes({ readTokens: deps.readTokens, queries: deps.queries, ready: deps.schemaReady ?? (() => true) }));

  for (const routes of deps.observability?.routes ?? []) app.route('/', routes);
  if (deps.observability) app.get('/metrics', deps.observability.metrics);

  app.notFound((c) => sendError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

  app.onError((err, c) => {
    // The reason stays generic: internals (SQL, paths) belong in the log, not in answers.
    log.error('unhandled error', { method: c.req.method, path: c.req.path, reason: errorMessage(err) });
    return sendError(c, 500, 'internal', 'unexpected error in the collector');
  });

  return app;
}
