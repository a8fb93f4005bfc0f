import type { Storage } from '../../storage/open-storage';
import type { SqlParams } from './params';

/**
 * Runs a SELECT and returns its rows. Numbers may come back as strings (a ClickHouse
 * server quotes 64-bit integers, chDB does not), so callers read them with `Number()`.
 *
 * @example const rows = await selectRows<{ n: string }>(storage, 'SELECT count() AS n FROM …', params)
 */
export async function selectRows<T = Record<string, unknown>>(storage: Storage, query: string, params?: SqlParams): Promise<T[]> {
  const rs = await storage.client.query({ query, query_params: params?.values ?? {}, format: 'JSONEachRow' });
  return rs.json<T>();
}
