// Snapshots: log compaction by the host, MsgSnap to a follower behind the compacted prefix, the
// snapshot progress state and reportSnapshot, and restarts from a snapshot.

import { describe, expect, it } from 'vitest';
import { Network, newRaft, presetStorage, takeMessages } from './testing/network.js';
import { TestMember, utf8, type MemberOptions } from './testing/member.js';
import { emptyConfState, message, type ConfState, type NodeId, type Snapshot } from './types.js';

const progress = (net: Network, id: NodeId) => net.member(1).node.status().progress!.get(id)!;
const conf = (c: Partial<ConfState>): ConfState => ({ ...emptyConfState(), ...c });
const snapshotOf = (index: number, term: number, voters: NodeId[] = [1, 2, 3]): Snapshot => ({
  metadata: { index, term, confState: { ...emptyConfState(), voters } },
  data: utf8('[]'),
});

/** A 3-member group where 3 missed 10 committed proposals and the leader compacted them away. */
function behindCompaction(options: MemberOptions = {}): Network {
  const net = Network.withLeader([1, 2, 3], options);
  net.isolate(3);
  for (let i = 0; i < 10; i++) net.propose(1, `p${i}`);
  expect(net.member(1).appliedIndex).toBe(14);
  net.member(1).takeSnapshot();
  expect(net.member(1).storage.firstIndex()).toBe(15);
  return net;
}

