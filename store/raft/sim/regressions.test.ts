// Deterministic reproductions of what the simulator found, so each stays fixed even after the
// random runs that first found it change meaning (every change to the simulator reshuffles what
// a seed does). Core fixes: raft.ts maybeSendAppend, rawnode.ts step. Host rule: a member added
// after the last snapshot needs a snapshot that lists it (SimCluster's snapshot policies). ("script-0" is the liveness check's own proposal.)

import { describe, expect, it } from 'vitest';
import { fullWindowHeartbeat, joinAfterCompaction, proposalComesHome } from './scripts.js';

describe('simulator findings', () => {
  it('a heartbeat response from a follower with a full window of lost appends gets an empty probe', () => {
    const c = fullWindowHeartbeat();
    for (const id of [1, 2, 3]) expect(c.member(id).tm.applied.map((a) => a.data)).toEqual(['w1', 'w2', 'w3', 'script-0']);
  });

  it('a forwarded proposal that comes back to a member without a leader is dropped silently', () => {
    const c = proposalComesHome();
    expect(c.proposals.get('boomerang')?.status).toBe('pending');
  });

  for (const policy of [{ kind: 'fresh' }, { kind: 'afterAdd', keep: 0 }] as const) {
    it(`a member added after compaction joins from a snapshot that lists it (policy ${policy.kind})`, () => {
      const c = joinAfterCompaction({ snapshotPolicy: policy });
      expect(c.member(4).tm.applied.map((a) => a.data)).toEqual(['j0', 'j1', 'j2', 'j3', 'j4', 'script-0']);
      expect(c.conf.voters).toEqual([1, 2, 3, 4]);
      expect(c.stats.snapshotsInstalled).toBeGreaterThanOrEqual(1);
      expect(c.stats.snapshotsFreshened > 0).toBe(policy.kind === 'fresh');
    });
  }

  it('without either policy the newcomer refuses the stale snapshot forever: a liveness failure', () => {
    expect(() => joinAfterCompaction({ snapshotPolicy: { kind: 'stored' } })).toThrow(/liveness violated/);
  });
});
