import { serve } from '@hono/node-server';
import { createStore } from './server';
import { DEV } from './dev-config';

const port = Number(process.env.PORT ?? DEV.ports.store);
const host = process.env.HOST ?? '127.0.0.1';
const app = createStore({
  publicKey: process.env.LIFELINE_PUBLIC_KEY ?? DEV.publicKey,
  edgeUrl: process.env.LIFELINE_EDGE_URL ?? `http://127.0.0.1:${DEV.ports.edge}`,
  release: process.env.LIFELINE_RELEASE ?? 'demo@dev',
});

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(`store listening on http://${host}:${info.port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
