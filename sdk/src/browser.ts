import { networkCapture } from './capture/network.js';
import { vitalsCapture } from './capture/vitals.js';
import { captureError, consent, feature, flush, identify, init, lastRequestId, reset, sessionId, track, type InitOptions } from './index.js';
import { findScript } from './lib/findScript.js';
import { safely } from './lib/safely.js';

/** Calls the inline snippet queued before this script arrived: `[method name, arguments]`. */
type Queued = [string, ArrayLike<unknown>];

/**
 * The script-tag build: everything included (vitals and network capture too). Exposes
 * `window.lifeline` and starts from the tag's `data-*` attributes, which map to `init`
 * options (`data-propagate-to` is `propagateTo`):
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
  const api: Record<string, (...args: never[]) => unknown> = {
    init: (options: InitOptions) =>
      safely(() => init({ ...options, integrations: [vitalsCapture(), networkCapture()].concat(options?.integrations ?? []) })),
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
  const data = findScript()?.dataset;
  if (data?.key) api.init!(data as never);
  for (const [name, args] of stub?.q ?? []) safely(() => api[name]!(...(Array.from(args) as never[])));
});
