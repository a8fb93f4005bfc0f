import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { openPage } from '../support/openPage.js';
import { eventsOf } from '../support/parsedEvents.js';
import { startServer, type TestServer } from '../support/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

let browser: LaunchedBrowser;
let server: TestServer;
/** Another origin: a third party that allows simple requests only. */
let third: TestServer;

beforeAll(async () => {
  [server, third, browser] = await Promise.all([startServer(), startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await third?.close();
});
beforeEach(() => {
  server.reset();
  third.reset();
});

/** tag.html with extra attributes on the SDK's tag. The partner origin (propagateTo) is the endpoint's host. */
const tagPage = (attrs: string) => `${server.origin}/fixtures/tag.html?attrs=${encodeURIComponent(attrs)}`;
const PROPAGATE = 'data-propagate-to="{{PARTNER}}"';

describe('request IDs', () => {
  it('go on calls to the page origin and propagateTo origins, and nowhere else (no preflight to third parties)', async () => {
    const { page, pageErrors } = await openPage(browser, tagPage(PROPAGATE.replace('{{PARTNER}}', server.endpoint)));
    const statuses = await page.evaluate(
      async ({ partner, other }) => {
        const xhr = (url: string) =>
          new Promise<number>((resolve) => {
            const x = new XMLHttpRequest();
            x.open('GET', url);
            x.onloadend = () => resolve(x.status);
            x.send();
          });
        return [
          (await fetch('/api/same')).status,
          await xhr('/api/same-xhr'),
          (await fetch(`${partner}/api/partner?cors=headers`)).status,
          await xhr(`${partner}/api/partner-xhr?cors=headers`),
          (await fetch(`${other}/api/third?cors=simple`)).status,
          await xhr(`${other}/api/third-xhr?cors=simple`),
          (await fetch(new Request(`${other}/api/third-request?cors=simple`))).status,
        ];
      },
      { partner: server.endpoint, other: third.origin },
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);

    const tagged = server.api.filter((c) => c.method === 'GET');
    expect(tagged.map((c) => c.path.split('?')[0])).toEqual(['/api/same', '/api/same-xhr', '/api/partner', '/api/partner-xhr']);
    const ids = tagged.map((c) => c.headers['x-request-id']);
    for (const call of tagged) {
      expect(call.headers['x-request-id']).toMatch(UUID);
      expect(call.headers.traceparent).toMatch(TRACEPARENT);
    }
    expect(new Set(ids).size).toBe(4);
    expect(await page.evaluate(() => window.lifeline.lastRequestId())).toBe(ids[3]);

    expect(third.api.map((c) => c.method)).toEqual(['GET', 'GET', 'GET']);
    for (const call of third.api) {
      expect(call.headers['x-request-id']).toBeUndefined();
      expect(call.headers.traceparent).toBeUndefined();
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('records network events with the request ID and the trace ID, never the SDK own requests', async () => {
    const { page } = await openPage(browser, tagPage(`data-sample-rate='{"network":1}'`));
    await page.evaluate(async () => {
      await fetch('/api/listed?token=s3cret&q=shirt', { method: 'POST', body: 'x' });
      await window.lifeline.flush();
      await window.lifeline.flush();
    });
    const events = eventsOf(server, 'network');
    expect(events).toHaveLength(1);
    const call = server.api.find((c) => c.path.startsWith('/api/listed'))!;
    expect(call.path).toBe('/api/listed?token=s3cret&q=shirt');
    expect(events[0]).toMatchObject({
      method: 'POST',
      url: `${server.origin}/api/listed?token=[Filtered]&q=shirt`,
      status: 200,
      request_id: call.headers['x-request-id'],
      trace_id: TRACEPARENT.exec(String(call.headers.traceparent))![1],
    });
    expect(events[0]!.duration_ms).toBeGreaterThanOrEqual(0);
    await page.close();
  });

  it('always records failed and slow calls, and samples the rest', async () => {
    const { page, pageErrors } = await openPage(browser, tagPage(`data-sample-rate='{"network":0}' data-slow-ms="300"`));
    await page.evaluate(async (closed) => {
      const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
      await fetch('/api/fast');
      await fetch('/api/broken?status=503');
      await fetch('/api/slow?delay=500');
      await quietly(fetch(closed));
      await quietly(fetch('/api/stuck?delay=3000', { signal: AbortSignal.timeout(50) }));
      const c = new AbortController();
      const aborted = quietly(fetch('/api/left?delay=3000', { signal: c.signal }));
      c.abort();
      await aborted;
      await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open('GET', '/api/xhr-broken?status=500');
        x.onloadend = resolve;
        x.send();
      });
      await fetch('/api/client-error?status=404');
    }, `http://127.0.0.1:1/api/closed`);
    await page.evaluate(() => window.lifeline.flush());
    const events = eventsOf(server, 'network');
    expect(events.map((e) => [new URL(e.url).pathname, e.status, e.message])).toEqual([
      ['/api/broken', 503, undefined],
      ['/api/slow', 200, undefined],
      ['/api/closed', 0, 'network'],
      ['/api/stuck', 0, 'timeout'],
      ['/api/xhr-broken', 500, undefined],
    ]);
    expect(events.find((e) => e.url.includes('/api/slow'))!.duration_ms).toBeGreaterThanOrEqual(300);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describe('request hooks', () => {
  it('answer calls from before(), report every end to after(), and survive hooks that throw', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/bare.html`);
    const result = await page.evaluate(
      async ({ endpoint, other }) => {
        const outcomes: unknown[] = [];
        const asked: string[] = [];
        window.lifeline.init({
          key: 'pk_hooks',
          endpoint,
          integrations: [
            {
              name: 'hooks',
              setup(client) {
                client.onRequest({
                  before() {
                    throw new Error('broken before');
                  },
                  after() {
                    throw new Error('broken after');
                  },
                });
                client.onRequest({
                  before(req) {
                    asked.push(`${req.method} ${req.url}`);
                    return req.url.includes('/api/blocked') ? new Response('held', { status: 503, headers: { 'X-Held': '1' } }) : undefined;
                  },
                  after: (outcome) => void outcomes.push(outcome),
                });
                client.onRequest({ before: () => 'not a response' as unknown as Response });
              },
            },
          ],
        });
        const blocked = await fetch('/api/blocked', { method: 'POST' });
        const ok = await fetch('/api/fine?password=p');
        await fetch(`${other}/api/third?cors=simple`);
        await new Promise((resolve) => {
          const x = new XMLHttpRequest();
          x.open('PUT', '/api/xhr?status=502');
          x.onloadend = resolve;
          x.send('x');
        });
        return {
          blocked: [blocked.status, await blocked.text(), blocked.headers.get('X-Held')],
          ok: ok.status,
          asked,
          outcomes,
        };
      },
      { endpoint: server.endpoint, other: third.origin },
    );
    expect(result.blocked).toEqual([503, 'held', '1']);
    expect(result.ok).toBe(200);
    expect(server.api.map((c) => c.path.split('?')[0])).toEqual(['/api/fine', '/api/xhr']);
    // Every watched call is shown to before(), another origin's and an XMLHttpRequest too
    // (which goes out whatever before() says); only the page's own fetch can be answered.
    expect(result.asked).toEqual([
      `POST ${server.origin}/api/blocked`,
      `GET ${server.origin}/api/fine?password=p`,
      `GET ${third.origin}/api/third?cors=simple`,
      `PUT ${server.origin}/api/xhr?status=502`,
    ]);
    expect(result.outcomes).toEqual([
      {
        method: 'GET',
        url: `${server.origin}/api/fine?password=[Filtered]`,
        status: 200,
        duration_ms: expect.any(Number),
        request_id: expect.stringMatching(UUID),
        failed: false,
        start: expect.any(Number),
      },
      { method: 'GET', url: `${third.origin}/api/third?cors=simple`, status: 200, duration_ms: expect.any(Number), failed: false, start: expect.any(Number) },
      {
        method: 'PUT',
        url: `${server.origin}/api/xhr?status=502`,
        status: 502,
        duration_ms: expect.any(Number),
        request_id: expect.stringMatching(UUID),
        failed: true,
        reason: 'http',
        start: expect.any(Number),
      },
    ]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
