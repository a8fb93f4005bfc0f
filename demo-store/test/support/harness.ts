import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { StoredEvent, TimelineResponse } from '@lifeline/protocol';
import { launchBrowser, type LaunchedBrowser } from '../../../sdk/test/support/browser';
import { startStack, type Stack } from '../../src/stack/stack';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

/** The real stack, a browser, and what a story test needs to talk to them. */
export interface Harness {
  stack: Stack;
  browser: LaunchedBrowser;
  artifacts: string;
  /** A new page that records the page's own uncaught errors. */
  page(): Promise<{ page: Page; pageErrors: string[] }>;
  /** Reads a timeline from the collector: `path` is e.g. `/v1/timeline?session_id=…` or `/v1/query/timeline?by=request&id=…`. */
  timeline(path: string): Promise<TimelineResponse>;
  /** Polls a timeline until `found` holds for its events, or fails after `ms`. */
  waitForTimeline(path: string, found: (events: StoredEvent[]) => boolean, ms?: number): Promise<StoredEvent[]>;
  /** Runs the ops CLI (`lifeline …`) against this stack's edge. */
  ops(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Changes the store's injected faults through its admin API. */
  faults(change: unknown): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts collector, edge and store on free ports with a fresh data directory, and a
 * headless Chromium; keeps the services' output and screenshots under
 * `test-artifacts/<name>/`.
 */
export async function openHarness(name: string): Promise<Harness> {
  const artifacts = join(root, 'test-artifacts', name);
  mkdirSync(artifacts, { recursive: true });
  const logFile = join(artifacts, 'services.log');
  writeFileSync(logFile, '');
  const dataDir = mkdtempSync(join(tmpdir(), `lifeline-${name}-`));
  const stack = await startStack({ dataDir, log: (line) => appendFileSync(logFile, line + '\n') });
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await stack.stop();
    throw err;
  });

  const timeline = async (path: string): Promise<TimelineResponse> => {
    const res = await fetch(`${stack.urls.collector}${path}`, {
      headers: { Authorization: `Bearer ${stack.tokens.readToken}` },
    });
    if (res.status !== 200) throw new Error(`timeline ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as TimelineResponse;
  };

  return {
    stack,
    browser,
    artifacts,
    async page() {
      const page = await browser.context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      return { page, pageErrors };
    },
    timeline,
    async waitForTimeline(path, found, ms = 30_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const { events } = await timeline(path);
        if (found(events)) return events;
        if (Date.now() > deadline) throw new Error(`timeline ${path} never matched; it held:\n${events.map(describeEvent).join('\n')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    ops: (...args) =>
      run(join(root, 'node_modules', '.bin', 'lifeline'), args, {
        env: { ...process.env, LIFELINE_EDGE_URL: stack.urls.edge, LIFELINE_OPS_TOKEN: stack.tokens.opsToken },
      }),
    async faults(change) {
      const res = await fetch(`${stack.urls.store}/admin/faults`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${stack.tokens.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(change),
      });
      if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
    },
    async close() {
      await browser.close().catch(() => {});
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One line per event, for failure messages. */
export function describeEvent(e: StoredEvent): string {
  const what = 'message' in e && e.message ? e.message : 'name' in e && e.name ? e.name : 'state' in e ? `${e.state}` : e.url ?? '';
  const status = 'status' in e ? ` ${e.status}` : '';
  return `${new Date(e.ts).toISOString().slice(11, 23)} ${e.kind}${status} ${what} req=${e.request_id ?? '-'}`;
}

/** Puts one item in the shopper's cart through the store's own page, as a person would. */
export async function addToCart(page: Page, storeUrl: string, productId = 'tee-midnight'): Promise<void> {
  await page.goto(`${storeUrl}/product/${productId}`);
  await page.click('#add-to-cart');
  await page.waitForFunction(() => document.querySelector('#note')?.textContent === 'Added to your cart.');
}
