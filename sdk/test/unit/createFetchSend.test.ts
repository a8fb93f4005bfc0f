import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchSend } from '../../src/transport/createFetchSend.js';

/** A server that answers `/ok` at once and never answers `/stall`. */
let server: Server;
let base = '';
const stalled: { end: () => void }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/ok') {
      res.writeHead(202, { 'Retry-After': '7' }).end('{}');
      return;
    }
    stalled.push({ end: () => res.destroy() });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of stalled) s.end();
  await new Promise((r) => server.close(r));
});

describe('createFetchSend', () => {
  it('posts the body and answers the status and Retry-After', async () => {
    await expect(createFetchSend()({ url: `${base}/ok`, body: '{"v":1}', keepalive: false })).resolves.toEqual({ status: 202, retryAfter: '7' });
  });

  it('gives up a send that never settles after its timeout, so its events can be retried', async () => {
    const started = performance.now();
    const error = await createFetchSend(300)({ url: `${base}/stall`, body: '{"v":1}', keepalive: false }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(stalled.length).toBe(1);
  });
});
