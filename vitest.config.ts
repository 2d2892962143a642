import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['store/**/*.test.ts', 'test/**/*.test.ts'],
    // The Raft simulator runs hundreds of seeded clusters; give it room on a 2-core CI machine.
    testTimeout: 300_000,
    pool: 'forks',
  },
});
