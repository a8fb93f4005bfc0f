/**
 * Why an insert failed, which decides what happens to its rows:
 *
 * - `rows`: ClickHouse refused the data itself (a value it cannot parse, a constraint it
 *   violates). Retrying the same rows fails the same way, so the batch is split to find
 *   the bad rows, which go to the dead-letter file; the rest is stored.
 * - `storage`: anything else (connection refused, timeout, too many parts, out of memory,
 *   a server restarting). The rows are fine; they wait in the spool and are replayed.
 *
 * When unsure, `storage`: a wrong `storage` verdict only delays rows, a wrong `rows`
 * verdict would dead-letter good ones.
 */
export type InsertFailure = 'rows' | 'storage';

/** ClickHouse error names that blame the inserted data. */
const ROW_ERRORS = new Set([
  'CANNOT_PARSE_TEXT',
  'CANNOT_PARSE_ESCAPE_SEQUENCE',
  'CANNOT_PARSE_QUOTED_STRING',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'CANNOT_PARSE_DATE',
  'CANNOT_PARSE_DATETIME',
  'CANNOT_PARSE_NUMBER',
  'CANNOT_PARSE_UUID',
  'CANNOT_PARSE_BOOL',
  'CANNOT_PARSE_IPV4',
  'CANNOT_PARSE_IPV6',
  'CANNOT_READ_ARRAY_FROM_TEXT',
  'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN',
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'TOO_LARGE_STRING_SIZE',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
  'VIOLATED_CONSTRAINT',
  'ARGUMENT_OUT_OF_BOUND',
  'CANNOT_CONVERT_TYPE',
  'UNKNOWN_FIELD',
]);

/**
 * Classifies an insert error. ClickHouse errors carry a numeric `code` and a `type` name
 * (both from a server and from chDB); they are read by shape because chDB brings its own
 * copy of the client's error class.
 */
export function classifyInsertError(err: unknown): InsertFailure {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' && ROW_ERRORS.has(type) ? 'rows' : 'storage';
}
