import { AnyEvent, Enrichment, type StoredEvent } from '@lifeline/protocol';
import { DEFAULT_CLOCK_GUARD, clockIsOff, type ClockGuard } from './clock-guard';

/**
 * Conversion between the wire shape (`StoredEvent`) and a row of the wide `events` table.
 * Which keys belong to which kind is read from the protocol's schemas, so a field added
 * there only needs its column added here and in the schema.
 */

/** String columns; an absent optional field is stored as ''. */
const STRING_COLUMNS = [
  'session_id', 'anon_id', 'user_id', 'request_id', 'trace_id', 'order_id', 'url', 'release',
  'environment', 'country', 'user_agent', 'referrer', 'title', 'name', 'message', 'error_type',
  'stack', 'fingerprint', 'mechanism', 'rating', 'nav_type', 'target', 'method', 'feature',
  'state', 'from_state', 'reason', 'actor', 'level', 'service',
] as const;

/** Structured fields kept as JSON text; '' means absent (so `{}` survives as `{}`). */
const JSON_COLUMNS = ['props', 'frames'] as const;

/** Numeric fields; all are required by the kinds that have them, so 0 is a real value. */
const NUMBER_COLUMNS = ['value', 'status', 'duration_ms'] as const;

type StringColumn = (typeof STRING_COLUMNS)[number];
type JsonColumn = (typeof JSON_COLUMNS)[number];
type NumberColumn = (typeof NUMBER_COLUMNS)[number];

/**
 * One row of `events` as inserted with `FORMAT JSONEachRow`; times are epoch ms. Only the
 * fields an event has are present: ClickHouse fills an omitted column with its default
 * ('' for strings, 0 for numbers, NULL for `handled` and `client_ts`), which is exactly
 * what an absent field is stored as, and it parses a short row much faster than a full one.
 */
export type EventRow = {
  project: string;
  event_id: string;
  kind: string;
  ts: number;
  received_at: number;
  /** The client's `ts` when the clock guard replaced it (see `clock-guard.ts`). */
  client_ts?: number;
  handled?: boolean;
} & Partial<Record<StringColumn | JsonColumn, string>> &
  Partial<Record<NumberColumn, number>>;

/** Every column, in insert order. */
export const EVENT_COLUMNS = [
  'project', 'event_id', 'kind', 'ts', 'received_at', ...STRING_COLUMNS, ...JSON_COLUMNS,
  ...NUMBER_COLUMNS, 'handled',
] as const;

/** The columns an insert names: the wire keys plus `client_ts` (migration 2). */
export const INSERT_COLUMNS = [...EVENT_COLUMNS, 'client_ts'] as const;

/**
 * The SELECT list that reads rows back for `eventFromRow`. Times come back as epoch ms
 * under their own aliases: reusing the column name as an alias would change what `ts`
 * means in the WHERE and ORDER BY of the same query.
 */
export const EVENT_SELECT = EVENT_COLUMNS.map((c) =>
  c === 'ts' || c === 'received_at' ? `toUnixTimestamp64Milli(${c}) AS ${c}_ms` : c,
).join(', ');

/** How an optional field is written into its column. */
export type ColumnType = 'string' | 'json' | 'number' | 'boolean';

const COLUMN_TYPES = new Map<string, ColumnType>([
  ...STRING_COLUMNS.map((c) => [c, 'string'] as const),
  ...JSON_COLUMNS.map((c) => [c, 'json'] as const),
  ...NUMBER_COLUMNS.map((c) => [c, 'number'] as const),
  ['handled', 'boolean'],
]);

/**
 * A string ClickHouse can take. JavaScript strings may hold lone UTF-16 surrogates (an SDK
 * that cut a message in the middle of an emoji), which JSON encodes as `\ud83d` escapes
 * that ClickHouse refuses, failing the whole insert; they become U+FFFD instead.
 */
export function wellFormed(s: string): string {
  const w = s as string & { isWellFormed(): boolean; toWellFormed(): string };
  return w.isWellFormed() ? s : w.toWellFormed();
}

/**
 * Builds the row for a validated event under the default retention's clock guard; see
 * `rowMapper` for another retention.
 *
 * @example await insertEvents(storage, events.map(eventToRow))
 */
export function eventToRow(event: StoredEvent): EventRow {
  return toRow(event, DEFAULT_CLOCK_GUARD);
}

/**
 * The row builder for a clock guard.
 *
 * @example const toRow = rowMapper(clockGuard(config.retentionDays)); batcher.add(events.map(toRow))
 */
export function rowMapper(guard: ClockGuard): (event: StoredEvent) => EventRow {
  return (event) => toRow(event, guard);
}

/**
 * The row for a validated event: the clock guard applied, optional fields present only
 * when set and non-empty, `props` and `frames` as JSON text.
 */
function toRow(event: StoredEvent, guard: ClockGuard): EventRow {
  const src = event as Record<string, unknown>;
  const row = startRow(event.project, event.event_id, event.kind, event.ts, event.received_at, guard);
  for (const { key, type } of KIND_COLUMNS.get(event.kind) ?? []) {
    const v = src[key];
    if (v !== undefined) fillColumn(row, key, type, v);
  }
  return row;
}

