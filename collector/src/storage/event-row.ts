import { AnyEvent, Enrichment, type StoredEvent } from '@lifeline/protocol';

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

/** One row of `events` as inserted with `FORMAT JSONEachRow`; times are epoch ms. */
export type EventRow = {
  project: string;
  event_id: string;
  kind: string;
  ts: number;
  received_at: number;
  handled: boolean | null;
} & Record<StringColumn | JsonColumn, string> &
  Record<NumberColumn, number>;

/** Every column, in insert order. */
export const EVENT_COLUMNS = [
  'project', 'event_id', 'kind', 'ts', 'received_at', ...STRING_COLUMNS, ...JSON_COLUMNS,
  ...NUMBER_COLUMNS, 'handled',
] as const;

/**
 * The SELECT list that reads rows back for `eventFromRow`. Times come back as epoch ms
 * under their own aliases: reusing the column name as an alias would change what `ts`
 * means in the WHERE and ORDER BY of the same query.
 */
export const EVENT_SELECT = EVENT_COLUMNS.map((c) =>
  c === 'ts' || c === 'received_at' ? `toUnixTimestamp64Milli(${c}) AS ${c}_ms` : c,
).join(', ');

/** Builds the row for a validated event. */
export function eventToRow(event: StoredEvent): EventRow {
  const src = event as Record<string, unknown>;
  const row = {
    project: event.project,
    event_id: event.event_id,
    kind: event.kind,
    ts: event.ts,
    received_at: event.received_at,
    handled: typeof src.handled === 'boolean' ? src.handled : null,
  } as EventRow;
  for (const c of STRING_COLUMNS) row[c] = typeof src[c] === 'string' ? src[c] : '';
  for (const c of JSON_COLUMNS) row[c] = src[c] === undefined ? '' : JSON.stringify(src[c]);
  for (const c of NUMBER_COLUMNS) row[c] = typeof src[c] === 'number' ? src[c] : 0;
  return row;
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
