import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` (debounced) when a file changes. The directory is watched rather than
 * the file, because editors and config tools replace a file by renaming a new one over it,
 * which ends a watch on the old file.
 *
 * @example const stop = watchFile('/etc/lifeline/alerts.json', () => void reload())
 */
export function watchFile(path: string, onChange: () => void, debounceMs = 200): () => void {
  const name = basename(path);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
  } catch {
    // A directory that cannot be watched still reloads on SIGHUP and POST /v1/alerts/reload.
    return () => {};
  }
  watcher.on('error', () => watcher.close());
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
