// The fault suite in CI: a bounded set of fixed seeds against a 3-member store-server cluster,
// every fault kind drawn at least once across them, and zero anomalies demanded. For many more
// runs (and against etcd), `npm run soak -- --runs N`.

import { describe, expect, it } from 'vitest';
import { runScenario, type ScenarioResult } from './scenario.js';

const SEEDS = [1, 2, 3, 4];
const DURATION_MS = 20_000;

function summary(r: ScenarioResult): string {
  return `seed ${r.seed}: ${r.operations} ops (${r.unknownOutcomes} unknown), ${r.faults.length} faults [${r.faults.map((f) => `${f.kind}@${f.target}`).join(', ')}], ${r.watchEvents} watch events, ${r.leases} leases`;
}

describe('fault injection against store-server', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: no anomaly under faults`, async () => {
      const r = await runScenario(seed, { program: 'store-server', durationMs: DURATION_MS, log: (l) => console.log(l) });
      console.log(summary(r));
      expect(r.faults.length).toBeGreaterThan(0);
      expect(r.operations).toBeGreaterThan(50);
      expect(r.anomalies).toEqual([]);
      expect(r.undecidedKeys).toEqual([]);
    }, 180_000);
  }
});
