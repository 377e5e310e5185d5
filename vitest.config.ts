import { defineConfig } from 'vitest/config';

/**
 * Two test files at a time in every tier. Vitest's default on this 2-core machine is one worker, and projects with
 * different worker counts run one after the other; most test time is spent waiting on sockets, databases and
 * browsers, so two at a time nearly halves the suite's wall time.
 */
const workers = 2;

export default defineConfig({
  test: {
    maxWorkers: workers,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          maxWorkers: workers,
          testTimeout: 30_000,
          // Hub tests open a copy of a migrated database first; on a loaded 2-core machine that can take a while.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.integration.test.ts', 'e2e/scenarios/**/*.test.ts'],
          maxWorkers: workers,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/browser/**/*.test.ts'],
          maxWorkers: workers,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
