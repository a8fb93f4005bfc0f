/**
 * Collects the values of one statement as ClickHouse query parameters. Every value a
 * caller sends goes through here and reaches the engine as `{pN:Type}`, never as SQL text.
 */
export interface SqlParams {
  /** Parameter values by name, for `query_params`. */
  readonly values: Record<string, unknown>;
  /** Adds a value and returns its placeholder. @example p.add('String', 'purchase') // '{p0:String}' */
  add(type: string, value: unknown): string;
  /** A time in epoch ms as a `DateTime64(3, 'UTC')` expression. */
  time(ms: number): string;
  /**
   * `ts` in [from, to) on the events table, with the days spelled out too: the sorting key
   * is (project, toDate(ts), kind, ts, …), and ClickHouse narrows to one kind's rows within
   * a day (binary search on the key) only when `toDate(ts)` is bounded in the condition
   * itself; from the `ts` bounds alone it reads every kind of those days.
   */
  tsRange(from: number, to: number): string;
}

export function createParams(): SqlParams {
  const values: Record<string, unknown> = {};
  let n = 0;
  const add = (type: string, value: unknown) => {
    const name = `p${n++}`;
    values[name] = value;
    return `{${name}:${type}}`;
  };
  const time = (ms: number) => `fromUnixTimestamp64Milli(${add('Int64', Math.trunc(ms))}, 'UTC')`;
  const day = (ms: number) => add('Date', new Date(Math.max(0, ms)).toISOString().slice(0, 10));
  return {
    values,
    add,
    time,
    tsRange: (from, to) => `(ts >= ${time(from)} AND ts < ${time(to)} AND toDate(ts) BETWEEN ${day(from)} AND ${day(to - 1)})`,
  };
}
