import type { Flag, FlagHistoryEntry, StoredEvent } from '@lifeline/protocol';
import { HISTORY_KEPT } from './limits';

/** What a Durable Object holds in memory and rebuilds from storage on start. */
export interface FlagState {
  /** Set by the first request; the object's own name is not readable from inside it. */
  project: string | undefined;
  version: number;
  updatedAt: number;
  flags: Map<string, Flag>;
}

/** One change, written whole or not at all. */
export interface Commit {
  version: number;
  updatedAt: number;
  feature: string;
  flag: Flag;
  entry: FlagHistoryEntry;
  /** The `flag` event for the collector, kept until it is acknowledged. */
  event: StoredEvent & { event_id: string };
}

/** A flag event waiting for the collector's acknowledgement. */
export interface Pending {
  eventId: string;
  event: StoredEvent;
  attempts: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS flags (feature TEXT PRIMARY KEY, flag TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS outbox (
    event_id TEXT PRIMARY KEY, event TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL
  );
`;

/**
 * A project's flags in the Durable Object's SQLite storage: current flags, version,
 * the audit history (last `HISTORY_KEPT` entries) and the outbox of flag events not yet
 * acknowledged by the collector. A change touches all four in one transaction, so a
 * crash cannot leave a flip without its audit entry or its event.
 *
 * @example const store = createFlagStore(ctx.storage); const state = store.load();
 */
export function createFlagStore(storage: DurableObjectStorage) {
  const sql = storage.sql;
  sql.exec(SCHEMA);

  const getMeta = (k: string): string | undefined => sql.exec<{ v: string }>('SELECT v FROM meta WHERE k = ?', k).toArray()[0]?.v;
  const setMeta = (k: string, v: string | number) => sql.exec('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)', k, String(v));

  return {
    load(now: number): FlagState {
      if (getMeta('created_at') === undefined) setMeta('created_at', now);
      const flags = new Map<string, Flag>();
      for (const row of sql.exec<{ feature: string; flag: string }>('SELECT feature, flag FROM flags ORDER BY feature')) {
        flags.set(row.feature, JSON.parse(row.flag) as Flag);
      }
      return {
        project: getMeta('project'),
        version: Number(getMeta('version') ?? 0),
        updatedAt: Number(getMeta('updated_at') ?? getMeta('created_at')),
        flags,
      };
    },

    setProject(project: string): void {
      setMeta('project', project);
    },

    commit(change: Commit, nextAt: number): void {
      storage.transactionSync(() => {
        sql.exec('INSERT OR REPLACE INTO flags (feature, flag) VALUES (?, ?)', change.feature, JSON.stringify(change.flag));
        setMeta('version', change.version);
        setMeta('updated_at', change.updatedAt);
        sql.exec('INSERT INTO history (entry) VALUES (?)', JSON.stringify(change.entry));
        sql.exec('DELETE FROM history WHERE seq <= (SELECT MAX(seq) FROM history) - ?', HISTORY_KEPT);
        sql.exec('INSERT INTO outbox (event_id, event, next_at) VALUES (?, ?, ?)', change.event.event_id, JSON.stringify(change.event), nextAt);
      });
    },

    /** Newest first. */
    history(limit: number): FlagHistoryEntry[] {
      return sql
        .exec<{ entry: string }>('SELECT entry FROM history ORDER BY seq DESC LIMIT ?', limit)
        .toArray()
        .map((row) => JSON.parse(row.entry) as FlagHistoryEntry);
    },

    /** Pending events due at `now`, oldest first. */
    due(now: number, limit: number): Pending[] {
      return sql
        .exec<{ event_id: string; event: string; attempts: number }>(
          'SELECT event_id, event, attempts FROM outbox WHERE next_at <= ? ORDER BY rowid LIMIT ?',
          now,
          limit,
        )
        .toArray()
        .map((row) => ({ eventId: row.event_id, event: JSON.parse(row.event) as StoredEvent, attempts: row.attempts }));
    },

    acknowledge(ids: readonly string[]): void {
      storage.transactionSync(() => {
        for (const id of ids) sql.exec('DELETE FROM outbox WHERE event_id = ?', id);
      });
    },

    /** Claims events for a delivery: counts the attempt and holds them until `until`. */
    lease(ids: readonly string[], until: number): void {
      storage.transactionSync(() => {
        for (const id of ids) sql.exec('UPDATE outbox SET attempts = attempts + 1, next_at = ? WHERE event_id = ?', until, id);
      });
    },

    /**
     * After a failed delivery: the failed events, and every other pending event (some may
     * have been queued while the delivery was in flight), wait until `at`, since the
     * collector is away for all of them.
     */
    retryAt(ids: readonly string[], at: number): void {
      storage.transactionSync(() => {
        for (const id of ids) sql.exec('UPDATE outbox SET next_at = ? WHERE event_id = ?', at, id);
        sql.exec('UPDATE outbox SET next_at = ? WHERE next_at < ?', at, at);
      });
    },

    /** When the next pending event is due, or `undefined` when none waits. */
    nextDue(): number | undefined {
      const row = sql.exec<{ at: number | null }>('SELECT MIN(next_at) AS at FROM outbox').toArray()[0];
      return row?.at ?? undefined;
    },

    pendingCount(): number {
      return sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox').one().n;
    },
  };
}

export type FlagStore = ReturnType<typeof createFlagStore>;
