// The fault suite in CI: a bounded set of fixed seeds against a 3-member store-server cluster,
// the thirteen fault kinds split between them so that each is injected, and zero anomalies
// demanded; then one run against the real etcd, which must pass too (a check of the checkers:
// an anomaly there is a false alarm). Seed 3 also snapshots every 100 entries and keeps only 20
// after each, so the wiped member and the partitioned or killed follower catch up by a snapshot
// sent over the network (at least one must be). For many more runs, `npm run soak -- --runs N`.

import { describe, expect, it } from 'vitest';
import type { FaultKind } from './nemesis.js';
import { runScenario, type ScenarioOptions, type ScenarioResult } from './scenario.js';

const DURATION_MS = 20_000;

interface Run {
  seed: number;
  program: ScenarioOptions['program'];
  faults: FaultKind[];
  /** Small --snapshot-count and --experimental-snapshot-catchup-entries: followers catch up by snapshot. */
  snapshots?: boolean;
}

const RUNS: Run[] = [
  { seed: 1, program: 'store-server', faults: ['partition-leader', 'one-way-from-leader', 'kill-leader'] },
  { seed: 2, program: 'store-server', faults: ['partition-follower', 'one-way-to-leader', 'stop-leader'] },
  { seed: 3, program: 'store-server', faults: ['partition-majority', 'delay', 'kill-follower', 'wipe-follower'], snapshots: true },
  { seed: 4, program: 'store-server', faults: ['drop', 'stop-follower', 'leader-churn'] },
  { seed: 5, program: 'etcd', faults: ['partition-leader', 'kill-leader', 'one-way-to-leader', 'stop-follower', 'wipe-follower'] },
];

function summary(r: ScenarioResult): string {
  return `seed ${r.seed} (${r.program}): ${r.operations} ops (${r.unknownOutcomes} unknown), ${r.faults.length} faults [${r.faults.map((f) => `${f.kind}@${f.target}`).join(', ')}], ${r.watchEvents} watch events, ${r.leases} leases, ${r.snapshotsSent} snapshots sent (${r.snapshotsApplied} applied), longest outage ${(r.longestOutageMs / 1000).toFixed(1)} s`;
}

describe('fault injection', () => {
  for (const run of RUNS) {
    it(`seed ${run.seed} against ${run.program} (${run.faults.join(', ')}${run.snapshots ? '; catch-up by snapshot' : ''}): no anomaly`, async () => {
      const snapshots = run.snapshots ? { snapshotCount: 100, snapshotCatchupEntries: 20 } : {};
      const r = await runScenario(run.seed, { program: run.program, durationMs: DURATION_MS, faults: run.faults, minFaults: run.faults.length, ...snapshots });
      console.log(summary(r));
      expect(new Set(r.faults.map((f) => f.kind))).toEqual(new Set(run.faults));
      expect(r.operations).toBeGreaterThan(50);
      expect(r.anomalies).toEqual([]);
      expect(r.undecidedKeys).toEqual([]);
      if (run.faults.includes('wipe-follower')) expect(r.faults.find((f) => f.kind === 'wipe-follower')?.target).toMatch(/^m\d$/); // really wiped, not skipped
      if (run.snapshots) {
        expect(r.snapshotsSent).toBeGreaterThan(0);
        expect(r.snapshotsApplied).toBeGreaterThan(0);
      }
    }, 180_000);
  }

  // The suite tests itself: serializable reads recorded as linearizable ones must be caught as soon
  // as a partitioned follower serves a stale one (one key, long partitions: it cannot fail to happen).
  it('a history that claims stale serializable reads were linearizable is caught', async () => {
    const r = await runScenario(6, { program: 'store-server', durationMs: 15_000, keys: 1, faults: ['partition-follower'], minFaults: 2, holdMs: [3000, 4000], mislabelSerializableReads: true });
    console.log(summary(r));
    expect(r.anomalies.filter((a) => a.checker === 'linearizability')).toHaveLength(1);
    expect(r.anomalies.some((a) => a.checker === 'revisions')).toBe(true);
  }, 180_000);
});
