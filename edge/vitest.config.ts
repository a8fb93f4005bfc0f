import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Keep miniflare offline: no download of the `request.cf` placeholder, no telemetry.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
process.env.WRANGLER_SEND_METRICS ??= 'false';

const configPath = './wrangler.jsonc';

// The suites send hundreds of requests from one client within seconds; the rate limits are
// tested with vars of their own (test/security/rateLimit.test.ts), so here they are off.
const bindings = {
  LIFELINE_RATE_KEY: 'off',
  LIFELINE_RATE_CLIENT: 'off',
  // Inputs per property in the fuzz tests: `LIFELINE_FUZZ_RUNS=20000 npm test -w edge`.
  LIFELINE_FUZZ_RUNS: process.env.LIFELINE_FUZZ_RUNS ?? '',
};

// Waits inside the tests (a queue's delivery, a stream's next message) have their own
// bounds; the test timeout only has to outlast them on a busy two-core machine.
const testTimeout = 30_000;

export default defineConfig({
  test: {
    // The worker logs one JSON line per failure; show them only for failing tests.
    silent: 'passed-only',
    projects: [
      {
        // The default environment: batches go to the collector by fetch.
        plugins: [cloudflareTest({ main: './src/index.ts', wrangler: { configPath }, miniflare: { bindings } })],
        test: { name: 'edge', include: ['test/**/*.test.ts'], exclude: ['test/queue/**', 'test/cli/**'], testTimeout },
      },
      {
        // The `queue` environment: LIFELINE_QUEUE bound as producer and consumer.
        plugins: [cloudflareTest({ main: './src/index.ts', wrangler: { configPath, environment: 'queue' }, miniflare: { bindings } })],
        test: { name: 'edge-queue', include: ['test/queue/**/*.test.ts'], testTimeout },
      },
      {
        // The ops CLI runs in Node, against a real `wrangler dev` started by the tests.
        test: {
          name: 'edge-cli',
          include: ['test/cli/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
