// The browser tests as their own vitest project: `npx vitest run --config test/browser/vitest.config.ts`,
// or listed in the root config's `test.projects`.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  test: {
    name: 'browser',
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    // one Chromium at a time on a small machine
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
