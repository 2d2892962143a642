import { defineConfig } from 'vitest/config';

// Two projects, run one after the other by `npm test`:
//  - unit: everything inside one process (Raft, the simulator, MVCC, the member with an in-memory
//    network, the transport on loopback); files run in parallel.
//  - process: tests that start real store-server and etcd processes and compare them or race them
//    against timers. They run one file at a time, so a saturated CPU cannot turn a timeout into a
//    false failure.
const processTests = ['test/**/*.test.ts', 'store/client/**/*.test.ts', 'store/server/gateway/{gateway,etcd-diff}.test.ts'];

export default defineConfig({
  test: {
    // The Raft simulator runs thousands of seeded clusters; give it room on a 2-core CI machine.
    testTimeout: 300_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['store/**/*.test.ts', 'apiserver/**/*.test.ts', 'client/**/*.test.ts', 'controllers/**/*.test.ts', 'scheduler/**/*.test.ts', 'kubelet-lite/**/*.test.ts', 'kubectl-lite/**/*.test.ts', 'cluster/**/*.test.ts'], exclude: ['**/node_modules/**', ...processTests] },
      },
      {
        extends: true,
        // The soak runner exists only when `npm run soak` asks for it (bench/soak.ts sets FAULT_SOAK).
        test: { name: 'process', include: processTests, exclude: ['**/node_modules/**', ...(process.env['FAULT_SOAK'] ? [] : ['test/faults/soak.test.ts'])], fileParallelism: false },
      },
    ],
  },
});
