import { QUERY_LIMITS, parseTime, type QueryRange } from '@lifeline/protocol';

/** A parameter that is well-formed but not acceptable (a range ending before it starts…). */
export class QueryParamError extends Error {
  override name = 'QueryParamError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const DAY = 86_400_000;

/**
 * Times a range may reach: from the epoch (nothing is stored earlier) to the end of 2299,
 * the last year ClickHouse's DateTime64 holds. Past them, times break the queries' SQL
 * parameters (beyond ±2^53) and date arithmetic instead of being refused.
 */
const EARLIEST = 0;
const LATEST = Date.UTC(2300, 0, 1) - 1;
const outside = (t: number) => t < EARLIEST || t > LATEST;

export interface RangeOptions {
  now: number;
  /** Length when `from` is absent. @default QUERY_LIMITS.defaultRangeDays */
  defaultDays?: number;
  /** Longest allowed. @default QUERY_LIMITS.maxRangeDays */
  maxDays?: number;
}

/**
 * Resolves `from`/`to` (already checked for syntax by the protocol schema) to epoch ms:
 * `to` defaults to now, `from` to `defaultDays` before `to`.
 *
 * @example resolveRange({ from: 'now-24h' }, { now: Date.now() }) // { from: now − 24 h, to: now }
 * @throws QueryParamError when a time is before 1970 or after 2299, `from` is not before `to`, or the range is too long.
 */
export function resolveRange(q: { from?: string | undefined; to?: string | undefined }, o: RangeOptions): QueryRange {
  const maxDays = o.maxDays ?? QUERY_LIMITS.maxRangeDays;
  const to = q.to === undefined ? o.now : parseTime(q.to, o.now);
  if (to === undefined) throw new QueryParamError('to', 'not a time');
  if (outside(to)) throw new QueryParamError('to', 'must be between 1970 and 2299');
  const from = q.from === undefined ? Math.max(EARLIEST, to - (o.defaultDays ?? QUERY_LIMITS.defaultRangeDays) * DAY) : parseTime(q.from, o.now);
  if (from === undefined) throw new QueryParamError('from', 'not a time');
  if (outside(from)) throw new QueryParamError('from', 'must be between 1970 and 2299');
  if (from >= to) throw new QueryParamError('from', 'must be before to');
  if (to - from > maxDays * DAY) throw new QueryParamError('from', `the range may cover at most ${maxDays} days`);
  return { from, to };
}
