import type { TimelineResponse } from '@lifeline/protocol';

export interface StoredCount {
  /** Acknowledged events found in storage. */
  stored: number;
  /** Acknowledged events not found: must be 0. */
  missing: number;
  /** Rows returned more than once for one `event_id`: must be 0. */
  duplicated: number;
}

/**
 * Reads every session's timeline from the collector and counts the acknowledged events in
 * it. Sessions are read a few at a time; each holds at most a few thousand events (the
 * load generator starts a new one before), under the timeline's limit of 10 000.
 *
 * @example await countStored({ collectorUrl, readToken, sessions, acked })
 */
export async function countStored(options: { collectorUrl: string; readToken: string; sessions: Iterable<string>; acked: ReadonlySet<string> }): Promise<StoredCount> {
  const seen = new Map<string, number>();
  const queue = [...options.sessions];
  const worker = async () => {
    for (let session = queue.pop(); session !== undefined; session = queue.pop()) {
      const res = await fetch(`${options.collectorUrl}/v1/timeline?session_id=${encodeURIComponent(session)}&limit=10000`, {
        headers: { Authorization: `Bearer ${options.readToken}` },
      });
      if (!res.ok) throw new Error(`timeline for ${session}: ${res.status} ${await res.text()}`);
      for (const e of ((await res.json()) as TimelineResponse).events) seen.set(e.event_id!, (seen.get(e.event_id!) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  let stored = 0;
  let duplicated = 0;
  for (const id of options.acked) {
    const n = seen.get(id) ?? 0;
    if (n > 0) stored++;
    if (n > 1) duplicated += n - 1;
  }
  return { stored, missing: options.acked.size - stored, duplicated };
}
