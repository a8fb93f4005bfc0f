import { Hono } from 'hono';
import type { AppEnv, Bindings } from './env';
import { methodNotAllowed, notFound, onError } from './errors';
import { withConfig } from './middleware/config';
import { corsFromConfig } from './middleware/cors';
import { consumeBatches } from './queue/consumer';
import { ingest } from './routes/events';
import { health } from './routes/health';
import { status } from './routes/status';

/**
 * The Lifeline edge: takes SDK batches (`POST /v1/events`), serves feature flags
 * (`GET /v1/status`), and forwards batches to the collector directly or through a queue.
 */
export const app = new Hono<AppEnv>();

app.get('/health', health());

app.use('/v1/*', withConfig());
app.use('/v1/events', corsFromConfig());
app.use('/v1/status', corsFromConfig());

app.post('/v1/events', ingest());
app.get('/v1/status', status());
app.on(['GET', 'PUT', 'PATCH', 'DELETE'], '/v1/events', methodNotAllowed(['POST', 'OPTIONS']));
app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/v1/status', methodNotAllowed(['GET', 'OPTIONS']));

app.notFound(notFound);
app.onError(onError);

export default {
  fetch: app.fetch,
  queue: consumeBatches,
} satisfies ExportedHandler<Bindings, unknown>;
