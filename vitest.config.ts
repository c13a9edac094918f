import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Bundles the HTML report's client, which tests running from source read from src/.
    globalSetup: ['test/setup/bundle-client.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and SQLite files; two workers match the 2-core CI box.
    pool: 'forks',
    maxWorkers: 2,
  },
});
