import { networkCapture } from './capture/network.js';
import { lazyVitals } from './capture/lazyVitals.js';
import { captureError, consent, feature, flush, identify, init, lastRequestId, reset, sessionId, track, type InitOptions } from './index.js';
import { findScript } from './lib/findScript.js';
import { safely } from './lib/safely.js';

/** Calls the inline snippet queued before this script arrived: `[method name, arguments]`. */
type Queued = [string, ArrayLike<unknown>];

/**
 * The script-tag build: everything included (network capture too; web vitals come in
 * `lifeline-vitals.js`, beside this file, added once the page has loaded). Exposes
 * `window.lifeline` and starts from the tag's `data-*` attributes, which map to `init`
 * options (`data-propagate-to` is `propagateTo`; `data-vitals="off"` leaves vitals out,
 * `data-vitals="<url>"` loads them from elsewhere):
 *
 * <script src="https://cdn.example.com/lifeline.js" data-key="pk_live_123"
 *   data-endpoint="https://edge.example.com" data-release="2024.06.1" async></script>
 *
 * Then it runs the calls the inline snippet queued (docs/sdk.md), in order.
 */
safely(() => {
  const stub = (window as { lifeline?: { q?: Queued[] } }).lifeline;
  // A second copy of the tag, or a page global of the same name, is left alone: two SDKs
  // would record every pageview and error twice. Only the snippet's stub is replaced.
  if (stub && !Array.isArray(stub.q)) return;
  const script = findScript();
  // Web vitals come from beside this file, wherever it was loaded from.
  const vitalsSrc = safely(() => new URL('lifeline-vitals.js', ((document.currentScript as HTMLScriptElement | null) ?? script)!.src).href);
  const api: Record<string, (...args: never[]) => unknown> = {
    init: (options: InitOptions & { vitals?: string }) =>
      safely(() => {
        const vitals = options?.vitals ?? vitalsSrc;
        init({ ...options, integrations: [networkCapture(), ...(vitals && vitals != 'off' ? [lazyVitals(vitals)] : [])].concat(options?.integrations ?? []) });
      }),
    track,
    identify,
    reset,
    consent,
    captureError,
    lastRequestId,
    flush,
    sessionId,
    feature,
  };
  (window as { lifeline?: unknown }).lifeline = api;
  const data = script?.dataset;
  if (data?.key) api.init!(data as never);
  for (const [name, args] of stub?.q ?? []) safely(() => api[name]!(...(Array.from(args) as never[])));
});
