import { LIMITS } from '@lifeline/protocol/limits';
import type { Integration } from '../core/types.js';
import { clip } from '../lib/clip.js';
import { currentUrl } from '../lib/currentUrl.js';
import { safely } from '../lib/safely.js';

/**
 * Records a `pageview` (url, referrer, title) when the SDK starts, and again on every
 * single-page-app navigation: `history.pushState`, `history.replaceState` and `popstate`,
 * when the URL outside its `#fragment` changed. An SPA pageview's referrer is the
 * previous URL.
 *
 * A tag in `<head>` runs before `<title>` is parsed, so while the document is still
 * loading the first pageview waits for DOMContentLoaded. Otherwise it waits for a
 * microtask, so calls queued by the inline snippet (`identify`, `consent`) apply to it.
 */
export function pageviewCapture(): Integration {
  return {
    name: 'pageview',
    setup(client) {
      let last: string | undefined;
      const record = () =>
        safely(() => {
          const url = currentUrl();
          const page = url.split('#')[0];
          if (page != last) {
            const referrer = last ?? document.referrer;
            last = page;
            client.capture({ kind: 'pageview', url, referrer: clip(referrer, LIMITS.url) || undefined, title: clip(document.title, LIMITS.url) || undefined });
          }
        });
      if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', record, { once: true });
      else void Promise.resolve().then(record);
      for (const name of ['pushState', 'replaceState'] as const) {
        const original = history[name];
        history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
          // The page's own call first, and its exceptions (a cross-origin URL) are its own.
          const result = original.apply(this, args);
          record();
          return result;
        };
      }
      addEventListener('popstate', record);
    },
  };
}
