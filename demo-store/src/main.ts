import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createStore } from './server';
import { DEV } from './dev-config';
import { openShop } from './shop/shop';
import { createFaultSwitch } from './shop/faults';
import { createSimulatedGateway } from './payments/gateway';
import { createBreaker } from './payments/breaker';
import { createPayments } from './payments/payments';
import { createLogger } from './logging/logger';
import { createShipper, type Shipper } from './logging/shipper';

const env = process.env;
const root = fileURLToPath(new URL('../../', import.meta.url));
const port = Number(env.PORT ?? DEV.ports.store);
const host = env.HOST ?? '127.0.0.1';
const release = env.LIFELINE_RELEASE ?? 'demo@dev';

// Backend logs go to the collector when it is configured; the store works without it.
const shipper: Shipper | null = env.LIFELINE_COLLECTOR_URL
  ? createShipper({ url: env.LIFELINE_COLLECTOR_URL, token: env.LIFELINE_INGEST_TOKEN ?? DEV.ingestToken })
  : null;
const log = createLogger({ service: 'store', release, sink: (r) => shipper?.push(r) });
const faults = createFaultSwitch();
const shop = openShop(env.STORE_DATA_DIR ?? join(root, '.data', 'store'), faults);
const payments = createPayments({
  primary: createSimulatedGateway({ name: 'stripe-sim', latency: [40, 120], fault: () => faults.get().primary }),
  fallback: createSimulatedGateway({ name: 'adyen-sim', latency: [80, 200], fault: () => faults.get().fallback }),
  breaker: createBreaker({ failures: 3, windowMs: 30_000, cooldownMs: 10_000 }),
});

const app = createStore({
  site: {
    publicKey: env.LIFELINE_PUBLIC_KEY ?? DEV.publicKey,
    edgeUrl: env.LIFELINE_EDGE_URL ?? `http://127.0.0.1:${DEV.ports.edge}`,
    release,
  },
  shop,
  payments,
  faults,
  log,
  adminToken: env.STORE_ADMIN_TOKEN ?? DEV.adminToken,
});

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(`store listening on http://${host}:${info.port}`);
});
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close(async () => {
    await shipper?.close();
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
