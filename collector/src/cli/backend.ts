import { ErrorResponse } from '@lifeline/protocol';
import { errorMessage } from '../log';
import { QUERY_SCHEMAS, runQuery, type QueryName } from '../query/queries';
import { QueryParamError } from '../query/range';
import { createQueryService } from '../query/service';
import { appliedVersions } from '../storage/migrate';
import { openStorage, StorageError, type Storage } from '../storage/open-storage';
import { selectRows } from '../query/sql/run';

/** Where queries run: a collector over HTTP, or the embedded store opened by this process. */
export interface QueryBackend {
  run(name: QueryName, params: Record<string, string>): Promise<unknown>;
  close(): Promise<void>;
}

/** A failure to report as it is (exit code 1). */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * Queries a running collector: `GET <url>/v1/query/<name>?<params>` with the read token.
 *
 * @example const backend = httpBackend({ url: 'http://127.0.0.1:4000', token: 'rt_demo' })
 */
export function httpBackend(o: { url: string; token: string }): QueryBackend {
  const base = o.url.replace(/\/+$/, '');
  return {
    async run(name, params) {
      const url = `${base}/v1/query/${name}?${new URLSearchParams(params)}`;
      let res: Response;
      try {
        res = await fetch(url, { headers: { authorization: `Bearer ${o.token}` }, signal: AbortSignal.timeout(120_000) });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        throw new CliError(`cannot reach the collector at ${base}: ${cause ?? errorMessage(err)}`);
      }
      const text = await res.text();
      if (res.ok) return JSON.parse(text);
      const body = ErrorResponse.safeParse(safeJson(text));
      const reason = body.success ? body.data.reason : text.slice(0, 300);
      if (res.status === 401 || res.status === 403) {
        throw new CliError(`the collector refused the read token (${res.status}): ${reason}; set LIFELINE_READ_TOKEN or --token`);
      }
      throw new CliError(`the collector answered ${res.status}: ${reason}`);
    },
    close: async () => {},
  };
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Queries the embedded store directly, opening its chDB data directory. Only one process
 * may hold a directory: when a collector runs on it, this says so and points to `--url`.
 * The store is read as it is: an older schema is reported rather than migrated, since
 * migrating (and applying a retention) is the collector's job.
 */
export async function embeddedBackend(o: { dataDir: string; database: string; project?: string }): Promise<QueryBackend> {
  let storage: Storage;
  try {
    storage = await openStorage({ kind: 'chdb', path: o.dataDir, database: o.database });
  } catch (err) {
    if (err instanceof StorageError && /in use by another process/.test(err.message)) {
      throw new CliError(`${err.message}. A collector is running on it: query that one with --url (LIFELINE_COLLECTOR_URL) and a read token instead.`);
    }
    throw new CliError(errorMessage(err));
  }
  try {
    const project = await checkStore(storage, o);
    const service = createQueryService(storage);
    return {
      async run(name, params) {
        try {
          return await runQuery(service, name, project, QUERY_SCHEMAS[name].parse(params));
        } catch (err) {
          if (err instanceof QueryParamError) throw new CliError(err.message);
          throw err;
        }
      },
      close: () => storage.close(),
    };
  } catch (err) {
    await storage.close().catch(() => {});
    throw err;
  }
}

/**
 * The migrations the queries read from: the events table and the hourly roll-up. Others
 * (lookup indexes, alerting's tables) only make things faster or serve other parts.
 */
const QUERY_MIGRATIONS = [1, 11];

/** The store is Lifeline's, has what the queries read, and holds the project asked for (or exactly one). */
async function checkStore(storage: Storage, o: { dataDir: string; project?: string }): Promise<string> {
  let versions: Set<number>;
  try {
    versions = await appliedVersions(storage);
  } catch {
    throw new CliError(`no Lifeline store in ${o.dataDir} (database ${storage.database})`);
  }
  const missing = QUERY_MIGRATIONS.filter((v) => !versions.has(v));
  if (missing.length > 0) {
    throw new CliError(`the store in ${o.dataDir} lacks schema migrations ${missing.join(', ')}; start the collector on it once to bring it up to date`);
  }
  if (o.project) return o.project;
  const rows = await selectRows<{ project: string }>(storage, `SELECT DISTINCT project FROM ${storage.database}.events_hourly ORDER BY project LIMIT 20`);
  if (rows.length === 1) return rows[0]!.project;
  if (rows.length === 0) throw new CliError(`the store in ${o.dataDir} holds no events yet; give --project to query it anyway`);
  throw new CliError(`the store holds several projects (${rows.map((r) => r.project).join(', ')}); pick one with --project`);
}