describe('snapshots', () => {
  it('the host snapshots and compacts; the group goes on, and compacted entries are never needed again', () => {
    const net = Network.withLeader([1, 2, 3]);
    for (let i = 0; i < 5; i++) net.propose(1, `a${i}`);
    net.elapse(1);
    for (const id of [1, 2, 3]) net.member(id).takeSnapshot(2);
    expect(net.member(1).storage.firstIndex()).toBe(8);
    for (let i = 0; i < 5; i++) net.propose(2, `b${i}`);
    net.elapse(1);
    for (const id of [1, 2, 3]) {
      expect(net.member(id).applied.map((a) => a.data)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']);
    }
    expect(net.count((m) => m.type === 'MsgSnap')).toBe(0);
  });

  it('a follower behind the compacted prefix is sent the snapshot, applies it from its Ready, and catches up', () => {
    const net = behindCompaction();
    net.recover();
    net.clearTrace();
    net.tick(1);
    net.deliverAll();
    const snaps = net.delivered.filter((m) => m.type === 'MsgSnap');
    expect(snaps.map((m) => [m.to, m.snapshot!.metadata.index, m.snapshot!.metadata.term])).toEqual([[3, 14, 2]]);
    const m3 = net.member(3);
    expect(m3.storage.snapshot().metadata.index).toBe(14);
    expect(m3.appliedIndex).toBe(14);
    expect(m3.applied.map((a) => a.data)).toEqual(net.member(1).applied.map((a) => a.data));
    // Its acknowledgement of the snapshot puts it back into replication at once.
    expect(progress(net, 3)).toMatchObject({ state: 'replicate', match: 14 });
    net.propose(1, 'after');
    expect(m3.applied.at(-1)).toEqual({ index: 15, term: 2, data: 'after' });
  });

  it('while a snapshot is in flight the follower gets no appends', () => {
    const net = behindCompaction();
    net.recover();
    net.ignore('MsgSnap');
    net.tick(1);
    net.deliverAll();
    expect(progress(net, 3)).toMatchObject({ state: 'snapshot', pendingSnapshot: 14 });
    net.clearTrace();
    net.propose(1, 'x');
    net.elapse(3);
    expect(net.delivered.filter((m) => m.type === 'MsgApp' && m.to === 3)).toEqual([]);
    expect(progress(net, 3).state).toBe('snapshot');
  });

  describe('reportSnapshot', () => {
    it.each([
      { status: 'finish', next: 15, pendingSnapshot: 0, resends: false },
      { status: 'failure', next: 5, pendingSnapshot: 0, resends: true },
    ] as const)('$status -> probe from $next; a new snapshot is sent: $resends', ({ status, next, resends }) => {
      const net = behindCompaction();
      net.recover();
      if (status === 'finish') {
        // The snapshot arrives but its acknowledgement is lost: only the host's report moves on.
        net.filter((m) => m.type === 'MsgAppResp' && m.from === 3 && !m.reject);
      } else {
        net.ignore('MsgSnap');
      }
      net.tick(1);
      net.deliverAll();
      expect(progress(net, 3)).toMatchObject({ state: 'snapshot', pendingSnapshot: 14 });
      net.elapse(3);
      expect(progress(net, 3).state).toBe('snapshot'); // heartbeats alone do not unblock it
      net.member(1).node.reportSnapshot(3, status);
      expect(progress(net, 3)).toMatchObject({ state: 'probe', next, pendingSnapshot: 0 });
      net.recover();
      net.clearTrace();
      // The report pauses the probe until the follower is heard from (a heartbeat answer).
      net.deliverAll();
      expect(net.delivered.filter((m) => m.type === 'MsgApp' || m.type === 'MsgSnap')).toEqual([]);
      net.elapse(1);
      expect(net.count((m) => m.type === 'MsgSnap' && m.to === 3)).toBe(resends ? 1 : 0);
      expect(progress(net, 3)).toMatchObject({ state: 'replicate', match: 14 });
      net.propose(1, 'after');
      expect(net.member(3).applied.map((a) => a.data)).toEqual([...Array.from({ length: 10 }, (_, i) => `p${i}`), 'after']);
    });

    it('a report about a follower not in snapshot state is ignored', () => {
      const net = Network.withLeader([1, 2, 3]);
      const before = progress(net, 2);
      net.member(1).node.reportSnapshot(2, 'failure');
      expect(progress(net, 2)).toEqual(before);
    });
  });

  describe('restart after a snapshot', () => {
    it.each([
      { name: 'the leader that compacted', id: 1 },
      { name: 'the follower that received the snapshot', id: 3 },
    ])('$name comes back with its state machine from the snapshot and the log after it', ({ id }) => {
      const net = behindCompaction();
      net.recover();
      net.elapse(1);
      net.propose(1, 'after');
      expect(net.member(3).storage.snapshot().metadata.index).toBe(14);
      const before = net.member(id).applied.slice();
      net.restart(id);
      const m = net.member(id);
      expect(m.node.raft.raftLog.firstIndex()).toBe(15);
      expect(m.node.raft.raftLog.committed).toBeGreaterThanOrEqual(14);
      net.elapse(2);
      expect(m.applied).toEqual(before);
      if (id === 1) net.campaign(1);
      net.propose(1, 'later');
      expect(m.applied.map((a) => a.data).slice(-2)).toEqual(['after', 'later']);
    });
  });

  describe('a follower receiving a snapshot (log [1, 1, 1], commit 2)', () => {
    it.each([
      { name: 'older than its commit: ignored', snap: snapshotOf(2, 1), restored: false, respIndex: 2, commit: 2, last: 3 },
      { name: 'its last entry already held: commit fast-forwards', snap: snapshotOf(3, 1), restored: false, respIndex: 3, commit: 3, last: 3 },
      { name: 'newer: log replaced', snap: snapshotOf(5, 2), restored: true, respIndex: 5, commit: 5, last: 5 },
      { name: 'conflicting term at its index: log replaced', snap: snapshotOf(3, 2), restored: true, respIndex: 3, commit: 3, last: 3 },
      { name: 'a membership without this member: refused', snap: snapshotOf(5, 2, [2, 3, 4]), restored: false, respIndex: 2, commit: 2, last: 3 },
    ])('$name', ({ snap, restored, respIndex, commit, last }) => {
      const r = newRaft(1, [1, 2, 3], { log: [1, 1, 1], hardState: { term: 2, commit: 2 } });
      r.step(message({ type: 'MsgSnap', from: 2, to: 1, term: 2, snapshot: snap }));
      expect(takeMessages(r).map((m) => [m.type, m.to, m.index, m.reject])).toEqual([['MsgAppResp', 2, respIndex, false]]);
      expect(r.raftLog.unstable.snapshot !== undefined).toBe(restored);
      expect(r.raftLog.committed).toBe(commit);
      expect(r.raftLog.lastIndex()).toBe(last);
    });
  });

  it('a snapshot older than what the follower already compacted is ignored', () => {
    const storage = presetStorage({ voters: [1, 2, 3], log: [1, 1, 1, 1, 1], hardState: { term: 1, commit: 5 } });
    storage.createSnapshot(4, conf({ voters: [1, 2, 3] }), utf8('[]'));
    storage.compact(4);
    const r = newRaft(1, [1, 2, 3], { storage, applied: 5 });
    r.step(message({ type: 'MsgSnap', from: 2, to: 1, term: 1, snapshot: snapshotOf(2, 1) }));
    expect(takeMessages(r).map((m) => [m.type, m.index])).toEqual([['MsgAppResp', 5]]);
    expect(r.raftLog.unstable.snapshot).toBeUndefined();
    expect(r.raftLog.firstIndex()).toBe(5);
    expect(r.raftLog.lastIndex()).toBe(5);
  });

  it('no snapshot is sent to a follower not heard from since the last check-quorum round', () => {
    const net = behindCompaction({ checkQuorum: true, preVote: true });
    net.elapse(20); // two check-quorum rounds: 3 is marked inactive (2 answers, 3 is cut off)
    expect(progress(net, 3).recentActive).toBe(false);
    net.member(1).node.reportUnreachable(3); // probe from match + 1, inside the compacted prefix
    net.propose(1, 'x');
    expect(progress(net, 3)).toMatchObject({ state: 'probe', next: 5 });
    expect([...net.delivered, ...net.dropped].filter((m) => m.type === 'MsgSnap')).toEqual([]);
    // Once it answers a heartbeat, it is active again and gets the snapshot.
    net.recover();
    net.elapse(1);
    expect(net.count((m) => m.type === 'MsgSnap' && m.to === 3)).toBe(1);
    expect(net.member(3).applied.at(-1)!.data).toBe('x');
  });

  it('the configuration comes with the snapshot, and nobody campaigns before it is applied', () => {
    const r = newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 2, commit: 1 } });
    r.step(message({ type: 'MsgSnap', from: 2, to: 1, term: 2, snapshot: snapshotOf(10, 2, [1, 2, 3, 4, 5]) }));
    takeMessages(r);
    expect(r.trk.voterIds()).toEqual([1, 2, 3, 4, 5]);
    r.step(message({ type: 'MsgHup', from: 1 }));
    expect(r.state).toBe('follower');
    expect(takeMessages(r)).toEqual([]);
  });

  it('a new member added after compaction catches up from the snapshot', () => {
    const net = Network.withLeader([1, 2, 3]);
    for (let i = 0; i < 5; i++) net.propose(1, `p${i}`);
    net.member(1).node.proposeConfChange({ transition: 'auto', changes: [{ type: 'addLearner', nodeId: 4 }] });
    net.deliverAll();
    net.member(1).takeSnapshot();
    const m4 = net.add(new TestMember(4, { peers: [] }));
    net.elapse(2);
    expect(net.count((m) => m.type === 'MsgSnap' && m.to === 4)).toBe(1);
    expect(m4.confState.learners).toEqual([4]);
    expect(m4.applied.map((a) => a.data)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('a snapshot older than the new member\'s addition is refused by it; a fresh snapshot and a report fix it', () => {
    // As in etcd (etcd-io/etcd#13741, tikv/raft-rs#472): the receiver refuses a snapshot whose
    // membership does not include it. The host must snapshot after applying the conf change.
    const net = Network.withLeader([1, 2, 3]);
    net.propose(1, 'p');
    net.member(1).takeSnapshot(); // membership {1, 2, 3}, index 5
    net.member(1).node.proposeConfChange({ transition: 'auto', changes: [{ type: 'addNode', nodeId: 4 }] });
    net.deliverAll();
    const m4 = net.add(new TestMember(4, { peers: [] }));
    net.elapse(3);
    expect(net.count((m) => m.type === 'MsgSnap' && m.to === 4)).toBe(1);
    expect(m4.node.raft.raftLog.lastIndex()).toBe(0);
    expect(progress(net, 4)).toMatchObject({ state: 'snapshot', pendingSnapshot: 5 });
    net.member(1).takeSnapshot(); // now at index 6, with 4 in it
    net.member(1).node.reportSnapshot(4, 'failure');
    net.elapse(3);
    expect(m4.storage.snapshot().metadata.index).toBe(6);
    expect(m4.confState.voters).toEqual([1, 2, 3, 4]);
    expect(m4.applied.map((a) => a.data)).toEqual(['p']);
    expect(progress(net, 4).state).toBe('replicate');
  });
});
