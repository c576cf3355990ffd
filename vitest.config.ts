import { defineConfig } from 'vitest/config';

// Vitest 4: pool options are top-level (poolOptions is gone). Forks get the relaxed-SIMD flag so
// both builds (simd, relaxed) can be loaded on Node 20. Two workers: the CI machine has 2 cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/browser/ drives Chromium through playwright-core with its own runner.
    exclude: ['test/browser/**', 'node_modules/**', 'dist/**'],
    pool: 'forks',
    maxWorkers: 2,
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
