import type { Client, Integration } from '../core/types.js';
import { safely } from '../lib/safely.js';

/** The global through which `lifeline-vitals.js` reaches the client that loaded it. */
export const VITALS_HOOK = 'lifelineVitals';

/** What `lifeline-vitals.js` hands over: the setup of its capture module. */
export type VitalsSetup = (client: Client) => void;

/**
 * Web vitals for the script tag, loaded once the page has loaded: `lifeline-vitals.js`
 * (web-vitals and the vitals capture, built from `src/vitalsTag.ts`) is added from `src`,
 * and calls back through `window.lifelineVitals` with the setup to run on this client.
 *
 * Nothing is lost by waiting: web-vitals reads the browser's buffered performance entries
 * (paint, LCP candidates, layout shifts, navigation, interactions over 104 ms), so a page
 * that loads it late reports the same metrics, and the script the page waits for stays
 * within its size budget. A file that fails to load (blocked, offline) costs nothing but
 * the vitals.
 *
 * @example lazyVitals(new URL('lifeline-vitals.js', script.src).href)
 */
export function lazyVitals(src: string): Integration {
  return {
    name: 'vitals',
    setup(client) {
      (window as unknown as Record<string, unknown>)[VITALS_HOOK] = (setup: VitalsSetup) => safely(() => setup(client));
      const load = () =>
        safely(() => {
          // Marked as the SDK's own, so the error capture does not report it failing to load.
          const script = Object.assign(document.createElement('script'), { src, async: true, _lifeline: 1 });
          document.head.append(script);
        });
      // After the load event, so the page's own load never waits for it.
      document.readyState == 'complete' ? load() : addEventListener('load', () => setTimeout(load), { once: true });
    },
  };
}
