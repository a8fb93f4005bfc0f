import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once, so browser and bundle tests run against the current source.
    globalSetup: ['test/support/globalSetup.ts'],
    // Each browser test file starts Chromium; two at once on a two-core machine starve each other.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
