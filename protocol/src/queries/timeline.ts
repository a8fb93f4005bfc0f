import { z } from 'zod';
import { LIMITS } from '../limits';
import { TimelineResponse } from '../timeline';
import { BoolParam, durationParam, intParam, rangeParams } from './params';

/** What a timeline can be looked up by; `auto` guesses from the ID's shape and what is stored. */
export const TIMELINE_BY = ['auto', 'request', 'session', 'user', 'order', 'trace', 'email'] as const;

/**
 * The `identify` trait a lookup by email matches: the lowercase hex SHA-256 of the email
 * as `normalizeEmail` gives it, sent by the store with `identify(userId, { email_sha256 })`.
 * Lifeline never receives or keeps the address itself.
 */
export const EMAIL_HASH_TRAIT = 'email_sha256';

/** The `track` event the SDK's `identify(userId, traits)` records, its traits as props. */
export const IDENTIFY_EVENT = 'identify';

/** Most users one email leads to (the most recently identified first). */
export const MAX_EMAIL_USERS = 20;

/**
 * An email as it is hashed for `EMAIL_HASH_TRAIT`: without surrounding white space, in
 * lower case, so `' Ada@Example.COM'` and `'ada@example.com'` find the same user.
 *
 * @example normalizeEmail(' Ada@Example.COM ') // 'ada@example.com'
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const EmailAddress = z.email();

/** Whether `text` is an email address once normalized (`normalizeEmail`). */
export const isEmailAddress = (text: string): boolean => EmailAddress.safeParse(normalizeEmail(text)).success;

/** Why an event is in a related timeline. */
export const TIMELINE_VIA = ['match', 'request', 'session', 'flag'] as const;

/**
 * `GET /v1/query/timeline` (read token): one request, session, user, order or trace with
 * what surrounds it, oldest first, each event once.
 *
 * - `id` (required), `by` (default `auto`: a 32-hex ID is a trace; otherwise the first of
 *   request, session, order, user, trace that has events; an email address that none has
 *   is looked up as an email).
 * - `by=email`: `id` is an email address (checked; trimmed and lower-cased before it is
 *   hashed); the users whose `identify` carried its hash (`EMAIL_HASH_TRAIT`), at most
 *   `MAX_EMAIL_USERS`, are looked up as by `user`, together.
 * - `related` (default true) widens the lookup: the backend logs of every request found;
 *   for a request or trace, the browser events of its sessions within `around` (default
 *   5m) of it; for an order, user or email, their whole sessions; and the project's flag
 *   changes in that time.
 * - `from`/`to`: default the last 30 days. `limit`: default 1000, at most 10000.
 *
 * The answer is a `TimelineResponse` plus how the lookup was resolved, so a client of
 * `GET /v1/timeline` reads it unchanged.
 */
export const QueryTimelineQuery = z
  .strictObject({
    id: z.string().min(1).max(LIMITS.id),
    by: z.enum(TIMELINE_BY).default('auto'),
    related: BoolParam.default(true),
    around: durationParam(0, 86_400_000).default(300_000),
    ...rangeParams,
    limit: intParam(1, 10_000).default(1000),
  })
  .refine((q) => q.by !== 'email' || isEmailAddress(q.id), { message: 'expected an email address, like ada@example.com', path: ['id'] });

export const QueryTimelineResponse = TimelineResponse.extend({
  by: z.enum(TIMELINE_BY).exclude(['auto']),
  id: z.string(),
  from: z.number(),
  to: z.number(),
  /** For `by=email`: the users the email's hash was identified with, the most recent first. */
  user_ids: z.array(z.string()).optional(),
  /** Sessions and requests the timeline covers. */
  sessions: z.array(z.string()),
  request_ids: z.array(z.string()),
  /** event_id → why it is included (`match`: it carries the ID itself). */
  via: z.record(z.string(), z.enum(TIMELINE_VIA)),
  /** More events than `limit`; the oldest `limit` are shown. */
  truncated: z.boolean(),
});

export type TimelineBy = (typeof TIMELINE_BY)[number];
export type TimelineVia = (typeof TIMELINE_VIA)[number];
export type QueryTimelineQuery = z.infer<typeof QueryTimelineQuery>;
export type QueryTimelineResponse = z.infer<typeof QueryTimelineResponse>;

