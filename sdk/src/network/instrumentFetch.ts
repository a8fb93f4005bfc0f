import type { Call, CallTracker } from './createCallTracker.js';

type FetchArgs = [input: RequestInfo | URL, init?: RequestInit];

/**
 * How a fetch that rejected ended, by the error's name: `AbortSignal.timeout()` rejects
 * with a "TimeoutError" DOMException, `abort()` with an "AbortError" one (and
 * `abort(reason)` with the reason itself, so the signal is checked too).
 */
const FAILURES: Record<string, 'timeout' | 'abort'> = { TimeoutError: 'timeout', AbortError: 'abort' };

/**
 * Wraps `window.fetch`. The wrapper passes the caller's own arguments and `this` to the
 * original, changing only the headers of calls that get request IDs: those are built
 * as the browser would (init headers if given, else the Request's own) plus ours, and
 * passed as `init.headers`, so bodies, streams, signals and every other option are the
 * caller's. Anything unexpected while preparing a call falls back to calling the
 * original untouched, so errors are the browser's own.
 */
export function instrumentFetch(tracker: CallTracker): void {
  const original = globalThis.fetch;
  if (typeof original != 'function') return;
  // One declared parameter, like the original (`fetch.length` is 1).
  globalThis.fetch = function fetch(this: unknown, input: RequestInfo | URL): Promise<Response> {
    // The caller's exact arguments (their count included) go to the original unless headers are added.
    let args = [...arguments] as FetchArgs;
    const init = args[1];
    let call: Call | undefined;
    let signal: AbortSignal | null | undefined;
    try {
      const request = input instanceof Request ? input : undefined;
      signal = init?.signal ?? request?.signal;
      call = tracker.start(init?.method ?? request?.method ?? 'GET', request ? request.url : (input as string | URL));
      // Hooks see every watched call (a breaker may answer one to any origin); only calls
      // to the page's own backends get headers.
      const answer = call && tracker.answer(call);
      if (answer) return Promise.resolve(answer);
      if (call?.own) {
        const headers = new Headers(init?.headers !== undefined ? init.headers : request?.headers);
        tracker.addHeaders(call, headers);
        args = [input, { ...init, headers }];
      }
    } catch {
      call = undefined;
    }
    const pending = original.apply(this, args);
    const watched = call;
    if (watched) {
      pending.then(
        (response) => tracker.end(watched, response.status),
        (error: Error | null) => tracker.end(watched, 0, FAILURES[error?.name!] ?? (signal?.aborted ? 'abort' : 'network')),
      );
    }
    return pending;
  };
}
