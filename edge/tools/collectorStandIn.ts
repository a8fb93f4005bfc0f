import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CollectorBatch, StoredEvent } from '@lifeline/protocol';

export interface CollectorStandIn {
  url: string;
  /** Every event received, in order of arrival. */
  events: StoredEvent[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server in the collector's place for runs of `wrangler dev`: it answers
 * `POST /v1/batch` with 200 and keeps the events, so a test or the benchmark can see flag
 * events arrive. The collector's own behaviour is tested in collector/.
 *
 * @example const collector = await startCollectorStandIn(); … collector.events
 */
export async function startCollectorStandIn(): Promise<CollectorStandIn> {
  const events: StoredEvent[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/batch') {
        res.writeHead(404).end();
        return;
      }
      const batch = JSON.parse(body) as CollectorBatch;
      events.push(...batch.events);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ batch_id: batch.batch_id, stored: batch.events.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
