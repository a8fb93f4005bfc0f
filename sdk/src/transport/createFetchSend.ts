import { originalFetch } from '../lib/originalFetch.js';
import type { Send } from './createTransport.js';

/**
 * The `send` the browser builds use: `fetch` with `keepalive`, so a batch posted while
 * the page unloads still goes out.
 *
 * The body is `text/plain` and there are no custom headers and no credentials, which keeps
 * it a CORS "simple request": no preflight, no cookies. The `fetch` found at start-up is
 * kept, so wrappers installed later (the store's own, or network capture) never see or
 * change these requests.
 */
export function createFetchSend(timeoutMs = 3e4): Send {
  const f = originalFetch();
  return async ({ url, body, keepalive }) => {
    // A send that never settles (a stalled network) would hold its events forever: after
    // `timeoutMs` it fails like a network error and they are retried (at least once; storage
    // de-duplicates by event_id). Where AbortSignal.timeout is missing, there is no limit.
    const signal = AbortSignal.timeout?.(timeoutMs);
    const response = await f!(url, { method: 'POST', body, keepalive, credentials: 'omit', headers: { 'Content-Type': 'text/plain' }, signal });
    // Readable cross-origin only if the endpoint lists it in Access-Control-Expose-Headers.
    return { status: response.status, retryAfter: response.headers.get('Retry-After') };
  };
}
