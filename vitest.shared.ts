import { defineConfig } from 'vitest/config';

/** Shared vitest settings: resolve workspace packages to their TypeScript sources (no build needed). */
export default defineConfig({
  resolve: { conditions: ['@unet3d/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@unet3d/source', 'module', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.test.ts'],
    // Limits for hangs, not speed goals: a loaded 2-core machine can be 5× slower than a quiet one, so a test
    // or hook that takes up to a minute on a quiet machine still finishes. Longer ones set their own limit.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
