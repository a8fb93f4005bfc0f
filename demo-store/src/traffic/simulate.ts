import { chromium } from 'playwright-core';
import { chromiumPath } from '../../../sdk/test/support/browser';
import { createRandom } from './random';
import { walkShopper, type ShopperOptions, type ShopperOutcome } from './shopper';

export interface SimulateOptions {
  storeUrl: string;
  /** New shoppers per minute. */
  perMinute: number;
  /** How long to keep starting shoppers; those under way then finish. */
  durationMs: number;
  /** Most shoppers in flight at once (each is a browser context). @default 3 */
  concurrency?: number;
  seed?: number;
  rates?: ShopperOptions['rates'];
  think?: ShopperOptions['think'];
  /** Hears each finished shopper. */
  onShopper?: (outcome: ShopperOutcome | 'error', detail?: string) => void;
  signal?: AbortSignal;
}

export type SimulationSummary = Record<ShopperOutcome | 'error', number>;

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Sends shoppers through the store at a steady rate, each in its own browser context (its
 * own cookies and storage, so its own Lifeline session), bounded in count and time, and
 * stops by itself. A shopper that cannot start because `concurrency` are busy is skipped
 * and counted, so the rate never builds a backlog.
 */
export async function simulate(o: SimulateOptions): Promise<SimulationSummary & { skipped: number }> {
  const summary: SimulationSummary & { skipped: number } = { bounced: 0, viewed: 0, carted: 0, checkout: 0, paid: 0, declined: 0, failed: 0, degraded: 0, error: 0, skipped: 0 };
  const rnd = createRandom(o.seed ?? Date.now());
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ARGS });
  const limit = o.concurrency ?? 3;
  const running = new Set<Promise<void>>();
  const end = Date.now() + o.durationMs;
  const gap = 60_000 / o.perMinute;
  try {
    for (let next = Date.now(); Date.now() < end && !o.signal?.aborted; next += gap) {
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (running.size >= limit) {
        summary.skipped++;
        continue;
      }
      const run = (async () => {
        const context = await browser.newContext();
        try {
          const outcome = await walkShopper(context, { storeUrl: o.storeUrl, rnd, ...(o.rates ? { rates: o.rates } : {}), ...(o.think ? { think: o.think } : {}) });
          summary[outcome]++;
          o.onShopper?.(outcome);
        } catch (err) {
          summary.error++;
          o.onShopper?.('error', err instanceof Error ? err.message.split('\n')[0] : String(err));
        } finally {
          await context.close().catch(() => {});
        }
      })();
      running.add(run);
      void run.finally(() => running.delete(run));
    }
    await Promise.all(running);
  } finally {
    await browser.close();
  }
  return summary;
}
