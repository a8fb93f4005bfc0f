import { Hono } from 'hono';

// The ceiling for the status benchmark: the same framework in the same workerd behind the
// same `wrangler dev`, answering fixed JSON of the same size with no key check, no Durable
// Object and no ETag.
const body = {
  v: 1,
  project: 'demo',
  version: 0,
  flags: { checkout: { state: 'ok' }, payments: { state: 'ok' }, search: { state: 'ok' }, recommendations: { state: 'ok' } },
  updated_at: 1_767_225_600_000,
};

export default new Hono().get('/v1/status', (c) => c.json(body, 200, { 'Cache-Control': 'public, max-age=2' }));
