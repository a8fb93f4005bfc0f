import type { StatusResponse } from '@lifeline/protocol';

/**
 * Whether `next` should replace `current`. The poll and the stream race, so an answer
 * with a lower `version` is stale. A later `updated_at` wins too: an edge whose store was
 * reset starts counting versions again, and its flags must not be ignored for ever.
 */
export function isNewer(next: StatusResponse, current: StatusResponse | undefined): boolean {
  return !current || next.version > current.version || next.updated_at > current.updated_at;
}
