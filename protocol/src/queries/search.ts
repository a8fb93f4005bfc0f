import { z } from 'zod';
import { EVENT_KINDS } from '../limits';
import { StoredEvent } from '../events';
import { QUERY_LIMITS, QueryRange, intParam, listParam, rangeParams } from './params';

/** The text fields search looks in. */
export const SEARCH_FIELDS = ['message', 'url', 'stack'] as const;

/**
 * `GET /v1/query/search` (read token): events whose message, URL or stack matches,
 * newest first.
 *
 * - `q`: a substring, matched case-insensitively; or
 * - `re`: an RE2 regular expression (case-sensitive unless it starts with `(?i)`;
 *   no backreferences or lookaround). Give exactly one of `q` and `re`, at most 200 characters.
 * - `fields`: comma-separated subset of `SEARCH_FIELDS` (default all).
 * - `kinds`: comma-separated event kinds (default all).
 * - `from`/`to`: default the last 7 days. `limit`: default 100, at most 1000.
 */
export const SearchQuery = z
  .strictObject({
    q: z.string().min(1).max(QUERY_LIMITS.maxPattern).optional(),
    re: z.string().min(1).max(QUERY_LIMITS.maxPattern).optional(),
    fields: listParam(z.enum(SEARCH_FIELDS), SEARCH_FIELDS.length).optional(),
    kinds: listParam(z.enum(EVENT_KINDS), EVENT_KINDS.length).optional(),
    ...rangeParams,
    limit: intParam(1, 1000).default(100),
  })
  .refine((s) => (s.q === undefined) !== (s.re === undefined), { message: 'give exactly one of q and re', path: ['q'] });

export const SearchResponse = QueryRange.extend({
  project: z.string(),
  events: z.array(StoredEvent),
  /** More events matched than `limit`. */
  truncated: z.boolean(),
});

export type SearchField = (typeof SEARCH_FIELDS)[number];
export type SearchQuery = z.infer<typeof SearchQuery>;
export type SearchResponse = z.infer<typeof SearchResponse>;
