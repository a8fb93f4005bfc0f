import { BrowserEvent, SdkBatch } from '@lifeline/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
beforeEach(() => server.reset());

describe('guarded entry points', () => {
  it('does nothing, and throws nothing, before init or with options it cannot use', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/bare.html`);
    const outcome = await page.evaluate(async () => {
      // Called as a careless page would, so the types are set aside.
      const l = window.lifeline as unknown as Record<string, (...args: unknown[]) => unknown>;
      const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } });
      const thrown: string[] = [];
      const calls: [string, unknown[]][] = [
        ['track', ['before_init']],
        ['captureError', [new Error('before init')]],
        ['identify', ['u1', { plan: 'x' }]],
        ['reset', []],
        ['consent', [true]],
        ['lastRequestId', []],
        ['init', []],
        ['init', [null]],
        ['init', [5]],
        ['init', [{}]],
        ['init', [{ key: '' , endpoint: 'http://x' }]],
        ['init', [{ key: 'k' }]],
        ['init', [{ key: 5, endpoint: 5 }]],
        ['init', [{ key: 'k'.repeat(500), endpoint: 'http://x' }]],
        ['init', [hostile]],
      ];
      for (const [fn, args] of calls) {
        try {
          l[fn]!(...args);
        } catch (error) {
          thrown.push(`${fn}: ${String(error)}`);
        }
      }
      return { thrown, flushed: await l.flush!(), session: l.sessionId!() };
    });
    expect(outcome).toEqual({ thrown: [], flushed: true, session: undefined });
    expect(await page.evaluate(() => window.lifeline.lastRequestId())).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('turns bad arguments after init into valid events or nothing, and never throws', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/bare.html`);
    const thrown = await page.evaluate((endpoint) => {
      const l = window.lifeline as unknown as Record<string, (...args: unknown[]) => unknown>;
      const circular: Record<string, unknown> = { name: 'loop' };
      circular.self = circular;
      const hostile = new Proxy({}, { get: () => { throw new Error('trap'); } });
      const odd = {
        big: BigInt(10),
        date: new Date(0),
        fn() {},
        sym: Symbol('s'),
        inf: Infinity,
        nan: NaN,
        undef: undefined,
        long: 'x'.repeat(5000),
        list: [1, 2],
      };
      const thrown: string[] = [];
      const calls: [string, unknown[]][] = [
        ['init', [{ key: 'pk_guard', endpoint, release: 7, environment: 'x'.repeat(500), debug: 'yes' }]],
        ['init', [{ key: 'pk_second', endpoint }]],
        ['track', []],
        ['track', [null]],
        ['track', [123]],
        ['track', ['']],
        ['track', ['n'.repeat(500)]],
        ['track', ['circular', circular]],
        ['track', ['string_props', 'not an object']],
        ['track', ['array_props', [1, 2, 3]]],
        ['track', ['proto', JSON.parse('{"__proto__": 1, "constructor": 2, "ok": 3}')]],
        ['track', ['odd', odd]],
        ['track', ['many', Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]))]],
        ['track', ['hostile', hostile]],
        ['captureError', []],
        ['captureError', [null]],
        ['captureError', [{ message: 5 }]],
        ['captureError', [Object.create(null)]],
        ['captureError', [circular]],
        ['captureError', [hostile]],
        ['captureError', [new Error('m'.repeat(20000)), circular]],
        ['sessionId', [1, 2, 3]],
        ['identify', []],
        ['identify', [null]],
        ['identify', [{}]],
        ['identify', ['']],
        ['identify', ['cust_g', hostile]],
        ['identify', [12345, circular]],
        ['reset', [hostile]],
        ['lastRequestId', [hostile]],
      ];
      for (const [fn, args] of calls) {
        try {
          l[fn]!(...args);
        } catch (error) {
          thrown.push(`${fn}: ${String(error)}`);
        }
      }
      return thrown;
    }, server.endpoint);
    expect(thrown).toEqual([]);
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(true);

    const batches = server.bodies().map((b) => SdkBatch.parse(b));
    expect(new Set(batches.map((b) => b.key))).toEqual(new Set(['pk_guard']));
    const events = batches.flatMap((b) => b.events.map((e) => BrowserEvent.parse(e)));
    const tracks = events.filter((e) => e.kind === 'track');
    expect(tracks.map((e) => e.name)).toEqual([
      'n'.repeat(200),
      'circular',
      'string_props',
      'array_props',
      'proto',
      'odd',
      'many',
      'hostile',
      'identify',
      'identify',
    ]);
    // A number is taken as the user ID's text; traits that cannot be read are left out.
    expect(tracks.slice(-2).map((e) => [e.user_id, e.props])).toEqual([
      ['cust_g', undefined],
      ['12345', { name: 'loop', self: '{"name":"loop","self":"[Circular]"}' }],
    ]);
    expect(tracks.find((e) => e.name === 'proto')?.props).toEqual({ ok: 3 });
    expect(tracks.find((e) => e.name === 'circular')?.props).toEqual({ name: 'loop', self: '{"name":"loop","self":"[Circular]"}' });
    expect(tracks.find((e) => e.name === 'odd')?.props).toEqual({
      big: '10',
      date: '1970-01-01T00:00:00.000Z',
      inf: null,
      nan: null,
      long: 'x'.repeat(1024),
      list: '[1,2]',
    });
    expect(Object.keys(tracks.find((e) => e.name === 'many')?.props ?? {})).toHaveLength(64);
    // The proxy that throws on every read yields nothing to describe, so no event.
    const errors = events.flatMap((e) => (e.kind === 'error' ? [e.message] : []));
    expect(errors.slice(0, 5)).toEqual(['undefined', 'null', '{"message":5}', '{}', '{"name":"loop","self":"[Circular]"}']);
    expect(errors[5] === 'm'.repeat(8192)).toBe(true);
    // A release that is not a string is left out; an over-long environment is cut.
    const pageview = events.find((e) => e.kind === 'pageview');
    expect(pageview).not.toHaveProperty('release');
    expect(pageview?.environment).toHaveLength(128);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
