/**
 * `LIFELINE_METRICS_TOKEN`: when set, `GET /metrics` requires it as a bearer token.
 *
 * @example readMetricsEnv(process.env) // { token: 'scrape-…' } or {}
 */
export function readMetricsEnv(env: Record<string, string | undefined>): { token?: string } {
  const token = env.LIFELINE_METRICS_TOKEN?.trim();
  return token ? { token } : {};
}
