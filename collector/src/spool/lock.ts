import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The spool directory is used by another live process. */
export class SpoolLockedError extends Error {
  override name = 'SpoolLockedError';
}

/**
 * Takes the spool directory for this process: two collectors appending to and replaying
 * one spool would replay each other's records out of order and delete each other's
 * segments. A lock left by a process that died (SIGKILL) names a dead PID and is taken over.
 *
 * @returns a function that releases the lock
 */
export function lockDirectory(dir: string): () => void {
  const path = join(dir, 'spool.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new SpoolLockedError(`spool directory ${dir} is in use by another process (PID ${owner}); give each collector its own LIFELINE_SPOOL_DIR`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new SpoolLockedError(`cannot lock spool directory ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
