import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV } from '../dev-config';
import { freePort } from './free-port';
import { startService, type Service } from './service';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

export interface StackOptions {
  /** Ports to use; `0` or absent picks a free one (tests), `npm start` passes the defaults. */
  ports?: Partial<Record<'collector' | 'edge' | 'store', number>>;
  /** Where the embedded ClickHouse and the edge's local state live. */
  dataDir: string;
  /** Receives every line the services print, prefixed with the service's name. */
  log?: (line: string) => void;
}

/** The three services, their URLs and the tokens to talk to them. */
export interface Stack {
  urls: { collector: string; edge: string; store: string };
  tokens: { publicKey: string; readToken: string; opsToken: string; adminToken: string; project: string };
  stop(): Promise<void>;
}

/**
 * Starts collector (embedded chDB), edge (wrangler dev, workerd) and demo store, in that
 * order, each only once the one it sends to answers. Used by `npm start` and by the
 * end-to-end tests, so both run exactly the same thing.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => {});
  const port = async (name: 'collector' | 'edge' | 'store') => options.ports?.[name] || (await freePort());
  const ports = { collector: await port('collector'), edge: await port('edge'), store: await port('store') };
  const urls = {
    collector: `http://127.0.0.1:${ports.collector}`,
    edge: `http://127.0.0.1:${ports.edge}`,
    store: `http://127.0.0.1:${ports.store}`,
  };
  const chdbDir = join(options.dataDir, 'chdb');
  const edgeDir = join(options.dataDir, 'edge');
  mkdirSync(chdbDir, { recursive: true });
  mkdirSync(edgeDir, { recursive: true });

  const started: Service[] = [];
  const stop = async () => {
    for (const s of [...started].reverse()) await s.stop();
  };
  try {
    started.push(
      await startService(
        {
          name: 'collector',
          command: bin('tsx'),
          args: ['src/main.ts'],
          cwd: join(root, 'collector'),
          env: {
            LIFELINE_COLLECTOR_PORT: String(ports.collector),
            LIFELINE_COLLECTOR_SECRET: DEV.collectorSecret,
            LIFELINE_READ_TOKENS: `${DEV.project}:${DEV.readToken}`,
            LIFELINE_INGEST_TOKENS: `${DEV.project}:${DEV.ingestToken}`,
            LIFELINE_DATA_DIR: chdbDir,
          },
          healthUrl: `${urls.collector}/health`,
        },
        log,
      ),
    );
    const inspector = await freePort();
    const vars = {
      LIFELINE_KEYS: `${DEV.publicKey}:${DEV.project}`,
      LIFELINE_COLLECTOR_URL: urls.collector,
      LIFELINE_COLLECTOR_SECRET: DEV.collectorSecret,
      LIFELINE_OPS_TOKENS: `${DEV.project}:dev-ops:${DEV.opsToken}`,
    };
    started.push(
      await startService(
        {
          name: 'edge',
          command: bin('wrangler'),
          args: [
            'dev',
            '--ip', '127.0.0.1',
            '--port', String(ports.edge),
            '--inspector-port', String(inspector),
            '--persist-to', edgeDir,
            '--show-interactive-dev-session=false',
            ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
          ],
          cwd: join(root, 'edge'),
          env: {
            CLOUDFLARE_CF_FETCH_ENABLED: 'false',
            WRANGLER_SEND_METRICS: 'false',
            WRANGLER_LOG_PATH: join(edgeDir, 'logs'),
          },
          healthUrl: `${urls.edge}/health`,
        },
        log,
        120_000,
      ),
    );
    started.push(
      await startService(
        {
          name: 'store',
          command: bin('tsx'),
          args: ['src/main.ts'],
          cwd: join(root, 'demo-store'),
          env: {
            PORT: String(ports.store),
            LIFELINE_PUBLIC_KEY: DEV.publicKey,
            LIFELINE_EDGE_URL: urls.edge,
            LIFELINE_COLLECTOR_URL: urls.collector,
            LIFELINE_INGEST_TOKEN: DEV.ingestToken,
            STORE_ADMIN_TOKEN: DEV.adminToken,
            STORE_DATA_DIR: join(options.dataDir, 'store'),
          },
          healthUrl: `${urls.store}/health`,
        },
        log,
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls,
    tokens: { publicKey: DEV.publicKey, readToken: DEV.readToken, opsToken: DEV.opsToken, adminToken: DEV.adminToken, project: DEV.project },
    stop,
  };
}
