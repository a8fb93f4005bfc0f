import { captureError, flush, init, sessionId, track } from './index.js';
import { findScript } from './lib/findScript.js';
import { safely } from './lib/safely.js';

/**
 * The script-tag build: exposes `window.lifeline` and starts from the tag's attributes:
 *
 * <script src="https://cdn.example.com/lifeline.js" data-key="pk_live_123"
 *   data-endpoint="https://edge.example.com" data-release="2024.06.1"
 *   data-environment="production"></script>
 */
safely(() => {
  const w = window as unknown as { lifeline?: unknown };
  // A second copy of the tag, or a page global of the same name, is left alone: two SDKs
  // would record every pageview and error twice.
  if (w.lifeline) return;
  w.lifeline = { init, track, captureError, flush, sessionId };
  const data = findScript()?.dataset;
  if (data && data.key) {
    init({
      key: data.key,
      endpoint: data.endpoint!,
      release: data.release,
      environment: data.environment,
      debug: data.debug !== undefined && data.debug !== 'false',
    });
  }
});
