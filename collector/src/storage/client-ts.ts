import { alterEventColumns } from './events-ddl';
import type { SchemaContext } from './schema';

/**
 * Migration 2: `client_ts`, the event's own `ts` when the clock guard replaced it.
 *
 * A browser whose clock is years off would put rows into odd partitions, or have them
 * dropped at once by the TTL; the collector stores such events at `received_at` instead
 * (see `clock-guard.ts`) and keeps what the client said here, NULL otherwise. It is
 * epoch milliseconds rather than a DateTime64 because the client's value may lie outside
 * the range a DateTime64 can hold.
 */
export const clientTsStatements = (ctx: SchemaContext): string[] =>
  alterEventColumns(
    ctx,
    "ADD COLUMN IF NOT EXISTS client_ts Nullable(Int64) COMMENT 'the client clock ts (epoch ms) when it was off by more than a day ahead or the retention behind; NULL when ts is the client''s own'",
  );
