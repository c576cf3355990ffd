import { defineConfig } from 'vitest/config';

// Vitest 4: pool options are top-level (poolOptions is gone). Forks get the relaxed-SIMD flag so
// both builds (simd, relaxed) can be loaded on Node 20. Two workers: the CI machine has 2 cores.
// Two projects: the Node tests, and the browser tests (Debian chromium via playwright-core),
// which have their own config in test/browser/.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // the JSON report lets .ci/run print a one-line "N passed, N failed" summary
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'node_modules/**', 'dist/**'],
          // test/threads*.test.ts import dist/ (workers load dist/threads/worker.js): keep it fresh
          globalSetup: ['./test/helpers/build-dist.ts'],
        },
      },
      './test/browser/vitest.config.ts',
    ],
  },
});
