import type { BrowserEvent } from '@lifeline/protocol';
import { parseJson } from '../lib/parseJson.js';
import { storageGet, storageSet } from '../lib/storage.js';
import { STORAGE_KEYS } from '../lib/storageKeys.js';
import { toQueued, type QueuedEvent } from './toQueued.js';

/** Unsent events kept in localStorage until a later page (or the `online` event) delivers them. */
export interface Store {
  /** The stored events, oldest first. */
  load(): QueuedEvent[];
  /**
   * Adds `add` to what is stored (replacing events with the same event_id) and removes
   * `remove`, keeping the newest within the bounds. Returns how many events are now
   * stored and how many were left out for lack of room.
   */
  save(add: QueuedEvent[], remove?: QueuedEvent[]): [stored: number, leftOut: number];
  clear(): void;
}

export interface StoreOptions {
  /** @default 200 */
  maxEvents?: number;
  /** Bytes of event JSON; localStorage is about 5 MB per origin, shared with the store's own data. @default 100000 */
  maxBytes?: number;
}

/**
 * A bounded event store in localStorage (`lifeline:queue`), shared by the store's tabs:
 * each tab adds what it could not send and removes only what it delivered, so one tab
 * never erases another's events. Two tabs may both send an event loaded from storage;
 * storage de-duplicates by event_id downstream.
 */
export function createStore({ maxEvents = 200, maxBytes = 100_000 }: StoreOptions = {}): Store {
  const key = STORAGE_KEYS.queue;
  const load = (): QueuedEvent[] => {
    const events = parseJson<BrowserEvent[]>(storageGet(key));
    return Array.isArray(events) ? events.map(toQueued) : [];
  };
  return {
    load,
    save(add, remove = []) {
      const skip = new Set(add.concat(remove).map((e) => e.id));
      const all = load()
        .filter((e) => !skip.has(e.id))
        .concat(add);
      let bytes = all.reduce((n, e) => n + e.bytes + 1, 1);
      let cut = 0;
      while (all.length - cut > maxEvents || bytes > maxBytes) bytes -= all[cut++]!.bytes + 1;
      const kept = all.slice(cut);
      // A refused write (quota) leaves nothing stored: count all of it as left out.
      return storageSet(key, kept.length ? `[${kept.map((e) => e.json)}]` : undefined) ? [kept.length, cut] : [0, all.length];
    },
    clear: () => void storageSet(key),
  };
}
