import type { DeadLetterFile } from '../spool/dead-letter';
import type { Spool } from '../spool/spool';
import type { EventRow } from '../storage/event-row';
import { errorMessage, type Logger } from '../log';
import { createBackoff } from './backoff';
import { insertIsolating } from './insert-isolating';
import type { StorageState } from './storage-state';

/** Longest `stop` waits for an insert in flight, so shutdown stays within its budget. */
const STOP_WAIT_MS = 2000;

export interface ReplayerOptions {
  spool: Spool;
  /** One insert into ClickHouse (with its timeout). */
  insert: (rows: EventRow[]) => Promise<void>;
  deadLetters: DeadLetterFile;
  state: StorageState;
  log: Logger;
  /** Rows per replayed insert. */
  maxRows: number;
  /** False until migrations are applied; nothing is replayed before. */
  ready: () => boolean;
}

export interface Replayer {
  /** Records were spooled (or storage became ready): replay them, unless waiting out a backoff. */
  wake(): void;
  /** Resolves once the spool is empty and the replayer waits for work. */
  idle(): Promise<void>;
  /**
   * Stops: waits up to `STOP_WAIT_MS` for the step in progress, which then leaves the
   * cursor where it was (its rows are replayed again at the next start).
   */
  stop(): Promise<void>;
}

/**
 * The background replayer: writes spooled records into ClickHouse in order, oldest first,
 * and moves the spool's cursor only after the insert succeeded. While storage fails it
 * retries with exponential backoff (250 ms up to 30 s), the retry being the probe. A
 * replay may repeat rows already stored (a crash between insert and cursor, a storage
 * failure half-way through a split): storage de-duplicates by event_id, and an identical
 * block is dropped at insert. Damaged records and rows refused as malformed go to the
 * dead-letter file, so one bad row never blocks the spool.
 *
 * @example const replayer = startReplayer({ spool, insert, deadLetters, state, log, maxRows: 50_000, ready: () => true })
 */
export function startReplayer(o: ReplayerOptions): Replayer {
  // At most 5 s between tries: a try is one small insert, and while storage is away every
  // new batch goes to the spool (or is refused once it is full), so noticing its return
  // late costs more than trying often.
  const backoff = createBackoff({ maxMs: 5_000 });
  let stopped = false;
  let woken = false;
  let wakeUp: (() => void) | null = null;
  let idleWaiters: (() => void)[] = [];

  const waitForWork = () =>
    new Promise<void>((resolve) => {
      if (o.spool.empty) {
        for (const w of idleWaiters) w();
        idleWaiters = [];
      }
      if (woken || stopped) return resolve();
      wakeUp = resolve;
    });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        stopSleeping = null;
        resolve();
      }, ms);
      stopSleeping = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  let stopSleeping: (() => void) | null = null;

  async function step(): Promise<'idle' | 'done' | 'failed'> {
    if (!o.ready() || o.spool.empty) return 'idle';
    const batch = await o.spool.read(o.maxRows);
    if (!batch) return 'idle';
    if (batch.corrupt.length > 0) {
      await o.deadLetters.add(batch.corrupt.map((c) => ({ reason: c.reason, record: c.raw.toString('utf8') })));
      o.log.error('spool records failed their checks; moved to the dead-letter file', { records: batch.corrupt.length, file: o.deadLetters.path });
    }
    const r = await insertIsolating(batch.rows, o.insert);
    if (r.refused.length > 0) {
      await o.deadLetters.add(r.refused);
      o.log.error('storage refused spooled rows as malformed; moved to the dead-letter file', { rows: r.refused.length, reason: r.refused[0]!.reason.slice(0, 200) });
    }
    if (r.unwritten.length > 0) {
      o.state.markDown(r.error);
      return 'failed';
    }
    // Stopping: leave the cursor; the next start replays this step again (harmlessly).
    if (stopped) return 'idle';
    await o.spool.commit(batch);
    o.state.markUp();
    return 'done';
  }

  const running = (async () => {
    while (!stopped) {
      let outcome: 'idle' | 'done' | 'failed';
      try {
        outcome = await step();
      } catch (err) {
        // A disk error reading the spool or writing the cursor: try again later.
        o.log.error('spool replay failed', { reason: errorMessage(err) });
        outcome = 'failed';
      }
      if (outcome === 'done') backoff.reset();
      else if (outcome === 'failed') await sleep(backoff.next());
      else {
        await waitForWork();
        woken = false;
        wakeUp = null;
      }
    }
    for (const w of idleWaiters) w();
  })();

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    idle() {
      if (stopped || (o.spool.empty && wakeUp !== null)) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      stopSleeping?.();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([running, new Promise((r) => (timer = setTimeout(r, STOP_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}
