import { ConfigError } from '../config';
import type { EdgeStatusSource } from './flags';

/**
 * The edge the dashboard reads live flags from: `LIFELINE_EDGE_URL` and
 * `LIFELINE_PUBLIC_KEY`, both or neither.
 *
 * @example readDashboardEnv({ LIFELINE_EDGE_URL: 'http://127.0.0.1:8787', LIFELINE_PUBLIC_KEY: 'pk_demo' })
 * @throws ConfigError when only one is set or the URL is not http(s)
 */
export function readDashboardEnv(env: Record<string, string | undefined>): { edge?: EdgeStatusSource } {
  const url = env.LIFELINE_EDGE_URL?.trim();
  const publicKey = env.LIFELINE_PUBLIC_KEY?.trim();
  if (!url && !publicKey) return {};
  if (!url || !publicKey) throw new ConfigError('set both LIFELINE_EDGE_URL and LIFELINE_PUBLIC_KEY for live flags on the dashboard, or neither');
  if (!/^https?:\/\//.test(url)) throw new ConfigError('LIFELINE_EDGE_URL must start with http:// or https://');
  return { edge: { url, publicKey } };
}
