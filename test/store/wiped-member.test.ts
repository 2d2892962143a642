// A member whose data dir is wiped must not come back under its old id (that is what MemberRemove
// then MemberAdd are for: the fault suite's wipe-follower). It has lost entries it acknowledged to
// the leader, and both programs refuse to go on: with --initial-cluster-state new etcd 3.4 sees
// from the other members that it was bootstrapped already, or (store-server, which does not ask)
// it bootstraps a fresh log and then stops at the leader's first heartbeat, whose commit index is
// beyond its log; with state existing both stop at that heartbeat ("tocommit(N) is out of range",
// a panic in etcd). Neither may stay up serving reads from the empty store.
// The wiped member is a follower: the leader knows how far its log went. (A wiped former leader
// can slip back in: the new leader starts with no match index for it, so its heartbeats commit
// nothing and it probes the empty log down to index 1; etcd 3.4 lets that happen too.)

import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { findLeader } from '../faults/nemesis.js';
import { TestCluster, type Program } from './testing/cluster.js';
import { runEtcdctl } from './testing/etcdctl-diff.js';

describe('a member restarted on an empty data dir under its old id', () => {
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  for (const program of ['store-server', 'etcd'] as Program[]) {
    for (const state of ['new', 'existing'] as const) {
      it(`${program}, --initial-cluster-state ${state}: refused, the member stops`, async () => {
        cluster = await TestCluster.start({ program, members: 3 });
        for (let i = 0; i < 20; i++) expect((await runEtcdctl(cluster.endpoints, ['put', `k${i}`, `v${i}`])).code).toBe(0);
        const leader = await findLeader(cluster.members);
        const m = cluster.members.find((x) => x !== leader)!;
        await m.kill('SIGKILL');
        rmSync(m.dataDir, { recursive: true, force: true });
        m.join = { initialCluster: cluster.initialCluster, state };
        m.start();
        expect(await m.waitExit(30_000)).not.toBe(0);
        if (program === 'store-server') expect(m.output).toMatch(/tocommit\(\d+\) is out of range \[lastIndex\(\d+\)\]/);
        else expect(m.output).toMatch(state === 'new' ? /member [0-9a-f]+ has already been bootstrapped/ : /panic: tocommit\(\d+\) is out of range/);
        // The others go on.
        const other = cluster.members.find((x) => x !== m)!;
        let put = await runEtcdctl(other.endpoint, ['put', 'after', 'v']);
        for (let i = 0; i < 20 && put.code !== 0; i++) put = await runEtcdctl(other.endpoint, ['put', 'after', 'v']);
        expect(put.code).toBe(0);
      }, 120_000);
    }
  }
});
