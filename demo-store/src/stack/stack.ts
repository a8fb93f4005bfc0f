import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV } from '../dev-config';
import { freePort } from './free-port';
import { startService, type Service, type ServiceSpec } from './service';

/** The services of a stack, in start order. */
export type ServiceName = 'collector' | 'edge' | 'store';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

export interface StackOptions {
  /** Ports to use; `0` or absent picks a free one (tests), `npm start` passes the defaults. */
  ports?: Partial<Record<'collector' | 'edge' | 'store', number>>;
  /** Where the embedded ClickHouse and the edge's local state live. */
  dataDir: string;
  /** Receives every line the services print, prefixed with the service's name. */
  log?: (line: string) => void;
  /** Extra `--var NAME:VALUE`s for the edge (rate limits for a load run, say). */
  edgeVars?: Record<string, string>;
}

/** The three services, their URLs and the tokens to talk to them. */
export interface Stack {
  urls: { collector: string; edge: string; store: string };
  tokens: { publicKey: string; readToken: string; opsToken: string; adminToken: string; project: string };
  /** The running process of each service (its process group), for fault tests and memory figures. */
  pids(): Partial<Record<ServiceName, number>>;
  /** Stops one service and leaves the others running, as a crash or a deploy would. */
  stopService(name: ServiceName): Promise<void>;
  /** Starts a stopped service again: same port, same data directory, same settings. */
  startService(name: ServiceName): Promise<void>;
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

  const inspector = await freePort();
  const vars = {
    LIFELINE_KEYS: `${DEV.publicKey}:${DEV.project}`,
    LIFELINE_COLLECTOR_URL: urls.collector,
    LIFELINE_COLLECTOR_SECRET: DEV.collectorSecret,
    LIFELINE_OPS_TOKENS: `${DEV.project}:dev-ops:${DEV.opsToken}`,
    ...options.edgeVars,
  };
  const specs: Record<ServiceName, ServiceSpec & { timeoutMs?: number }> = {
    collector: {
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
    edge: {
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
      timeoutMs: 120_000,
    },
    store: {
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
  };

  const running = new Map<ServiceName, Service>();
  const startOne = async (name: ServiceName) => {
    if (running.has(name)) return;
    const { timeoutMs, ...spec } = specs[name];
    running.set(name, await startService(spec, log, timeoutMs));
  };
  const stopOne = async (name: ServiceName) => {
    const service = running.get(name);
    running.delete(name);
    await service?.stop();
  };
  const stop = async () => {
    for (const name of ['store', 'edge', 'collector'] as const) await stopOne(name);
  };
  try {
    for (const name of ['collector', 'edge', 'store'] as const) await startOne(name);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls,
    tokens: { publicKey: DEV.publicKey, readToken: DEV.readToken, opsToken: DEV.opsToken, adminToken: DEV.adminToken, project: DEV.project },
    pids: () => Object.fromEntries([...running].map(([name, service]) => [name, service.child.pid])),
    stopService: stopOne,
    startService: startOne,
    stop,
  };
}
