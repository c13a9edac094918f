import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Bundles the HTML report's client, which tests running from source read from src/.
    globalSetup: ['test/setup/bundle-client.ts'],
    // Timeouts are hang bounds, never speed checks: the suite runs on shared 2-core machines at load
    // 10-25, where a test that takes 5 s idle (600 proxied requests, two tsx child processes) takes 30+.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests start real servers and SQLite files; two workers match the 2-core CI box.
    pool: 'forks',
    maxWorkers: 2,
  },
});
