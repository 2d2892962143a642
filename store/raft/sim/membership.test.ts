// Membership changes under faults: each run works through the standard plan (add a learner,
// promote it, add a voter, remove the leader, joint changes with 'auto' transition and several
// changes, demote a voter) while the network and crashes do their worst. New members join with
// empty disks and catch up from the log or a snapshot; removed members are shut down.
// Replay one: RAFT_SIM_SEED=<seed> npx vitest run store/raft/sim/replay.test.ts

import { describe, expect } from 'vitest';
import { standardPlan } from './membership.js';
import { seedCount, sweep } from './sweep.js';

for (const size of [3, 5]) {
  describe(`raft sim: membership, ${size} members`, () => {
    sweep('membership', size, seedCount(100), (t) => {
      const goals = standardPlan(size).length;
      // runSeed fails a run whose plan does not complete, so this is a sanity check of the totals.
      expect(t.membershipGoals).toBe(t.runs * goals);
      // "Under faults" must mean something: most goals are reached before the network is healed.
      expect(t.membershipGoalsUnderFaults).toBeGreaterThan(t.membershipGoals * 0.5);
      // Every goal is one conf change entry, and each of the three joint ones adds a leave entry.
      expect(t.stats.confChangesApplied).toBeGreaterThanOrEqual(t.runs * (goals + 3));
      // Removed: the leader, three followers, in every run.
      expect(t.stats.removed).toBeGreaterThanOrEqual(t.runs * 4);
    });
  });
}
