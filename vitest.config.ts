import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Bundles the HTML report's client, which tests running from source read from src/.
    globalSetup: ['test/setup/bundle-client.ts'],
    // An upper bound for a hung test, not a speed budget: a CLI child's cold start and a recording
    // round trip took past 30 s in full runs at load 20+ on the 2-core box, and passed alone.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start real servers and SQLite files; two workers match the 2-core CI box.
    pool: 'forks',
    maxWorkers: 2,
  },
});
