// Leader churn: no pre-vote or check-quorum, leaders crash often with half-sent appends, one
// entry per message. Logs fill with old-term entries held by some members only (the setting of
// Figure 8 in the Raft paper), which is where commit and election rules are tested hardest.
// Replay one: RAFT_SIM_SEED=<seed> npx vitest run store/raft/sim/replay.test.ts

import { describe, expect } from 'vitest';
import { seedCount, sweep } from './sweep.js';

for (const size of [3, 5]) {
  describe(`raft sim: leader churn, ${size} members`, () => {
    sweep('churn', size, seedCount(300), (t) => {
      expect(t.leadersElected).toBeGreaterThan(t.runs * 8);
      expect(t.stats.crashes).toBeGreaterThan(t.runs * 20);
      expect(t.stats.acknowledged).toBeGreaterThan(0);
    });
  });
}
