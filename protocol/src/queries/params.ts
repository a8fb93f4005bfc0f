import { z } from 'zod';

/**
 * Building blocks of the query API's parameters. Every query is a GET with a query
 * string, so each parameter arrives as one string and is parsed here: times, durations,
 * comma-separated lists and booleans.
 */

/** Limits of the query API. */
export const QUERY_LIMITS = {
  /** Range when `from` is not given: the last 7 days. */
  defaultRangeDays: 7,
  /** Longest range any query may cover (the default retention). */
  maxRangeDays: 400,
  /** Range of a timeline lookup when `from` is not given. */
  timelineDefaultDays: 30,
  /** Longest range anomalies are looked for in (each hour is compared with `weeks` earlier weeks). */
  anomalyMaxRangeDays: 31,
  /** Most funnel steps. */
  maxSteps: 10,
  /** Longest funnel conversion window. */
  maxWindowDays: 90,
  /** Most extra event names counted by metrics and anomalies. */
  maxEvents: 20,
  /** Longest search text or regular expression. */
  maxPattern: 200,
  /** Most baseline weeks for anomalies. */
  maxWeeks: 12,
} as const;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d{1,9})(ms|s|m|h|d|w)$/;
const RELATIVE = /^(?:now)?(?:-(\d{1,9})(ms|s|m|h|d|w))?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Milliseconds of a duration like `90s`, `30m`, `1h`, `7d`, `2w`; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

/**
 * A point in time as epoch ms. Accepts epoch milliseconds (`1767225600000`), an ISO 8601
 * date (`2026-11-14`, midnight UTC) or date-time (`2026-11-14T14:00:00Z`; UTC when no
 * offset is given), or a time relative to `now`: `now`, `now-7d`, `-24h`, `-30m`.
 * Undefined when malformed.
 *
 * @example parseTime('now-7d', Date.now())
 */
export function parseTime(text: string, now: number): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d{1,16}$/.test(s)) return Number(s);
  const rel = RELATIVE.exec(s);
  if (rel) return rel[1] === undefined ? now : now - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS];
  if (ISO_DATE.test(s)) return validDate(Date.parse(`${s}T00:00:00Z`));
  const iso = ISO_DATE_TIME.exec(s);
  if (iso) return validDate(Date.parse(iso[1] ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`));
  return undefined;
}

const validDate = (ms: number) => (Number.isFinite(ms) && ms >= 0 ? ms : undefined);

/** A time parameter, kept as text: relative times resolve against the server's clock. */
export const TimeParam = z
  .string()
  .max(40)
  .refine((s) => parseTime(s, 0) !== undefined, {
    message: 'expected epoch ms, an ISO 8601 date or date-time, or a relative time like now-7d',
  });

/** A duration parameter (`30m`, `1h`, `7d`) between `min` and `max` milliseconds, as ms. */
export const durationParam = (min: number, max: number) =>
  z.string().transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'expected a duration like 30m, 1h or 7d' });
    else if (ms < min || ms > max) ctx.addIssue({ code: 'custom', message: `must be between ${fmt(min)} and ${fmt(max)}` });
    return ms ?? 0;
  });

const fmt = (ms: number) =>
  ms % UNIT_MS.d === 0 ? `${ms / UNIT_MS.d}d` : ms % UNIT_MS.h === 0 ? `${ms / UNIT_MS.h}h` : ms % UNIT_MS.m === 0 ? `${ms / UNIT_MS.m}m` : `${ms}ms`;

/** `true`/`false` (also `1`/`0`, `yes`/`no`) as a boolean. */
export const BoolParam = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A comma-separated list of items, each checked by `item`, with no repeats; 1 to `max` of them. */
export const listParam = <T extends z.ZodType>(item: T, max: number) =>
  z.string().transform((s, ctx) => {
    const items = s.split(',').map((x) => x.trim()).filter((x) => x !== '');
    if (items.length === 0 || items.length > max) {
      ctx.addIssue({ code: 'custom', message: `give 1 to ${max} comma-separated items` });
      return z.NEVER;
    }
    if (new Set(items).size !== items.length) {
      ctx.addIssue({ code: 'custom', message: 'lists an item twice' });
      return z.NEVER;
    }
    const out: z.output<T>[] = [];
    for (const x of items) {
      const r = item.safeParse(x);
      if (!r.success) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(x)}: ${r.error.issues[0]?.message ?? 'invalid'}` });
        return z.NEVER;
      }
      out.push(r.data);
    }
    return out;
  });

/** An integer parameter from `min` to `max`. */
export const intParam = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A number parameter from `min` to `max`. */
export const numberParam = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);

/** An event name as a parameter: what a `track` event's `name` can be. */
export const EventNameParam = z.string().min(1).max(200);

/** A key of a `props` map as a parameter. */
export const PropKeyParam = z.string().regex(/^[A-Za-z0-9_.$-]{1,128}$/, 'property keys are letters, digits, _ . $ and -');

/** Bucket size of a series. */
export const Interval = z.enum(['hour', 'day']);

/** The `from`/`to` every query takes; both optional (see each query for the default). */
export const rangeParams = { from: TimeParam.optional(), to: TimeParam.optional() };

/** The range a query covered, resolved to epoch ms (`to` exclusive). */
export const QueryRange = z.object({ from: z.number(), to: z.number() });

export type Interval = z.infer<typeof Interval>;
export type QueryRange = z.infer<typeof QueryRange>;
