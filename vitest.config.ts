import { defineConfig } from 'vitest/config';

// Four projects, run in this order (groupOrder), so a newcomer can run one layer alone (`vitest run --project unit`):
// - unit:    pure modules, no I/O (`*.test.ts`)
// - db:      the database layer on PGlite/PostgreSQL, no sockets or processes (`*.pg-test.ts`)
// - int:     real relays, servers and child processes, over sockets (`*.int-test.ts`)
// - browser: Playwright driving Debian's Chromium against `kiosk start` (`*.e2e-test.ts`)
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['{shared,store,sync-server,projector,cli,client}/src/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'db',
          sequence: { groupOrder: 1 },
          include: ['{shared,store,sync-server,projector,cli,client}/src/**/*.pg-test.ts', 'migrations/**/*.pg-test.ts', 'test/**/*.pg-test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // PGlite instances are ~100 MB each; two forks keep a 2-core box responsive.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'int',
          sequence: { groupOrder: 2 },
          include: ['{shared,store,sync-server,projector,cli,client}/src/**/*.int-test.ts', 'migrations/**/*.int-test.ts', 'test/**/*.int-test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file starts relays/servers on PGlite (~100 MB each); two forks keep a 2-core box responsive.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'browser',
          sequence: { groupOrder: 3 },
          include: ['test/e2e/**/*.e2e-test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
