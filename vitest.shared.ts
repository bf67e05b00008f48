import { defineConfig } from 'vitest/config';

/** Shared vitest settings: resolve workspace packages to their TypeScript sources (no build needed). */
export default defineConfig({
  resolve: { conditions: ['@unet3d/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@unet3d/source', 'module', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
