import { errorMessage, type Logger } from '../log';

/**
 * Whether inserts go straight to ClickHouse, shared by the writer and the replayer. It
 * turns `down` on a failed insert and `up` on the next one that works, and logs each turn
 * once, not every failed attempt, so an outage is two log lines.
 */
export interface StorageState {
  readonly up: boolean;
  /** The last failure, while down. */
  readonly error: string | undefined;
  markUp(): void;
  markDown(err: unknown): void;
}

/** @example const state = createStorageState({ log, up: true }) */
export function createStorageState(options: { log: Logger; up: boolean }): StorageState {
  let up = options.up;
  let error: string | undefined;
  let since = Date.now();
  return {
    get up() {
      return up;
    },
    get error() {
      return error;
    },
    markUp() {
      if (up) return;
      options.log.info('storage is back; replaying the spool', { down_ms: Date.now() - since });
      up = true;
      error = undefined;
      since = Date.now();
    },
    markDown(err) {
      error = errorMessage(err);
      if (!up) return;
      options.log.warn('storage failed; spooling batches to disk until it answers', { reason: error });
      up = false;
      since = Date.now();
    },
  };
}
