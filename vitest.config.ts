import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One suite in three projects, all run by `npm test`: `unit` (tests beside
// the code in src/**, some of them on a database, and the web app's pure
// helpers in web/src/**), `integration` (cross-module tests under test/) and
// `e2e` (browser tests in test/e2e). `npm run test:unit` and friends run one.
// Database tests run on PGlite unless TEST_DATABASE_URL points at a
// PostgreSQL server.
export default defineConfig({
  test: {
    pool: 'forks',
    // Vitest's default in a run is one worker less than the CPUs: a single
    // worker on the 2-core machines here, where much of a test's time is
    // spent waiting on Chromium, PostgreSQL or a child process. Two workers
    // keep both cores busy (WODNIK_TEST_WORKERS overrides).
    maxWorkers: Number(process.env.WODNIK_TEST_WORKERS) || Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] } },
      // A browser walk signs several people in and runs axe at two widths: minutes on a busy machine.
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 180_000 } },
    ],
  },
});
