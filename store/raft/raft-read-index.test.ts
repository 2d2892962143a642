// Linearizable reads through ReadIndex (Raft thesis §6.4): the leader confirms it is still the
// leader with a heartbeat round, then hands out its commit index as the read point.

import { describe, expect, it } from 'vitest';
import { Network } from './testing/network.js';
import { fromUtf8, utf8 } from './testing/member.js';
import { ProposalDroppedError, type Message, type NodeId, type StateRole } from './types.js';

const ctxOf = (m: Message): string => (m.context ? fromUtf8(m.context) : '');
const reads = (net: Network, id: NodeId) => net.member(id).readStates.map((rs) => [rs.index, fromUtf8(rs.requestCtx)]);

describe('ReadIndex on the leader', () => {
  it.each([
    { size: 3, acksNeeded: 1 },
    { size: 5, acksNeeded: 2 },
  ])('a heartbeat round confirms leadership before the read is answered ($size members: $acksNeeded acks)', ({ size, acksNeeded }) => {
    const ids = Array.from({ length: size }, (_, i) => i + 1);
    const net = Network.withLeader(ids);
    const leader = net.member(1);
    const commit = leader.node.raft.raftLog.committed;
    leader.node.readIndex(utf8('r1'));
    const beats = net.take((m) => m.from === 1);
    expect(beats.map((m) => [m.type, m.to, ctxOf(m)])).toEqual(ids.slice(1).map((to) => ['MsgHeartbeat', to, 'r1']));
    expect(leader.readStates).toEqual([]);
    for (let i = 0; i < acksNeeded; i++) {
      expect(leader.readStates).toEqual([]);
      net.deliver(beats[i]!);
      const [ack] = net.take((m) => m.type === 'MsgHeartbeatResp');
      expect(ctxOf(ack!)).toBe('r1');
      net.deliver(ack!);
    }
    expect(reads(net, 1)).toEqual([[commit, 'r1']]);
    // The index is one the host has (or will have) applied before serving the read.
    expect(leader.appliedIndex).toBeGreaterThanOrEqual(commit);
  });

  it('a single voter answers at once', () => {
    const net = Network.withLeader([1]);
    net.propose(1, 'x');
    net.member(1).node.readIndex(utf8('r'));
    expect(net.take()).toEqual([]);
    expect(reads(net, 1)).toEqual([[3, 'r']]);
  });

  it('a new leader does not answer before an entry of its own term is committed', () => {
    const net = Network.of([1, 2, 3]);
    net.ignore('MsgAppResp');
    net.campaign(1);
    const leader = net.member(1);
    expect(leader.role()).toBe('leader');
    expect(leader.node.raft.raftLog.committed).toBe(3); // its empty entry (4) is not committed
    leader.node.readIndex(utf8('early'));
    net.member(2).node.readIndex(utf8('early-via-2'));
    net.deliverAll();
    // No round was even started: its commit index might be behind a previous leader's.
    expect(net.delivered.filter((m) => ctxOf(m) === 'early')).toEqual([]);
    expect(leader.readStates).toEqual([]);
    net.recover();
    net.elapse(1);
    expect(leader.node.raft.raftLog.committed).toBe(4);
    expect(reads(net, 1)).toEqual([[4, 'early']]);
    expect(reads(net, 2)).toEqual([[4, 'early-via-2']]);
  });

  it('reads are answered in order; an ack of a later round confirms the earlier ones', () => {
    const net = Network.withLeader([1, 2, 3]);
    const leader = net.member(1);
    leader.node.readIndex(utf8('r1'));
    net.propose(1, 'x'); // commit moves between the two reads
    net.take();
    leader.node.readIndex(utf8('r2'));
    const beats = net.take((m) => m.type === 'MsgHeartbeat');
    expect(beats.map(ctxOf)).toEqual(['r2', 'r2']);
    net.deliver(beats[0]!);
    net.deliver(net.take((m) => m.type === 'MsgHeartbeatResp')[0]!);
    expect(reads(net, 1)).toEqual([
      [4, 'r1'],
      [5, 'r2'],
    ]);
  });

  it("a lost round is completed by the next regular heartbeat, which carries the pending request's context", () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(1).node.readIndex(utf8('r'));
    net.take(); // the round is lost
    net.tick(1);
    expect(net.peek((m) => m.type === 'MsgHeartbeat').map(ctxOf)).toEqual(['r', 'r']);
    net.deliverAll();
    expect(reads(net, 1)).toEqual([[4, 'r']]);
  });
});

