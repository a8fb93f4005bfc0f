import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A keyed set of records kept in memory and persisted to one JSON file. */
export interface Collection<T extends { id: string }> {
  get(id: string): T | undefined;
  all(): T[];
  find(pred: (item: T) => boolean): T | undefined;
  /** Resolves once the whole collection is durably on disk. */
  put(item: T): Promise<void>;
  delete(id: string): Promise<void>;
}

/**
 * Opens (or creates) a collection stored in `file`. Every change rewrites the file
 * atomically (write a temporary file, fsync, rename), so a crash leaves either the old
 * or the new contents, never half of one; writes are serialized so they never interleave.
 * The demo's data is small (hundreds of orders), so a whole-file rewrite is cheap.
 */
export function openCollection<T extends { id: string }>(file: string): Collection<T> {
  mkdirSync(dirname(file), { recursive: true });
  const items = new Map<string, T>();
  try {
    for (const item of JSON.parse(readFileSync(file, 'utf8')) as T[]) items.set(item.id, item);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let queue: Promise<void> = Promise.resolve();

  const persist = () => {
    const snapshot = JSON.stringify([...items.values()]);
    const run = queue.then(async () => {
      const tmp = `${file}.tmp`;
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(snapshot);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    });
    queue = run.catch(() => {});
    return run;
  };

  return {
    get: (id) => items.get(id),
    all: () => [...items.values()],
    find: (pred) => {
      for (const item of items.values()) if (pred(item)) return item;
      return undefined;
    },
    put(item) {
      items.set(item.id, item);
      return persist();
    },
    delete(id) {
      items.delete(id);
      return persist();
    },
  };
}
