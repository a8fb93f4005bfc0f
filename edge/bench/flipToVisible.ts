import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../sdk/test/support/browser';
import { startServer } from '../../sdk/test/support/server';
import { summarize, type Summary } from './stats';

const SDK_BUNDLE = fileURLToPath(new URL('../../sdk/dist/lifeline.js', import.meta.url));

export interface FlipToVisibleOptions {
  edgeUrl: string;
  key: string;
  token: string;
  pages: number;
  flips: number;
  feature: string;
}

export interface FlipToVisibleResult {
  /** Flip sent → `data-lifeline-state` changed on the page (seen by a MutationObserver). */
  marked: Summary;
  /** The ops API's answer time for the flips. */
  answered: Summary;
  /** Changes missing after the per-flip wait (should be 0). */
  missed: number;
  /** The largest gap found between a page's clock and the bench's, with its measuring error. */
  clock: { offset: number; error: number };
}

/** A change as sdk/test/fixtures/flip.html records it (`window.changes`). */
interface Change {
  state: string | null;
  at: number;
}

/** Epoch milliseconds with sub-millisecond precision, as the page stamps its changes. */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How far `page`'s clock is from ours: the page's time against the middle of the round
 * trip that read it, from the round trip of five with the smallest error (half its length).
 */
async function clockOffset(page: Page): Promise<{ offset: number; error: number }> {
  let best = { offset: 0, error: Infinity };
  for (let i = 0; i < 5; i++) {
    const before = now();
    const theirs = await page.evaluate<number>('performance.timeOrigin + performance.now()');
    const after = now();
    if ((after - before) / 2 < best.error) best = { offset: theirs - (before + after) / 2, error: (after - before) / 2 };
  }
  return best;
}

/**
 * Opens `pages` pages in headless Chromium, each loading the built SDK (`sdk/dist/lifeline.js`)
 * with a checkout form marked `data-lifeline-feature`, against the edge at `edgeUrl`;
 * then flips the feature `flips` times through the ops API (down and ok in turn), and
 * measures for every flip and page the time from sending the PUT to the form's
 * `data-lifeline-state` changing on that page.
 *
 * Two unmeasured flips first make sure every page follows the status stream.
 */
export async function measureFlipToVisible(options: FlipToVisibleOptions): Promise<FlipToVisibleResult> {
  if (!existsSync(SDK_BUNDLE)) throw new Error(`${SDK_BUNDLE} is missing: run \`npm run build -w sdk\` first`);
  const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    const attrs = encodeURIComponent(`data-key="${options.key}"`);
    const pages: Page[] = [];
    for (let i = 0; i < options.pages; i++) {
      // Each page reaches the edge under a host name of its own, as pages in different
      // customers' browsers do: one browser opens at most six HTTP/1.1 connections to a
      // host, and `wrangler dev` speaks HTTP/1.1, so a seventh stream to one host would
      // wait for a free connection. Chromium resolves every `*.localhost` to loopback.
      const endpoint = new URL(options.edgeUrl);
      endpoint.hostname = `page-${i}.localhost`;
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`${server.origin}/fixtures/flip.html?endpoint=${encodeURIComponent(endpoint.origin)}&attrs=${attrs}`);
      pages.push(page);
    }

    const sent: number[] = [];
    const answered: number[] = [];
    let missed = 0;
    const flip = async (i: number) => {
      const body = i % 2 === 0 ? { state: 'down', message: `bench flip ${i}` } : { state: 'ok' };
      const at = now();
      const res = await fetch(`${options.edgeUrl}/v1/flags/${options.feature}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const took = now() - at;
      if (!res.ok) throw new Error(`flip ${i} answered ${res.status}: ${await res.text()}`);
      await res.body?.cancel();
      // Waits in each page (flip.html's `changesSeen`), not by polling it from here.
      const seen = await Promise.all(pages.map((p) => p.evaluate<boolean>(`changesSeen(${i + 1}, 5000)`)));
      missed += seen.filter((ok) => !ok).length;
      await sleep(100);
      return { at, took };
    };

    const warmUp = 2;
    for (let i = 0; i < warmUp; i++) await flip(i);
    if (missed) throw new Error(`${missed} page(s) did not follow the warm-up flips: is the status stream up?`);
    for (let i = warmUp; i < warmUp + options.flips; i++) {
      const { at, took } = await flip(i);
      sent.push(at);
      answered.push(took);
    }

    const marked: number[] = [];
    for (const page of pages) {
      const changes = await page.evaluate<Change[]>('changes');
      for (const [j, at] of sent.entries()) {
        const change = changes[warmUp + j];
        // Down and ok in turn: a change out of step would mean one was lost, counted above.
        if (change?.state !== ((warmUp + j) % 2 === 0 ? 'down' : null)) continue;
        marked.push(change.at - at);
      }
    }
    const offsets = await Promise.all(pages.map(clockOffset));
    const clock = offsets.reduce((a, b) => (Math.abs(b.offset) > Math.abs(a.offset) ? b : a));
    return { marked: summarize(marked), answered: summarize(answered), missed, clock };
  } finally {
    await browser.close();
    await server.close();
  }
}
