import { ConfigError } from '../config';

/** Alerting's settings from the environment. */
export interface AlertingEnv {
  /** `LIFELINE_ALERTS_FILE`: the JSON rules file; without it no rule is evaluated. */
  rulesFile?: string;
  /** `LIFELINE_DASHBOARD_URL`: the dashboard's public address, for links in notifications. */
  dashboardUrl?: string;
  /** `LIFELINE_ADMIN_TOKEN`: allows `POST /v1/alerts/reload` and `/v1/alerts/dead-letter/replay`. */
  adminToken?: string;
}

/**
 * @example readAlertingEnv(process.env)
 * @throws ConfigError for a malformed `LIFELINE_DASHBOARD_URL`
 */
export function readAlertingEnv(env: Record<string, string | undefined>): AlertingEnv {
  const get = (name: string) => env[name]?.trim() || undefined;
  const out: AlertingEnv = {};
  const rulesFile = get('LIFELINE_ALERTS_FILE');
  const dashboardUrl = get('LIFELINE_DASHBOARD_URL');
  const adminToken = get('LIFELINE_ADMIN_TOKEN');
  if (dashboardUrl !== undefined && !/^https?:\/\//.test(dashboardUrl)) throw new ConfigError('LIFELINE_DASHBOARD_URL must start with http:// or https://');
  if (rulesFile) out.rulesFile = rulesFile;
  if (dashboardUrl) out.dashboardUrl = dashboardUrl;
  if (adminToken) out.adminToken = adminToken;
  return out;
}
