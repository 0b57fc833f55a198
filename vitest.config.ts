import { defineConfig } from 'vitest/config';

// One suite: unit tests beside the code (src/**, and the web app's pure
// helpers in web/src/**), cross-module tests under test/, browser tests in
// test/e2e. Database tests run on PGlite unless TEST_DATABASE_URL
// points at a PostgreSQL server.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
