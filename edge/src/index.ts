import { Hono } from 'hono';
import type { AppEnv, Bindings } from './env';
import { methodNotAllowed, notFound, onError } from './errors';
import { withConfig } from './middleware/config';
import { corsFromConfig } from './middleware/cors';
import { opsAuth } from './middleware/opsAuth';
import { rateLimitClients } from './middleware/rateLimitClients';
import { consumeBatches } from './queue/consumer';
import { ingest } from './routes/events';
import { clearFlag } from './routes/flags/clearFlag';
import { flagHistory } from './routes/flags/flagHistory';
import { flagStream } from './routes/flags/flagStream';
import { listFlags } from './routes/flags/listFlags';
import { setFlag } from './routes/flags/setFlag';
import { health } from './routes/health';
import { status } from './routes/status';
import { statusStream } from './routes/statusStream';

export { FlagsObject } from './flags/object';

/**
 * The Lifeline edge: takes SDK batches (`POST /v1/events`), serves feature flags to pages
 * (`GET /v1/status`, `GET /v1/status/stream`), lets ops change them (`/v1/flags`, ops
 * token, no CORS), and forwards batches and flag changes to the collector directly or
 * through a queue.
 */
export const app = new Hono<AppEnv>();

app.get('/health', health());

app.use('/v1/*', withConfig());
app.use('/v1/events', corsFromConfig());
// `If-None-Match` is allowed for pages that revalidate by hand; a browser's own
// revalidation from its cache needs no preflight.
app.use('/v1/status', corsFromConfig({ allowHeaders: ['Content-Type', 'If-None-Match'] }));
app.use('/v1/status/stream', corsFromConfig({ allowMethods: ['GET', 'OPTIONS'] }));
// After CORS, so a 429 carries the headers the SDK needs to read its Retry-After. Status
// polls and streams share a budget of their own; a page's event posts have another.
app.use('/v1/events', rateLimitClients());
app.use('/v1/status/*', rateLimitClients());
// Hono's `/v1/flags/*` also matches `/v1/flags` itself.
app.use('/v1/flags/*', opsAuth());

app.post('/v1/events', ingest());
app.get('/v1/status', status());
app.get('/v1/status/stream', statusStream());
app.get('/v1/flags', listFlags());
app.get('/v1/flags/history', flagHistory());
app.get('/v1/flags/stream', flagStream());
// Before the `:feature` routes, so `history` and `stream` can never be taken as feature names.
app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/v1/flags/history', methodNotAllowed(['GET']));
app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/v1/flags/stream', methodNotAllowed(['GET']));
app.put('/v1/flags/:feature', setFlag());
app.delete('/v1/flags/:feature', clearFlag());

app.on(['GET', 'PUT', 'PATCH', 'DELETE'], '/v1/events', methodNotAllowed(['POST', 'OPTIONS']));
app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/v1/status', methodNotAllowed(['GET', 'OPTIONS']));
app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/v1/status/stream', methodNotAllowed(['GET', 'OPTIONS']));
app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/v1/flags', methodNotAllowed(['GET']));
app.on(['GET', 'POST', 'PATCH'], '/v1/flags/:feature', methodNotAllowed(['PUT', 'DELETE']));

app.notFound(notFound);
app.onError(onError);

export default {
  fetch: app.fetch,
  queue: consumeBatches,
} satisfies ExportedHandler<Bindings, unknown>;
