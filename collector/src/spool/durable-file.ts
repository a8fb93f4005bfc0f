import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Makes a directory's entries durable (a file just created, renamed or deleted in it):
 * fsync on the file alone does not persist its name.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Replaces a small file atomically: written beside it, synced, renamed over it, and the
 * rename synced, so a crash leaves either the old content or the new, never a mix.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}
