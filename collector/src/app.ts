import { Hono } from 'hono';
import { LIMITS, type StoredEvent } from '@lifeline/protocol';
import { requireReadToken, requireSecret } from './http/bearer-auth';
import { sendError } from './http/errors';
import { errorMessage, silentLogger, type Logger } from './log';
import type { TimelineLookup } from './query/timeline';
import { batchRoute } from './routes/batch';
import { timelineRoute } from './routes/timeline';

/** What the HTTP app needs; storage stays behind `ingest` and `timeline`. */
export interface AppDeps {
  /** Shared secret the edge sends on `POST /v1/batch`. */
  collectorSecret: string;
  /** Read token → the one project it may read. */
  readTokens: ReadonlyMap<string, string>;
  /** Stores validated events; resolves once they are durable. */
  ingest: (events: StoredEvent[]) => Promise<void>;
  /** Reads a timeline (de-duplicated, oldest first). */
  timeline: (lookup: TimelineLookup) => Promise<StoredEvent[]>;
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
 * const app = createApp({ collectorSecret, readTokens, ingest, timeline })
 * const res = await app.request('/health') // 200 { ok: true }
 */
export function createApp(deps: AppDeps): Hono {
  const log = deps.log ?? silentLogger;
  const app = new Hono();

  app.get('/health', (c) => c.json({ ok: true }));

  app.post(
    '/v1/batch',
    requireSecret({ secret: deps.collectorSecret }),
    batchRoute({ ingest: deps.ingest, maxBytes: deps.maxBatchBytes ?? LIMITS.collectorBatchBytes, log }),
  );

  app.get('/v1/timeline', requireReadToken({ tokens: deps.readTokens }), timelineRoute({ timeline: deps.timeline }));

  app.notFound((c) => sendError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

  app.onError((err, c) => {
    // The reason stays generic: internals (SQL, paths) belong in the log, not in answers.
    log.error('unhandled error', { method: c.req.method, path: c.req.path, reason: errorMessage(err) });
    return sendError(c, 500, 'internal', 'unexpected error in the collector');
  });

  return app;
}
