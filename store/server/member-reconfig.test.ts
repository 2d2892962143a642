// Membership changes applied by real members in one process (real disks, the in-memory switch):
// refusals at apply time leave Raft's configuration as it was, learners are added and refused
// promotion while behind, peer URLs updated, and a leader that removes itself steps down and stops
// while the others go on.

import { afterEach, describe, expect, it } from 'vitest';
import { raftIdOf } from './identity.js';
import { MemberAdmin } from './member-admin.js';
import { Member } from './member.js';
import { inProcessMembers, quietLogger, until } from './testing/members.js';
import { Switchboard } from './testing/switchboard.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

const harness = inProcessMembers('member-reconfig', 24800);
afterEach(() => harness.cleanup());
const configs = (n: number) => harness.configs(n);
const start = harness.start;

function admin(m: Member, all: Member[]): MemberAdmin {
  const a: MemberAdmin = new MemberAdmin({
    member: m,
    promoteOnLeader: (id) => admin(all.find((x) => x.isLeader())!, all).promote(id),
  });
  return a;
}

const voters = (m: Member): number[] => [...m.node.raw.status().config.voters].sort();
const learners = (m: Member): number[] => [...m.node.raw.status().config.learners].sort();

describe('membership changes on real members', () => {
  it('refuses at apply time without touching Raft; learner added, not promotable, updated, removed', async () => {
    const sw = new Switchboard();
    const ms = await Promise.all(configs(3).map((c) => start(sw, c)));
    await until(() => ms.some((m) => m.isLeader()));
    await until(() => ms.every((m) => m.membership.list().every((x) => x.clientUrls.length === 1)));
    const follower = ms.find((m) => !m.isLeader())!;
    const before = voters(follower);

    // Proposed past the pre-checks: every member refuses it when applying, the proposer is told.
    const dup = { id: 0x1234n, name: '', peerUrls: [ms[0]!.config.advertisePeerUrls[0]!], clientUrls: [], isLearner: false };
    await expect(follower.proposeMemberChange({ kind: 'add', member: dup })).rejects.toThrow('etcdserver: Peer URLs already exists');
    await expect(follower.proposeMemberChange({ kind: 'remove', id: 0x999n })).rejects.toThrow('etcdserver: member not found');
    for (const m of ms) {
      expect(voters(m)).toEqual(before);
      expect(m.membership.list()).toHaveLength(3);
    }

    const learner = await admin(follower, ms).add(['http://127.0.0.1:1'], true);
    await until(() => ms.every((m) => learners(m).includes(raftIdOf(learner.id)) && m.membership.get(learner.id)?.isLearner === true));
    await expect(admin(follower, ms).promote(learner.id)).rejects.toThrow('etcdserver: can only promote a learner member which is in sync with leader');
    await expect(admin(follower, ms).add(['http://127.0.0.1:2'], true)).rejects.toThrow('etcdserver: too many learner members in cluster');
    await admin(ms[2]!, ms).update(learner.id, ['http://127.0.0.1:3']);
    await until(() => ms.every((m) => m.membership.get(learner.id)?.peerUrls[0] === 'http://127.0.0.1:3'));
    expect(ms.every((m) => m.membership.get(learner.id)?.isLearner)).toBe(true);
    await admin(follower, ms).remove(learner.id);
    await until(() => ms.every((m) => !learners(m).includes(raftIdOf(learner.id)) && m.membership.isRemoved(learner.id)));
    await expect(admin(follower, ms).remove(learner.id)).rejects.toThrow('etcdserver: member not found');
  });

  it('a leader that removes itself answers, steps down and learns it is removed; the others elect and write', async () => {
    const sw = new Switchboard();
    const ms = await Promise.all(configs(3).map((c) => start(sw, c)));
    await until(() => ms.some((m) => m.isLeader()));
    await until(() => ms.every((m) => m.membership.list().every((x) => x.name !== '')));
    await ms[0]!.write({ put: { key: b('k'), value: b('before') } });
    const leader = ms.find((m) => m.isLeader())!;
    let told = 0;
    leader.onRemoved = () => told++;
    await admin(leader, ms).remove(leader.memberId);
    expect(leader.removed).toBe(true);
    expect(told).toBe(1);
    // The step-down shows in the Ready after the one that applied the removal (entries may apply
    // while their Ready's fsync runs), so it may come just after the answer.
    await until(() => !leader.isLeader());
    const rest = ms.filter((m) => m !== leader);
    await until(() => rest.some((m) => m.isLeader()));
    const r = await rest[0]!.write({ put: { key: b('k'), value: b('after') } });
    expect('put' in r).toBe(true);
    await until(() => rest.every((m) => m.membership.list().length === 2 && voters(m).length === 2));
    expect(rest.every((m) => !voters(m).includes(leader.raftId))).toBe(true);
  });

  it('a removed follower that missed its removal learns it from a peer refusing its messages', async () => {
    const sw = new Switchboard();
    const ms = await Promise.all(configs(3).map((c) => start(sw, c)));
    await until(() => ms.some((m) => m.isLeader()));
    await until(() => ms.every((m) => m.membership.list().every((x) => x.name !== '')));
    const victim = ms.find((m) => !m.isLeader())!;
    // Cut off while it is removed: it never applies its own removal.
    sw.down.add(victim.raftId);
    const other = ms.find((m) => m !== victim)!;
    await admin(other, ms).remove(victim.memberId);
    expect(victim.removed).toBe(false);
    sw.down.delete(victim.raftId);
    await until(() => victim.removed);
  });

  it('a learner that joins after the log was compacted catches up from a snapshot, then is promoted', async () => {
    const sw = new Switchboard();
    const cfgs = configs(4).map((c) => ({ ...c, snapshotCount: 300 }));
    // m4 is not a founder: it is added later, and joins with --initial-cluster-state existing.
    const founders = cfgs.slice(0, 3).map((c) => ({ ...c, initialCluster: c.initialCluster.split(',').slice(0, 3).join(',') }));
    const ms = await Promise.all(founders.map((c) => start(sw, c)));
    await until(() => ms.some((m) => m.isLeader()));
    // More entries than a leader keeps after a snapshot (5000): the log no longer starts at 1.
    for (let batch = 0; batch < 11; batch++) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => ms[0]!.write({ put: { key: b(`k${i}`), value: b(`v${batch}`) } })));
    }
    const leader = ms.find((m) => m.isLeader())!;
    await until(() => leader.node.raw.raft.raftLog.firstIndex() > 1);
    const url = cfgs[3]!.advertisePeerUrls;
    const learner = await admin(leader, ms).add(url, true);
    const info = leader.membersInfo();
    let asked: string[] = [];
    const joiner: Member = new Member({ ...cfgs[3]!, initialClusterState: 'existing' }, quietLogger);
    await joiner.open(() => sw.transportFor(() => joiner), (e) => {
      throw e;
    }, async (urls) => {
      asked = urls;
      return info;
    });
    expect(joiner.memberId).toBe(learner.id);
    expect(joiner.clusterId).toBe(leader.clusterId);
    expect(asked.sort()).toEqual(founders.map((c) => c.advertisePeerUrls[0]).sort());
    sw.members.set(joiner.raftId, joiner);
    joiner.start();
    harness.track(joiner);
    await until(() => joiner.kv.revision === leader.kv.revision, 20_000);
    expect(joiner.kv.hash()).toEqual(leader.kv.hash());
    // It never saw the first entries: they came as a snapshot (with the member table in it).
    expect(joiner.node.raw.raft.raftLog.firstIndex()).toBeGreaterThan(1);
    expect(joiner.membership.list().map((m) => m.id)).toEqual(leader.membership.list().map((m) => m.id));
    await admin(ms[1]!, [...ms, joiner]).promote(learner.id);
    await until(() => [...ms, joiner].every((m) => voters(m).length === 4));
    await joiner.write({ put: { key: b('from-the-new-voter'), value: b('x') } });
  });
});
