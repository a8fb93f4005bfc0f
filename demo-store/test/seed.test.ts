import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorBatch } from '@lifeline/protocol';
import { seedOnce } from '../src/traffic/seed';

/**
 * A stand-in collector for `seedOnce`: records the event IDs of every batch, and refuses
 * (400, so the seeding stops at once) the batch numbered `refuseAt`.
 */
let server: Server;
let url: string;
let refuseAt = Infinity;
let batches = 0;
const received: { id: string; ts: number }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      if (++batches === refuseAt) return void res.writeHead(400).end('{"error":"bad_request","reason":"test"}');
      for (const e of (JSON.parse(body) as CollectorBatch).events) received.push({ id: e.event_id, ts: e.ts });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('seedOnce', () => {
  it('a run cut short is done again from the same moment: the same events, the same IDs, then never again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-seed-'));
    try {
      const options = { project: 'demo', collectorUrl: url, collectorSecret: 's', days: 3, sessionsPerDay: 4000 };
      const now = Date.UTC(2026, 10, 20, 12);
      refuseAt = 3;
      await expect(seedOnce(dir, { ...options, now })).rejects.toThrow(/refused/);
      expect(existsSync(join(dir, 'seeded.json'))).toBe(false);
      const first = received.splice(0);
      expect(first.length).toBeGreaterThan(0);

      // Started again an hour later: it generates from the moment the first run used.
      refuseAt = Infinity;
      batches = 0;
      const total = await seedOnce(dir, { ...options, now: now + 3_600_000 });
      const second = received.splice(0);
      expect(total).toBe(second.length);
      const byId = new Map(second.map((e) => [e.id, e.ts]));
      for (const e of first) expect(byId.get(e.id)).toBe(e.ts);
      // It ends where the first run's history ended (a session may run a few minutes past it), not an hour later.
      expect(Math.max(...second.map((e) => e.ts))).toBeLessThan(now + 30 * 60_000);
      expect(existsSync(join(dir, 'seeded.json'))).toBe(true);
      expect(existsSync(join(dir, 'seeding.json'))).toBe(false);

      expect(await seedOnce(dir, { ...options, now: now + 7_200_000 })).toBeNull();
      expect(received).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
