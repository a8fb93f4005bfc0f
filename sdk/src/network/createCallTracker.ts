import { LIMITS } from '@lifeline/protocol/limits';
import type { Client, RequestHook } from '../core/types.js';
import { clip } from '../lib/clip.js';
import { safely } from '../lib/safely.js';
import { scrubText } from '@lifeline/protocol/scrub';
import { uuid } from '../lib/uuid.js';

/** One fetch or XMLHttpRequest being watched. */
export interface Call {
  method: string;
  /** Absolute URL. */
  url: string;
  /** To the page's origin or a `propagateTo` origin: gets request-ID headers. */
  own: boolean;
  start: number;
  requestId?: string;
  traceId?: string;
}

/** The part of `Headers` the tracker needs, so fetch and XHR share the logic. */
export interface HeaderAccess {
  get(name: string): string | null | undefined;
  set(name: string, value: string): void;
}

export interface CallTracker {
  /** A call to watch, or undefined for calls that are not http(s) or go to the SDK's endpoint. */
  start(method: string, url: string | URL): Call | undefined;
  /** Adds `X-Request-Id` and `traceparent` where the caller has not set them. */
  addHeaders(call: Call, headers: HeaderAccess): void;
  /** Runs the `before` hooks; the first Response one answers with, if any. */
  answer(call: Call): Response | undefined;
  /** `reason` is given when no response came. Never throws. */
  end(call: Call, status: number, reason?: 'network' | 'timeout' | 'abort'): void;
}

const hex = () => uuid().replace(/-/g, '');

/**
 * What fetch and XHR instrumentation share: which calls get headers, the request and
 * trace IDs, the request hooks, breadcrumbs, and which calls become `network` events:
 * every failed one (network error, timeout, 5xx), every one slower than `slowMs`, and
 * `sampleRate.network` of the rest.
 */
export function createCallTracker(client: Client): CallTracker {
  const { endpoint, propagateTo, slowMs, sampleRate } = client.options;
  // The SDK's own requests (batches, flag polls) are all under {endpoint}/v1/. Relative
  // endpoints are allowed; compare absolute URLs.
  const own = new URL(`${endpoint}/v1/`, location.href).href;
  /** Runs `step` of every request hook, skipping hooks that throw; the first Response a `before` returns answers the call. */
  const hooks = <S extends keyof RequestHook>(step: S, arg: Parameters<NonNullable<RequestHook[S]>>[0]) => {
    for (const hook of client.requestHooks) {
      try {
        const answer = hook[step]?.(arg as never);
        if (answer instanceof Response) return answer;
      } catch (error) {
        client.log('request hook threw', error);
      }
    }
    return undefined;
  };
  return {
    start(method, url) {
      const u = new URL(String(url), document.baseURI);
      if (/^https?:$/.test(u.protocol) && !u.href.startsWith(own)) {
        const { href, origin } = u;
        return { method: clip(String(method).toUpperCase(), LIMITS.label), url: href, own: origin == location.origin || propagateTo.includes(origin), start: performance.now() };
      }
      return undefined;
    },
    addHeaders(call, headers) {
      call.requestId = headers.get('x-request-id') || undefined;
      if (!call.requestId) headers.set('X-Request-Id', (call.requestId = uuid()));
      const parent = headers.get('traceparent');
      // W3C Trace Context: version 00, 32-hex trace ID, 16-hex parent (span) ID, flags 01 (sampled).
      if (parent) call.traceId = /^00-([\da-f]{32})-/.exec(parent)?.[1];
      else headers.set('traceparent', `00-${(call.traceId = hex())}-${hex().slice(16)}-01`);
      client.lastRequestId = call.requestId;
    },
    answer: ({ method, url, start }) => hooks('before', { method, url, start }),
    end: (call, status, reason) =>
      safely(() => {
        const { method, requestId: request_id, traceId: trace_id } = call;
        const duration_ms = Math.round(performance.now() - call.start);
        const url = clip(scrubText(call.url), LIMITS.url);
        // The caller's abort says nothing about the backend.
        const failed = reason ? reason != 'abort' : status > 499;
        hooks('after', { method, url, status, duration_ms, request_id, failed, reason: reason ?? (status > 499 ? 'http' : undefined), start: call.start });
        client.crumb('fetch', `${method} ${url} ${reason ?? status}`);
        if (failed || duration_ms > slowMs || Math.random() < (sampleRate.network ?? 1)) {
          client.capture({ kind: 'network', ts: Date.now() - duration_ms, method, url, status, duration_ms, request_id, trace_id, message: reason });
        }
      }),
  };
}
