import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { openPage } from '../support/openPage.js';
import { startServer, type TestServer } from '../support/server.js';

let browser: LaunchedBrowser;
let server: TestServer;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** An origin nothing listens on: bound, then released. */
async function closedOrigin(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Runs test/fixtures/scenarios.js in `fixture` and returns what it saw. */
async function scenarios(fixture: string, closed: string) {
  const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/${fixture}`);
  await page.addScriptTag({ url: '/fixtures/scenarios.js' });
  const seen = await page.evaluate((origin) => (window as unknown as { runScenarios(o: string): Promise<unknown> }).runScenarios(origin), closed);
  await page.close();
  return { seen: seen as Record<string, unknown>, pageErrors };
}

describe('patched fetch and XMLHttpRequest', () => {
  it('behave exactly as the originals: bodies, streams, Request objects, headers, signals, errors, this', async () => {
    const closed = await closedOrigin();
    const withSdk = await scenarios('tag.html', closed);
    const without = await scenarios('nosdk.html', closed);
    // Everything the scenarios describe is equal, scenario by scenario, for a readable diff.
    for (const name of Object.keys(without.seen)) expect({ [name]: withSdk.seen[name] }).toEqual({ [name]: without.seen[name] });
    expect(Object.keys(withSdk.seen)).toEqual(Object.keys(without.seen));
    // Spot checks that the scenarios exercised what they claim.
    expect(withSdk.seen['caller sets X-Request-Id and traceparent']).toEqual({
      ok: ['mine-1', '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01'],
    });
    expect(withSdk.seen['xhr caller X-Request-Id']).toBe('mine-2');
    expect(withSdk.seen['timeout signal']).toEqual({ threw: expect.stringContaining('TimeoutError') });
    expect(withSdk.seen['xhr sync GET']).toMatchObject({ status: 200, events: ['load', 'loadend'] });
    expect(withSdk.seen['xhr open with async undefined is sync']).toMatchObject({ events: ['load', 'loadend'] });
    expect(withSdk.pageErrors).toEqual(without.pageErrors);
  });

  it('tag same-origin calls in those scenarios, without a header twice', async () => {
    server.reset();
    await scenarios('tag.html', await closedOrigin());
    const tagged = server.api.filter((c) => c.headers['x-request-id']);
    expect(tagged.length).toBeGreaterThan(20);
    for (const call of tagged) {
      expect(String(call.headers['x-request-id'])).not.toContain(',');
      expect(String(call.headers.traceparent)).not.toContain(',');
    }
  });
});
