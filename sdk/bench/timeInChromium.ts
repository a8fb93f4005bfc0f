import type { LaunchedBrowser } from '../test/support/browser.js';

export interface Timing {
  /** Milliseconds `init` took, median of the runs. */
  initMs: number;
  /** Microseconds per `track` call over 1000 calls (synchronous part), median of the runs. */
  trackUs: number;
  /** Microseconds per call including the work the calls left for microtasks and zero-delay timers. */
  settledUs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Loads `script` (which defines `window.benchSdk`) into a fresh page of `pageUrl`
 * `runs` times and times, with performance.now() in the page: `init`, then 1000 `track`
 * calls, then the same up to the next timer turn (so work the calls queued is counted).
 */
export async function timeInChromium(browser: LaunchedBrowser, pageUrl: string, script: string, runs: number): Promise<Timing> {
  const init: number[] = [];
  const track: number[] = [];
  const settled: number[] = [];
  for (let run = 0; run < runs; run++) {
    const page = await browser.context.newPage();
    await page.goto(pageUrl);
    await page.evaluate(() => localStorage.clear());
    await page.addScriptTag({ content: script });
    const t = await page.evaluate(async () => {
      const sdk = (window as unknown as { benchSdk: { init(origin: string): void; track(i: number): void } }).benchSdk;
      const t0 = performance.now();
      sdk.init(location.origin);
      const t1 = performance.now();
      for (let i = 0; i < 1000; i++) sdk.track(i);
      const t2 = performance.now();
      await new Promise((resolve) => setTimeout(resolve));
      const t3 = performance.now();
      return { init: t1 - t0, track: t2 - t1, settled: t3 - t1 };
    });
    init.push(t.init);
    track.push(t.track);
    settled.push(t.settled);
    await page.close();
  }
  return { initMs: median(init), trackUs: median(track), settledUs: median(settled) };
}
