/**
 * The insert buffer. ClickHouse wants few, large inserts (each insert makes a part on
 * disk), while batches arrive as many small requests. The Batcher groups the rows of many
 * requests into one write and settles each request only when the write carrying its rows
 * has finished, so an acknowledgement always means "stored".
 */

export interface BatcherOptions<T> {
  /**
   * Writes one group of rows. Resolving means the rows are durable; rejecting fails every
   * request whose rows were in the group. This is the seam for a disk spool: wrap `write`
   * so a failed insert is spooled (and resolves) instead.
   */
  write: (rows: T[]) => Promise<void>;
  /** Write as soon as this many rows wait. @default 10_000 */
  maxRows?: number;
  /** Write once the oldest waiting rows are this old (ms). @default 200 */
  maxWaitMs?: number;
  /**
   * Refuse a request that would take the rows waiting or being written past this; a
   * request reaching an empty buffer is always taken. @default 10 × maxRows
   */
  maxBufferedRows?: number;
}

export interface Batcher<T> {
  /**
   * Queues rows; resolves once a write containing all of them succeeded, rejects with the
   * write's error otherwise. A request's rows always go into one write together.
   */
  add(rows: readonly T[]): Promise<void>;
  /** Writes everything waiting now and resolves when nothing is waiting or being written. */
  flush(): Promise<void>;
  /** Refuses new rows, then flushes. */
  close(): Promise<void>;
  /** Rows waiting or being written. */
  readonly buffered: number;
}

/** `add` refused because the buffer is full: ClickHouse is slower than the incoming rows. */
export class BatcherFullError extends Error {
  override name = 'BatcherFullError';
}

/** `add` refused because the collector is shutting down. */
export class BatcherClosedError extends Error {
  override name = 'BatcherClosedError';
}

interface Pending<T> {
  rows: readonly T[];
  at: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Creates an insert buffer. One write runs at a time; rows that arrive meanwhile wait and
 * go out together in the next write.
 *
 * @example
 * const batcher = createBatcher({ write: (rows) => insertEvents(storage, rows), maxRows: 10_000, maxWaitMs: 200 })
 * await batcher.add(rows) // resolves once inserted
 */
export function createBatcher<T>(options: BatcherOptions<T>): Batcher<T> {
  const maxRows = Math.max(1, options.maxRows ?? 10_000);
  const maxWaitMs = Math.max(0, options.maxWaitMs ?? 200);
  const maxBufferedRows = Math.max(maxRows, options.maxBufferedRows ?? maxRows * 10);

  const queue: Pending<T>[] = [];
  let queuedRows = 0;
  let writingRows = 0;
  let writing: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let forced = 0;
  let closed = false;

  const due = () =>
    queue.length > 0 && (forced > 0 || queuedRows >= maxRows || Date.now() - queue[0]!.at >= maxWaitMs);

  function schedule() {
    if (timer !== undefined || writing || queue.length === 0) return;
    const wait = Math.max(0, queue[0]!.at + maxWaitMs - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      kick();
    }, wait);
  }

  function kick() {
    if (writing) return;
    if (!due()) return schedule();
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    writing = drain().finally(() => {
      writing = null;
      schedule();
    });
  }

  async function drain() {
    while (due()) {
      // Whole requests only, up to maxRows (a single larger request still goes alone).
      const group: Pending<T>[] = [];
      let rows = 0;
      while (queue.length > 0 && (group.length === 0 || rows + queue[0]!.rows.length <= maxRows)) {
        const p = queue.shift()!;
        group.push(p);
        rows += p.rows.length;
      }
      queuedRows -= rows;
      writingRows = rows;
      try {
        await options.write(group.flatMap((p) => p.rows));
        for (const p of group) p.resolve();
      } catch (err) {
        for (const p of group) p.reject(err);
      } finally {
        writingRows = 0;
      }
    }
  }

  async function flush() {
    forced++;
    try {
      while (queue.length > 0 || writing) {
        kick();
        await writing;
      }
    } finally {
      forced--;
    }
  }

  return {
    add(rows) {
      if (closed) return Promise.reject(new BatcherClosedError('the collector is shutting down'));
      if (rows.length === 0) return Promise.resolve();
      const buffered = queuedRows + writingRows;
      // An empty buffer always takes a request, however large, so progress is guaranteed.
      if (buffered > 0 && buffered + rows.length > maxBufferedRows) {
        return Promise.reject(new BatcherFullError(`insert buffer full (${maxBufferedRows} rows)`));
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ rows, at: Date.now(), resolve, reject });
        queuedRows += rows.length;
        kick();
      });
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
    get buffered() {
      return queuedRows + writingRows;
    },
  };
}
