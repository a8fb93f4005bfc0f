import type { Integration } from '../core/types.js';
import { createCallTracker } from '../network/createCallTracker.js';
import { instrumentFetch } from '../network/instrumentFetch.js';
import { instrumentXhr } from '../network/instrumentXhr.js';

/**
 * Instruments `fetch` and `XMLHttpRequest`: calls to the page's origin and to
 * `propagateTo` origins get `X-Request-Id` (a fresh UUID) and a W3C `traceparent`;
 * calls to other origins get no header at all, since a custom header would make the
 * browser send a CORS preflight that third parties refuse. Every call ends in a
 * breadcrumb and the request hooks' `after`; failed, slow and sampled calls become
 * `network` events. The SDK's own requests are never touched.
 *
 * @example init({ key, endpoint, propagateTo: ['https://api.example.com'], integrations: [networkCapture()] })
 */
export function networkCapture(): Integration {
  return {
    name: 'network',
    setup(client) {
      const tracker = createCallTracker(client);
      instrumentFetch(tracker);
      instrumentXhr(tracker);
    },
  };
}
