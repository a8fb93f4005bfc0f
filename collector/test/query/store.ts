import type { StoredEvent } from '@lifeline/protocol';
import { createQueryService, type QueryService } from '../../src/query/service';
import { eventToRow } from '../../src/storage/event-row';
import { insertEvents } from '../../src/storage/insert-events';
import { migrate } from '../../src/storage/migrate';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { makeEvent, tempDir } from '../helpers';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/**
 * "Now" for query tests: the start of the current UTC hour, so crafted data lines up with
 * hours and days while staying inside the table's retention.
 */
export const NOW = Math.floor(Date.now() / HOUR) * HOUR;

export interface TestStore {
  storage: Storage;
  queries: QueryService;
  insert(events: StoredEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** A fresh migrated chDB store in a temp directory, with the query service at `NOW`. */
export async function openTestStore(): Promise<TestStore> {
  const dir = tempDir();
  const storage = await openStorage({ kind: 'chdb', path: dir.path, database: 'lifeline' });
  await migrate(storage, { retentionDays: 400 });
  return {
    storage,
    queries: createQueryService(storage, { now: () => NOW }),
    async insert(events) {
      for (let i = 0; i < events.length; i += 20_000) await insertEvents(storage, events.slice(i, i + 20_000).map(eventToRow));
    },
    async close() {
      await storage.close();
      dir.remove();
    },
  };
}

/** A stored event at `ts` (received 100 ms later). */
export const at = (ts: number, kind: Parameters<typeof makeEvent>[0], extra: Record<string, unknown> = {}): StoredEvent =>
  makeEvent(kind, { ts, received_at: ts + 100, ...extra });

export const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36';
export const SAFARI_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1';
export const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:143.0) Gecko/20100101 Firefox/143.0';
