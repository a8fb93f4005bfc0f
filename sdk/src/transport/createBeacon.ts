import type { Beacon } from './createTransport.js';

/**
 * `navigator.sendBeacon` with a `text/plain` Blob: a CORS-safelisted type, so no
 * preflight, like the fetch send. Undefined where the browser has no sendBeacon.
 */
export function createBeacon(): Beacon | undefined {
  const nav = globalThis.navigator;
  if (typeof nav?.sendBeacon !== 'function') return undefined;
  return (url, body) => nav.sendBeacon(url, new Blob([body], { type: 'text/plain' }));
}