describe('ReadIndex through a follower', () => {
  it('the follower asks the leader, and gets the read point in MsgReadIndexResp', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(2).node.readIndex(utf8('via-2'));
    net.deliverAll();
    const flow = net.delivered.filter((m) => m.type === 'MsgReadIndex' || m.type === 'MsgReadIndexResp' || ctxOf(m) === 'via-2');
    expect(flow.map((m) => [m.type, m.from, m.to])).toEqual([
      ['MsgReadIndex', 2, 1],
      ['MsgHeartbeat', 1, 2],
      ['MsgHeartbeat', 1, 3],
      ['MsgHeartbeatResp', 2, 1],
      ['MsgHeartbeatResp', 3, 1],
      ['MsgReadIndexResp', 1, 2],
    ]);
    expect(reads(net, 2)).toEqual([[4, 'via-2']]);
    expect(net.member(1).readStates).toEqual([]);
  });

  it('a write committed before the read is visible at the read point, once the follower applied up to it', () => {
    const net = Network.withLeader([1, 2, 3]);
    // 2 gets no appends: it hears of the write from nobody (heartbeats never carry a commit
    // index beyond what it holds).
    net.filter((m) => m.type === 'MsgApp' && m.to === 2);
    net.propose(1, 'x');
    expect(net.member(1).node.raft.raftLog.committed).toBe(5);
    net.member(2).node.readIndex(utf8('r'));
    net.deliverAll();
    const m2 = net.member(2);
    expect(reads(net, 2)).toEqual([[5, 'r']]);
    // The host must wait: it has not applied index 5 yet.
    expect(m2.appliedIndex).toBe(4);
    net.recover();
    net.elapse(1);
    expect(m2.appliedIndex).toBeGreaterThanOrEqual(5);
    expect(m2.applied.map((a) => a.data)).toEqual(['x']);
  });

  describe('with no leader known, readIndex throws ProposalDroppedError', () => {
    it.each([
      { role: 'follower', preVote: false },
      { role: 'preCandidate', preVote: true },
      { role: 'candidate', preVote: false },
    ] as { role: StateRole; preVote: boolean }[])('$role', ({ role, preVote }) => {
      const net = Network.of([1, 2, 3], { preVote });
      net.isolate(1);
      if (role !== 'follower') net.campaign(1);
      expect(net.member(1).role()).toBe(role);
      expect(() => net.member(1).node.readIndex(utf8('r'))).toThrow(ProposalDroppedError);
    });
  });
});

describe('a partitioned old leader', () => {
  it.each([
    { checkQuorum: false, preVote: false },
    { checkQuorum: true, preVote: true },
  ])('cannot answer a read (checkQuorum $checkQuorum, preVote $preVote)', ({ checkQuorum, preVote }) => {
    const net = Network.withLeader([1, 2, 3], { checkQuorum, preVote });
    const old = net.member(1);
    net.isolate(1);
    old.node.readIndex(utf8('stale'));
    // With check-quorum, 3 ignores votes until its lease on 1 expires: let time pass.
    if (checkQuorum) for (let i = 0; i < 100 && !(net.leader() && net.leader()!.id !== 1); i++) net.elapse(1);
    else net.campaign(2);
    const fresh = net.leader()!;
    expect(fresh.id).not.toBe(1);
    net.propose(fresh.id, 'new');
    net.elapse(30);
    expect(old.readStates).toEqual([]);
    // Without check-quorum it still believes it leads; with it, it stepped down on its own.
    expect(old.role() === 'leader').toBe(!checkQuorum);
    net.recover();
    net.elapse(5);
    // It learns of the new leader; its pending read was never answered with a stale index.
    expect(old.role()).toBe('follower');
    expect(old.readStates).toEqual([]);
    // Asked again, it goes through the new leader and sees the new write.
    old.node.readIndex(utf8('fresh'));
    net.deliverAll();
    expect(reads(net, 1)).toEqual([[fresh.node.raft.raftLog.committed, 'fresh']]);
    expect(fresh.node.raft.raftLog.committed).toBeGreaterThanOrEqual(6);
    net.elapse(1);
    expect(old.applied.map((a) => a.data)).toEqual(['new']);
  });
});