/**
 * A row with the fields every event has, after the clock guard. Shared with the batch
 * route's fast validator so both paths build the same rows; positional arguments because
 * it runs once per row on the ingest path.
 */
export function startRow(project: string, eventId: string, kind: string, ts: number, receivedAt: number, guard: ClockGuard): EventRow {
  const row: EventRow = { project: wellFormed(project), event_id: eventId, kind, ts, received_at: receivedAt };
  if (clockIsOff(ts, receivedAt, guard)) {
    row.client_ts = ts;
    row.ts = receivedAt;
  }
  return row;
}

/**
 * The clock guard applied to `received_at` itself, against the collector's clock `now`.
 * On `POST /v1/batch`, `received_at` is the sender's clock; one that is off by more than
 * the guard allows (a day ahead, the retention behind) would have the TTL drop the
 * acknowledged row at once, or park it beyond every query's range. Such a row is stored
 * as if it arrived now: `received_at = now`, and the event's own `ts` guarded again
 * against that.
 *
 * @example for (const row of rows) guardReceivedAt(row, Date.now(), ingest.guard)
 */
export function guardReceivedAt(row: EventRow, now: number, guard: ClockGuard): void {
  if (!clockIsOff(row.received_at, now, guard)) return;
  const ts = row.client_ts ?? row.ts;
  delete row.client_ts;
  row.received_at = now;
  row.ts = ts;
  if (clockIsOff(ts, now, guard)) {
    row.client_ts = ts;
    row.ts = now;
  }
}

/** Writes one validated optional field into its column ('' is left to the column default). */
export function fillColumn(row: EventRow, key: string, type: ColumnType, value: unknown): void {
  const out = row as Record<string, unknown>;
  if (type === 'string') {
    if (value !== '') out[key] = wellFormed(value as string);
  } else if (type === 'json') out[key] = JSON.stringify(value);
  else out[key] = value;
}

/** How `key` is written, or undefined for the fields every row has and for unknown keys. */
export function columnType(key: string): ColumnType | undefined {
  return COLUMN_TYPES.get(key);
}

interface Field {
  key: string;
  optional: boolean;
}

const fieldsOf = (shape: Record<string, { safeParse(v: unknown): { success: boolean } }>): Field[] =>
  Object.entries(shape).map(([key, schema]) => ({ key, optional: schema.safeParse(undefined).success }));

const ENRICHMENT_FIELDS = fieldsOf(Enrichment.shape);

/** kind → the wire keys an event of that kind has, with whether each is optional. */
const KIND_FIELDS = new Map<string, Field[]>(
  AnyEvent.options.map((o) => [o.shape.kind.value, [...fieldsOf(o.shape), ...ENRICHMENT_FIELDS]]),
);

/** kind → the optional columns its events may fill, and how each is written. */
export const KIND_COLUMNS = new Map<string, { key: string; type: ColumnType }[]>(
  [...KIND_FIELDS].map(([kind, fields]) => [
    kind,
    fields.flatMap(({ key }) => {
      const type = COLUMN_TYPES.get(key);
      return type ? [{ key, type }] : [];
    }),
  ]),
);

/**
 * For a row of a kind this version does not know (written by a newer collector): the keys
 * every kind shares, optional wherever any kind has them optional.
 */
const FALLBACK_FIELDS: Field[] = (() => {
  const all = [...KIND_FIELDS.values()];
  const keys = new Set(all.flat().map((f) => f.key));
  return [...keys]
    .filter((key) => all.every((fields) => fields.some((f) => f.key === key)))
    .map((key) => ({ key, optional: all.some((fields) => fields.some((f) => f.key === key && f.optional)) }));
})();

/**
 * Turns a row read with `EVENT_SELECT` back into the wire shape: only the keys its kind has,
 * empty optional fields left out, JSON fields parsed, times as epoch ms numbers
 * (a ClickHouse server sends 64-bit integers as strings, chDB as numbers).
 */
export function eventFromRow(row: Record<string, unknown>): StoredEvent {
  const kind = String(row.kind);
  const out: Record<string, unknown> = {};
  for (const { key, optional } of KIND_FIELDS.get(kind) ?? FALLBACK_FIELDS) {
    const value = readField(key, row);
    if (value === undefined || value === null || (optional && value === '')) continue;
    out[key] = value;
  }
  return out as StoredEvent;
}

function readField(key: string, row: Record<string, unknown>): unknown {
  if (key === 'ts' || key === 'received_at') return Number(row[`${key}_ms`]);
  if (key === 'kind') return row.kind;
  const raw = row[key];
  if ((JSON_COLUMNS as readonly string[]).includes(key)) {
    return typeof raw === 'string' && raw !== '' ? JSON.parse(raw) : undefined;
  }
  if ((NUMBER_COLUMNS as readonly string[]).includes(key)) return Number(raw);
  return raw;
}
