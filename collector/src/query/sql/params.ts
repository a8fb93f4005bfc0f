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
}

export function createParams(): SqlParams {
  const values: Record<string, unknown> = {};
  let n = 0;
  const add = (type: string, value: unknown) => {
    const name = `p${n++}`;
    values[name] = value;
    return `{${name}:${type}}`;
  };
  return { values, add, time: (ms) => `fromUnixTimestamp64Milli(${add('Int64', Math.trunc(ms))}, 'UTC')` };
}
