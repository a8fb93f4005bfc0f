/**
 * Entry point: `tsx src/main.ts` (or `npm start -w collector`).
 *
 * Prints exactly one line to stdout, `collector listening on http://<host>:<port>`, once it
 * accepts requests (with the real port when `LIFELINE_COLLECTOR_PORT=0`); logs go to
 * stderr as JSON lines. SIGINT/SIGTERM: stop accepting, finish in-flight requests, flush
 * the insert buffer (to ClickHouse, or to the disk spool if that fails), stop the spool's
 * replayer, close storage, exit 0. Bad configuration or storage exits non-zero.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig, type CollectorConfig } from './config';
import { openCollector, type Collector } from './collector';
import { createLogger, errorMessage } from './log';

/** Longest a graceful stop may take before the process gives up and exits 1. */
const STOP_TIMEOUT_MS = 15_000;

const log = createLogger();

async function main(): Promise<void> {
  let config: CollectorConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`collector: ${err.message}\n`);
    process.exit(2);
  }

  let collector: Collector;
  try {
    collector = await openCollector(config, { log });
  } catch (err) {
    process.stderr.write(`collector: cannot start: ${errorMessage(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  log.info(collector.schemaReady() ? 'storage ready' : 'storage not reachable yet; spooling', {
    storage: collector.storage.describe,
    schema_version: collector.migration?.version,
    spool: collector.ingest.spool.dir,
  });

  const server = serve({ fetch: collector.app.fetch, hostname: config.host, port: config.port }, (info) => {
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    process.stdout.write(`collector listening on http://${host}:${info.port}\n`);
  }) as Server;

  server.on('error', async (err) => {
    process.stderr.write(`collector: cannot listen on ${config.host}:${config.port}: ${err.message}\n`);
    await collector.close().catch(() => {});
    process.exit(1);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    setTimeout(() => {
      log.error('stop timed out; exiting', { after_ms: STOP_TIMEOUT_MS });
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    try {
      const closed = closeServer(server);
      // Write what waits now instead of at the end of the flush window, so in-flight
      // requests get their answers (and the server closes) without delay.
      void collector.ingest.flush();
      await closed;
      await collector.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error('stop failed', { reason: errorMessage(err) });
      process.exit(1);
    }
  };
  collector.alerting.start();
  process.on('SIGHUP', () => void collector.alerting.reload());
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * Stops accepting connections and waits for in-flight requests (whose answers wait on the
 * insert buffer, which keeps running until after this). Keep-alive connections that go
 * idle are closed as they do, since `close()` alone would wait for clients to hang up.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close((err) => {
      clearInterval(sweep);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

main().catch((err) => {
  process.stderr.write(`collector: fatal: ${errorMessage(err)}\n`);
  process.exit(1);
});
