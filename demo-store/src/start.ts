import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV } from './dev-config';
import { startStack } from './stack/stack';
import { seedOnce } from './traffic/seed';

/**
 * `npm start`: collector, edge and store on the embedded store, on the default ports
 * (override with LIFELINE_COLLECTOR_PORT, LIFELINE_EDGE_PORT, PORT), data under `.data/`.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = process.env.LIFELINE_DATA_DIR ?? join(root, '.data');
const verbose = process.env.LIFELINE_VERBOSE === '1';

const stack = await startStack({
  dataDir,
  ports: {
    collector: Number(process.env.LIFELINE_COLLECTOR_PORT ?? DEV.ports.collector),
    edge: Number(process.env.LIFELINE_EDGE_PORT ?? DEV.ports.edge),
    store: Number(process.env.PORT ?? DEV.ports.store),
  },
  log: (line) => {
    if (verbose || /error|warn|fail/i.test(line)) console.log(line);
  },
}).catch((err: unknown) => {
  console.error(`Lifeline could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

// First start: 30 days of history, so dashboards and anomaly baselines have something to show.
const seeded = await seedOnce(dataDir, {
  project: stack.tokens.project,
  collectorUrl: stack.urls.collector,
  collectorSecret: DEV.collectorSecret,
  origin: stack.urls.store,
  now: Date.now(),
  days: Number(process.env.LIFELINE_SEED_DAYS ?? 30),
  sessionsPerDay: Number(process.env.LIFELINE_SEED_SESSIONS ?? 1500),
  progress: (n) => process.stdout.write(`\rseeding 30 days of store history… ${n} events`),
}).catch((err: unknown) => {
  console.error(`\nseeding history failed (the services keep running): ${err instanceof Error ? err.message : String(err)}`);
  return null;
});
if (seeded !== null) console.log(`\rseeded ${seeded} events of store history.            `);

console.log(`
Lifeline is running (data in ${dataDir})

  store      ${stack.urls.store}
  edge       ${stack.urls.edge}      public key: ${stack.tokens.publicKey}
  collector  ${stack.urls.collector}      read token: ${stack.tokens.readToken}
  dashboard  ${stack.urls.collector}/dashboard/   (sign in with the read token)

  ops token (flags): ${stack.tokens.opsToken}      store admin token (faults): ${stack.tokens.adminToken}

Find a session's events:
  curl -H 'Authorization: Bearer ${stack.tokens.readToken}' '${stack.urls.collector}/v1/timeline?session_id=<id>'

Flip a feature flag:
  LIFELINE_OPS_TOKEN=${stack.tokens.opsToken} LIFELINE_EDGE_URL=${stack.urls.edge} npx lifeline flags set checkout down -m "Back soon"

Ctrl-C stops all three.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await stack.stop();
  console.log('stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
