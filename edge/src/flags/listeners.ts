import { sseComment } from './sse';

export interface ListenersOptions {
  /** Interval of the `: ping` comment while any stream is open. */
  heartbeatMs: number;
  /** Writes a stream may have waiting for its reader before it is dropped. */
  maxBacklog: number;
}

const PING = sseComment('ping');

type Writer = WritableStreamDefaultWriter<ArrayBuffer | ArrayBufferView>;

/**
 * The open status streams of one project: each is the readable end of a stream whose
 * writer is kept here. `send` writes to all of them without waiting on any; a stream
 * whose write fails (the page went away) or that has `maxBacklog` writes not yet taken by
 * its reader is dropped. A heartbeat runs only while streams are open.
 *
 * @example const listeners = createListeners({ heartbeatMs: 15_000, maxBacklog: 16 })
 */
export function createListeners(options: ListenersOptions) {
  const writers = new Set<Writer>();
  const pending = new Map<Writer, number>();
  let timer: ReturnType<typeof setInterval> | undefined;

  function drop(writer: Writer): void {
    if (!writers.delete(writer)) return;
    pending.delete(writer);
    writer.abort().catch(() => {});
    if (writers.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  // A write to workerd's identity stream settles only once the reader has taken the bytes,
  // so the writes still pending are the backlog (the writer's desiredSize does not show it).
  function write(writer: Writer, chunk: Uint8Array): void {
    const waiting = pending.get(writer) ?? 0;
    if (waiting >= options.maxBacklog) return drop(writer);
    pending.set(writer, waiting + 1);
    writer.write(chunk).then(
      () => pending.set(writer, (pending.get(writer) ?? 1) - 1),
      () => drop(writer),
    );
  }

  function send(chunk: Uint8Array): void {
    for (const writer of writers) write(writer, chunk);
  }

  return {
    /** A new stream that starts with `first`. */
    open(first: Uint8Array): ReadableStream<Uint8Array> {
      // workerd's native byte stream, not a JS TransformStream: when the page goes away,
      // a write to it fails (within a ping or two, as the bytes work their way through the
      // hops), while a JS TransformStream handed over RPC kept accepting writes forever.
      const { readable, writable } = new IdentityTransformStream();
      const writer = writable.getWriter();
      writers.add(writer);
      writer.closed.catch(() => drop(writer));
      write(writer, first);
      timer ??= setInterval(() => send(PING), options.heartbeatMs);
      return readable;
    },
    send,
    /** Writes the heartbeat now; the timer calls this every `heartbeatMs`. */
    ping(): void {
      send(PING);
    },
    get size(): number {
      return writers.size;
    },
  };
}

export type Listeners = ReturnType<typeof createListeners>;
