import { Hono } from 'hono';

// The ceiling for the status benchmark: the same framework on the same workerd build, run
// by a `wrangler dev` of its own started the same way as the edge's (a second process
// beside it), answering fixed JSON of the same size with no key check, no Durable Object
// and no ETag.
const body = {
  v: 1,
  project: 'demo',
  version: 0,
  flags: { checkout: { state: 'ok' }, payments: { state: 'ok' }, search: { state: 'ok' }, recommendations: { state: 'ok' } },
  updated_at: 1_767_225_600_000,
};

export default new Hono().get('/v1/status', (c) => c.json(body, 200, { 'Cache-Control': 'public, max-age=2' }));
