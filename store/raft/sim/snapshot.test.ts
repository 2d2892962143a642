// Snapshots under faults: members compact down to a couple of entries all the time and crash
// often, so lagging and restarted members can only catch up from snapshots, which the network
// loses and duplicates like any message (the sender's host reports failure or success).
// Replay one: RAFT_SIM_SEED=<seed> npx vitest run store/raft/sim/replay.test.ts

import { describe, expect, it } from 'vitest';
import { lostSnapshot } from './scripts.js';
import { seedCount, sweep } from './sweep.js';

for (const size of [3, 5]) {
  describe(`raft sim: snapshots, ${size} members`, () => {
    sweep('snapshot', size, seedCount(300), (t) => {
      expect(t.stats.snapshotsTaken).toBeGreaterThan(t.runs * 20);
      // Most runs must actually move a snapshot over the wire and install it.
      expect(t.stats.snapshotsInstalled).toBeGreaterThan(t.runs);
      expect(t.stats.snapshotsSent).toBeGreaterThanOrEqual(t.stats.snapshotsInstalled);
    });
  });
}

describe('raft sim: snapshot host duties', () => {
  it('a dropped MsgSnap is reported as failed and the leader sends it again', () => {
    const c = lostSnapshot();
    expect(c.stats.snapshotsInstalled).toBeGreaterThanOrEqual(1);
    expect(c.member(3).tm.applied.map((a) => a.data)).toEqual(c.member(1).tm.applied.map((a) => a.data));
  });
});
