import { AnyEvent, CollectorBatch, Enrichment, PROTOCOL_VERSION } from '@lifeline/protocol';
import type { ClockGuard } from '../../storage/clock-guard';
import { columnType, fillColumn, startRow, type ColumnType, type EventRow } from '../../storage/event-row';
import { INVALID, compile, compileShape, type Compiled } from './compile-schema';

/**
 * The fast path of `POST /v1/batch`: checks an edge batch against the protocol's schemas,
 * compiled once into plain functions, and builds its rows in the same pass. It answers
 * only "valid, and these are the rows zod's output would give" or `null` ("ask zod"), so
 * the guarantees stay exactly those of `CollectorBatch`: a batch it cannot vouch for (a
 * bad one, or one using a shape it does not compile) goes through zod, which accepts or
 * explains. Equivalence with zod is tested with generated batches (test/fast-batch.test.ts).
 */

interface KindField {
  key: string;
  optional: boolean;
  parse: Compiled;
  /** How it is stored, or undefined for the fields `startRow` takes. */
  column: ColumnType | undefined;
}

/** Fields every row is started from; `kind` is known from the lookup itself. */
const START_FIELDS = new Set(['project', 'event_id', 'ts', 'received_at', 'kind']);

/** kind → its fields (the kind's shape plus the enrichment), or absent when it cannot be compiled. */
const KINDS: ReadonlyMap<string, { fields: KindField[]; start: Record<string, Compiled> }> = (() => {
  const kinds = new Map<string, { fields: KindField[]; start: Record<string, Compiled> }>();
  const enrichment = compileShape(Enrichment.shape as never);
  if (!enrichment) return kinds;
  for (const option of AnyEvent.options) {
    const shape = compileShape(option.shape as never);
    if (!shape) continue;
    const all = [...shape, ...enrichment];
    const start = Object.fromEntries(all.filter((f) => START_FIELDS.has(f.key)).map((f) => [f.key, f.parse]));
    // Every fixed field must be present and required, or this kind is left to zod.
    if (['project', 'event_id', 'ts', 'received_at'].some((k) => !start[k] || all.find((f) => f.key === k)!.optional)) continue;
    const fields = all
      .filter((f) => !START_FIELDS.has(f.key))
      .map((f) => ({ ...f, column: columnType(f.key) }));
    // A field without a column would be dropped silently: leave such a kind to zod.
    if (fields.some((f) => f.column === undefined)) continue;
    kinds.set(option.shape.kind.value, { fields, start });
  }
  return kinds;
})();

const batchId = compile(CollectorBatch.shape.batch_id);
const eventsBounds = (() => {
  const checks = (CollectorBatch.shape.events as unknown as { _zod: { def: { checks?: { _zod: { def: Record<string, unknown> } }[] } } })._zod.def.checks ?? [];
  let min = 0;
  let max = Infinity;
  for (const { _zod } of checks) {
    if (_zod.def.check === 'min_length') min = Number(_zod.def.minimum);
    else if (_zod.def.check === 'max_length') max = Number(_zod.def.maximum);
  }
  return { min, max };
})();

/** Kinds the fast path handles (all of the vocabulary unless the protocol grows a shape it cannot compile). */
export const FAST_KINDS: readonly string[] = [...KINDS.keys()];

export interface FastBatch {
  batch_id: string;
  rows: EventRow[];
}

/**
 * Checks a parsed `POST /v1/batch` body and builds its rows, or returns null to leave the
 * body to zod.
 *
 * @example const fast = parseBatchFast(JSON.parse(body), guard) ?? slowPath(body)
 */
export function parseBatchFast(value: unknown, guard: ClockGuard): FastBatch | null {
  if (!batchId || typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const body = value as Record<string, unknown>;
  if (body.v !== PROTOCOL_VERSION || batchId(body.batch_id) === INVALID) return null;
  const events = body.events;
  if (!Array.isArray(events) || events.length < eventsBounds.min || events.length > eventsBounds.max) return null;

  const rows = new Array<EventRow>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Record<string, unknown>;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) return null;
    const kind = KINDS.get(e.kind as string);
    if (!kind) return null;
    const { start } = kind;
    if (
      start.project!(e.project) === INVALID ||
      start.event_id!(e.event_id) === INVALID ||
      start.ts!(e.ts) === INVALID ||
      start.received_at!(e.received_at) === INVALID
    ) {
      return null;
    }
    const row = startRow(e.project as string, e.event_id as string, e.kind as string, e.ts as number, e.received_at as number, guard);
    for (const f of kind.fields) {
      const v = e[f.key];
      if (v === undefined) {
        if (f.optional) continue;
        return null;
      }
      const out = f.parse(v);
      if (out === INVALID) return null;
      fillColumn(row, f.key, f.column!, out);
    }
    rows[i] = row;
  }
  return { batch_id: body.batch_id as string, rows };
}
