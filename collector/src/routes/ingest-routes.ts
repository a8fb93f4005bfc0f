import { Hono } from 'hono';
import { LIMITS } from '@lifeline/protocol';
import type { Ingest } from '../ingest/ingest';
import type { Logger } from '../log';
import { requireSecret } from '../http/bearer-auth';
import { requireIngestToken, type IngestAuthEnv } from '../http/require-ingest-token';
import { sendOtlpError } from '../otlp/status';
import { batchRoute } from './batch';
import { logsRoute } from './logs';
import { otlpRoute } from './otlp';

export interface IngestRoutesOptions {
  /** Shared secret the edge sends on `POST /v1/batch`. */
  collectorSecret: string;
  /** Ingest token → project, for backend logs and OTLP. */
  ingestTokens: ReadonlyMap<string, string>;
  ingest: Ingest;
  log: Logger;
  /** Largest batch body. @default LIMITS.collectorBatchBytes */
  maxBatchBytes?: number;
}

/**
 * Every route that takes data in: the edge's batches (`POST /v1/batch`, collector secret),
 * backend logs (`POST /v1/logs`) and OpenTelemetry (`POST /otlp/v1/logs`,
 * `POST /otlp/v1/traces`), both with an ingest token.
 *
 * @example app.route('/', ingestRoutes({ collectorSecret, ingestTokens, ingest, log }))
 */
export function ingestRoutes(o: IngestRoutesOptions): Hono<IngestAuthEnv> {
  const app = new Hono<IngestAuthEnv>();
  const { ingest, log } = o;

  app.post('/v1/batch', requireSecret({ secret: o.collectorSecret }), batchRoute({ ingest, maxBytes: o.maxBatchBytes ?? LIMITS.collectorBatchBytes, log }));

  app.post('/v1/logs', requireIngestToken({ tokens: o.ingestTokens }), logsRoute({ ingest, maxBytes: LIMITS.logsRequestBytes, log }));

  const otlpAuth = requireIngestToken({
    tokens: o.ingestTokens,
    onRefused: (c, status, reason) =>
      sendOtlpError(c, status, status === 401 ? 'unauthorized' : 'forbidden', reason, status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}),
  });
  const otlp = { ingest, maxBytes: LIMITS.logsRequestBytes, log };
  app.post('/otlp/v1/logs', otlpAuth, otlpRoute('logs', otlp));
  app.post('/otlp/v1/traces', otlpAuth, otlpRoute('traces', otlp));

  return app;
}
