import { LIMITS } from '@lifeline/protocol/limits';
import type { Integration } from '../core/types.js';
import { clip } from '../lib/clip.js';
import { currentUrl } from '../lib/currentUrl.js';
import { safely } from '../lib/safely.js';

/**
 * Records one `pageview` when the SDK starts: url, referrer and title.
 *
 * A tag in `<head>` runs before `<title>` is parsed, so while the document is still
 * loading the pageview waits for DOMContentLoaded.
 */
export function pageviewCapture(): Integration {
  return {
    name: 'pageview',
    setup(client) {
      const record = () =>
        safely(() =>
          client.capture({
            kind: 'pageview',
            url: currentUrl(),
            referrer: clip(document.referrer, LIMITS.url) || undefined,
            title: clip(document.title, LIMITS.url) || undefined,
          }),
        );
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', record, { once: true });
      else record();
    },
  };
}
