import type { Handler, Hono } from 'hono';
import { AnomaliesQuery } from '@lifeline/protocol';
import { ConfigError, type CollectorConfig } from '../config';
import type { ReadAuthEnv } from '../http/bearer-auth';
import { createDashboardRoutes } from '../dashboard/routes';
import { readDashboardEnv } from '../dashboard/env';
import type { Logger } from '../log';
import { readMetricsEnv } from '../metrics/env';
import { createMetricsRoute } from '../metrics/route';
import type { QueryService } from '../query/service';
import type { Storage } from '../storage/open-storage';
import { createAlerting, type Alerting } from './create-alerting';
import { readAlertingEnv } from './env';
import { createAlertRoutes } from './routes';

export interface ObservabilityDeps {
  config: CollectorConfig;
  storage: Storage;
  /** The query API; anomaly rules call its anomaly query. */
  queries: QueryService;
  /** `LIFELINE_ALERTS_FILE`, `LIFELINE_ADMIN_TOKEN`, `LIFELINE_DASHBOARD_URL`, `LIFELINE_EDGE_URL`, `LIFELINE_PUBLIC_KEY`, `LIFELINE_METRICS_TOKEN`. */
  env: Record<string, string | undefined>;
  log: Logger;
  /** Whether storage is migrated. @default always */
  ready?: () => boolean;
}

/** What the collector mounts: alerting (to start and stop), its routes and `/metrics`. */
export interface Observability {
  alerting: Alerting;
  /** The dashboard's page and API, and the alerting API; mount each at `/`. */
  routes: Hono<ReadAuthEnv>[];
  /** `GET /metrics`. */
  metrics: Handler;
}

/**
 * Builds the dashboard, alerting and metrics parts from the collector's configuration and
 * the environment, so wiring them is a few lines in `collector.ts` and `app.ts`.
 *
 * @example const o = await createObservability({ config, storage, queries, env: process.env, log })
 * @throws ConfigError for malformed settings, an admin or metrics token that reuses another
 *   credential, or an invalid rules file
 */
export async function createObservability(deps: ObservabilityDeps): Promise<Observability> {
  const { config, storage, env, log } = deps;
  const alertingEnv = readAlertingEnv(env);
  const dashboardEnv = readDashboardEnv(env);
  const metricsEnv = readMetricsEnv(env);
  // One token, one power, as `loadConfig` holds ingest tokens to: a read token must not also
  // act on every project, nor a scraper's token read data or act as admin.
  const taken = new Set([config.collectorSecret, ...config.readTokens.keys(), ...config.ingestTokens.keys()]);
  if (alertingEnv.adminToken !== undefined && taken.has(alertingEnv.adminToken)) {
    throw new ConfigError('LIFELINE_ADMIN_TOKEN must not reuse the collector secret, a read token or an ingest token');
  }
  if (metricsEnv.token !== undefined && (taken.has(metricsEnv.token) || metricsEnv.token === alertingEnv.adminToken)) {
    throw new ConfigError('LIFELINE_METRICS_TOKEN must not reuse the collector secret, a read, ingest or admin token');
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const alerting = await createAlerting({
    storage,
    projects: new Set(config.readTokens.values()),
    rulesFile: alertingEnv.rulesFile,
    dashboardUrl: alertingEnv.dashboardUrl ?? `http://${host}:${config.port}/dashboard/`,
    anomalies: (project, raw) => deps.queries.anomalies(project, AnomaliesQuery.parse(raw)),
    log,
    ...(deps.ready ? { ready: deps.ready } : {}),
  });
  return {
    alerting,
    routes: [
      createDashboardRoutes({ storage, readTokens: config.readTokens, ...dashboardEnv }),
      createAlertRoutes({ alerting, readTokens: config.readTokens, adminToken: alertingEnv.adminToken }),
    ],
    metrics: createMetricsRoute(metricsEnv),
  };
}
