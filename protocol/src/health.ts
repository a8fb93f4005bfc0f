import { z } from 'zod';

/**
 * The collector's `GET /ready`: whether it takes batches now, whether storage answers, and
 * how much waits in its disk spool. Status 200 when `accepting`, 503 otherwise.
 */
export const ReadyResponse = z.object({
  /** New batches would be taken (stored, or spooled while storage is away). */
  accepting: z.boolean(),
  /** Why batches would be refused, when `accepting` is false. */
  reason: z.string().optional(),
  storage: z.object({
    /** Storage answered a ping just now (checked at most once a second). */
    reachable: z.boolean(),
    /** Migrations are applied; until then every batch goes to the spool. */
    schema_ready: z.boolean(),
    error: z.string().optional(),
  }),
  spool: z.object({
    /** Bytes of spooled records not yet replayed into storage. */
    bytes: z.number().int().nonnegative(),
    records: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
    max_bytes: z.number().int().nonnegative(),
    /** When the oldest waiting record was spooled (epoch ms). */
    oldest_at: z.number().int().nonnegative().optional(),
    /** Rows storage refused as malformed, kept in the dead-letter file since start. */
    dead_letters: z.number().int().nonnegative(),
  }),
  buffer: z.object({
    rows: z.number().int().nonnegative(),
    max_rows: z.number().int().nonnegative(),
  }),
});

export type ReadyResponse = z.infer<typeof ReadyResponse>;
