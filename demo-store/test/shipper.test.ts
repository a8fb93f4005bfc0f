import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackendLog } from '@lifeline/protocol';
import { createLogger } from '../src/logging/logger';
import { createShipper } from '../src/logging/shipper';

/** A stand-in for the collector's `POST /v1/logs`: answers each request with the next status of `answers` (then 200). */
let server: Server;
let url: string;
let answers: number[] = [];
let requests: (string | undefined)[][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      requests.push((JSON.parse(body) as BackendLog[]).map((r) => r.event_id));
      res.writeHead(answers.shift() ?? 200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  answers = [];
  requests = [];
});

function logsInto(shipper: ReturnType<typeof createShipper>, n: number): (string | undefined)[] {
  const ids: (string | undefined)[] = [];
  const log = createLogger({ service: 'test', sink: (r) => (ids.push(r.event_id), shipper.push(r)), echo: 'none' });
  for (let i = 0; i < n; i++) log.info(`line ${i}`);
  return ids;
}

describe('the log shipper', () => {
  it('keeps a batch the collector cannot take (503, 429) and sends the same records again until it does', async () => {
    const shipper = createShipper({ url, token: 't', flushMs: 60_000 });
    const ids = logsInto(shipper, 5);
    answers = [503, 429];
    await shipper.flush();
    expect(shipper.stats()).toEqual({ sent: 0, dropped: 0, buffered: 5 });
    await shipper.close(10_000);
    expect(shipper.stats()).toEqual({ sent: 5, dropped: 0, buffered: 0 });
    expect(requests).toHaveLength(3);
    for (const r of requests) expect(r).toEqual(ids);
  });

  it('drops at once a batch the collector refuses for good (400), and goes on with the rest', async () => {
    const shipper = createShipper({ url, token: 't', flushMs: 60_000, maxBatch: 2 });
    const ids = logsInto(shipper, 4);
    answers = [400];
    await shipper.flush();
    expect(shipper.stats()).toEqual({ sent: 0, dropped: 2, buffered: 2 });
    await shipper.close(5000);
    expect(shipper.stats()).toEqual({ sent: 2, dropped: 2, buffered: 0 });
    expect(requests).toEqual([ids.slice(0, 2), ids.slice(2)]);
  });
});
