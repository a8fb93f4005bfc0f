import type { CallTracker } from './createCallTracker.js';

interface Opened {
  method: string;
  url: string | URL;
  /** Headers the caller set, by lower-case name. */
  headers: Record<string, string>;
}

/**
 * Wraps `XMLHttpRequest.prototype.open`, `setRequestHeader` and `send`. Each wrapper
 * records what it needs and then calls the original with the caller's `this` and
 * arguments, so sync and async requests, exceptions and events are the browser's own.
 * Request-ID headers are set in `send`, only where the caller did not set them
 * (`setRequestHeader` appends, so setting one twice would combine the values).
 */
export function instrumentXhr(tracker: CallTracker): void {
  const proto = globalThis.XMLHttpRequest?.prototype;
  if (!proto) return;
  const { open, send, setRequestHeader } = proto;
  const opened = new WeakMap<XMLHttpRequest, Opened>();

  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL) {
    try {
      opened.set(this, { method, url, headers: {} });
    } catch {
      // Not an XMLHttpRequest: the original call below throws the browser's error.
    }
    // `arguments` as they came: open(method, url) is async, open(method, url, undefined) is sync.
    return open.apply(this, arguments as unknown as Parameters<XMLHttpRequest['open']>);
  };

  proto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    const o = opened.get(this);
    if (o) o.headers[String(name).toLowerCase()] = String(value);
    return setRequestHeader.call(this, name, value);
  };

  proto.send = function (this: XMLHttpRequest) {
    try {
      const o = opened.get(this);
      // Once per open: a second send throws in the original, and must not be recorded twice.
      opened.delete(this);
      const call = o && tracker.start(o.method, o.url);
      if (call) {
        // Hooks see it start (a breaker times it), though an XMLHttpRequest cannot be answered for.
        tracker.answer(call);
        if (call.own) tracker.addHeaders(call, { get: (n) => o.headers[n], set: (n, v) => setRequestHeader.call(this, n, v) });
        let reason: 'network' | 'timeout' | 'abort' | undefined;
        for (const type of ['error', 'timeout', 'abort', 'loadend'] as const) {
          this.addEventListener(type, () =>
            type == 'loadend' ? tracker.end(call, this.status, reason) : (reason = type == 'error' ? 'network' : type),
          );
        }
      }
    } catch {
      // The request goes out as the caller made it.
    }
    return send.apply(this, arguments as unknown as Parameters<XMLHttpRequest['send']>);
  };
}
