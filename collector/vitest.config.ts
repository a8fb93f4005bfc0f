import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // chDB is a native library bound to one data directory per process: run each test
    // file in its own child process (forks, isolated), each with its own temp directory.
    pool: 'forks',
    isolate: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
