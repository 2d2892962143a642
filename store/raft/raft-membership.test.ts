// Membership changes: single-step adds and removals, learners, promotion, removing the leader,
// the one-pending-change rule, and joint consensus (automatic and explicit leave).

import { describe, expect, it } from 'vitest';
import { Network, newRaft, presetStorage, takeMessages } from './testing/network.js';
import { TestMember } from './testing/member.js';
import { decodeConfChange } from './confchange-codec.js';
import { emptyConfState, message, type ConfChange, type ConfState, type NodeId } from './types.js';

const add = (nodeId: NodeId): ConfChange => ({ transition: 'auto', changes: [{ type: 'addNode', nodeId }] });
const remove = (nodeId: NodeId): ConfChange => ({ transition: 'auto', changes: [{ type: 'removeNode', nodeId }] });
const learner = (nodeId: NodeId): ConfChange => ({ transition: 'auto', changes: [{ type: 'addLearner', nodeId }] });
const leave: ConfChange = { transition: 'auto', changes: [] };
const conf = (c: Partial<ConfState>): ConfState => ({ ...emptyConfState(), ...c });

function changeConf(net: Network, leader: NodeId, cc: ConfChange): void {
  net.member(leader).node.proposeConfChange(cc);
  net.deliverAll();
}

/** Does a proposal made now on `leader` commit (with the current filters)? Filters are kept. */
function commits(net: Network, leader: NodeId, data: string): boolean {
  const before = net.member(leader).node.raft.raftLog.committed;
  net.propose(leader, data);
  net.elapse(2);
  return net.member(leader).node.raft.raftLog.committed > before;
}

/** A group of founding members plus members that start empty, to be added by conf change. */
function group(founders: NodeId[], joiners: NodeId[] = []): Network {
  const net = Network.withLeader(founders);
  for (const id of joiners) net.add(new TestMember(id, { peers: [] }));
  return net;
}

describe('adding and removing voters', () => {
  it.each([
    { compacted: false, viaSnapshot: false },
    { compacted: true, viaSnapshot: true },
  ])('a new voter with empty storage catches up (leader log compacted: $compacted) and then counts in the quorum', ({ compacted, viaSnapshot }) => {
    const net = group([1, 2, 3], [4]);
    net.propose(1, 'before');
    if (compacted) {
      // The snapshot must be taken once the change is applied: a snapshot whose membership does
      // not include the new member is refused by it (as in etcd; see the snapshot tests).
      net.isolate(4);
      changeConf(net, 1, add(4));
      net.member(1).takeSnapshot();
      net.recover();
    } else {
      changeConf(net, 1, add(4));
    }
    net.elapse(3);
    for (const id of [1, 2, 3, 4]) expect(net.member(id).confState.voters).toEqual([1, 2, 3, 4]);
    const m4 = net.member(4);
    expect(m4.applied.map((a) => a.data)).toEqual(['before']);
    expect(net.count((m) => m.type === 'MsgSnap' && m.to === 4) > 0).toBe(viaSnapshot);
    expect(m4.node.raft.raftLog.lastIndex()).toBe(net.member(1).node.raft.raftLog.lastIndex());
    // Four voters: a quorum is three. With 3 and 4 cut off, nothing commits.
    net.isolate(3);
    expect(commits(net, 1, 'with 2 and 4')).toBe(true);
    net.isolate(4);
    expect(commits(net, 1, 'with 2 only')).toBe(false);
  });

  it('a removed voter no longer counts, receives nothing, and never campaigns', () => {
    const net = group([1, 2, 3]);
    changeConf(net, 1, remove(3));
    net.elapse(1);
    for (const id of [1, 2, 3]) expect(net.member(id).confState.voters).toEqual([1, 2]);
    net.clearTrace();
    // Two voters: both are needed.
    net.isolate(2);
    expect(commits(net, 1, 'alone')).toBe(false);
    net.recover();
    net.elapse(2);
    expect(net.member(2).applied.map((a) => a.data)).toEqual(['alone']);
    expect(net.count((m) => m.to === 3 || m.from === 3)).toBe(0);
    // 3 ticks on its own forever without disturbing anyone.
    const term = net.member(3).term();
    net.tick(3, 100);
    expect(net.member(3).role()).toBe('follower');
    expect(net.member(3).term()).toBe(term);
    expect(net.member(3).drain()).toEqual([]);
    // Anything it might still send is ignored by the leader.
    net.member(1).node.step(message({ type: 'MsgHeartbeatResp', from: 3, to: 1, term: 2 }));
    net.member(1).node.step(message({ type: 'MsgAppResp', from: 3, to: 1, term: 2, index: 100 }));
    expect(net.member(1).drain()).toEqual([]);
    expect(net.member(1).role()).toBe('leader');
  });

  it('removing the leader: it steps down once the change applies, and the others elect a new leader', () => {
    const net = group([1, 2, 3]);
    changeConf(net, 1, remove(1));
    expect(net.member(1).confState.voters).toEqual([2, 3]);
    expect(net.member(1).role()).toBe('follower');
    expect(net.member(1).node.raft.lead).toBe(0);
    // The others applied the removal too (its commit index went out before the leader applied it).
    for (const id of [2, 3]) expect(net.member(id).confState.voters).toEqual([2, 3]);
    for (let i = 0; i < 50 && !net.leader(); i++) net.elapse(1);
    const leader = net.leader()!;
    expect([2, 3]).toContain(leader.id);
    net.propose(leader.id, 'x');
    net.elapse(1);
    for (const id of [2, 3]) expect(net.member(id).applied.map((a) => a.data)).toEqual(['x']);
    // 1 is out: never a candidate again.
    net.elapse(50);
    expect(net.member(1).role()).toBe('follower');
    expect(net.member(1).term()).toBe(2);
  });
});

describe('learners', () => {
  it('an added learner receives the log but neither counts for commit nor is asked for votes', () => {
    const net = group([1, 2, 3], [4]);
    changeConf(net, 1, learner(4));
    net.propose(1, 'x');
    net.elapse(1);
    expect(net.member(1).confState).toEqual(conf({ voters: [1, 2, 3], learners: [4] }));
    expect(net.member(4).applied.map((a) => a.data)).toEqual(['x']);
    expect(net.member(1).node.status().progress!.get(4)).toMatchObject({ isLearner: true, state: 'replicate' });
    // Voters 2 and 3 cut off: the learner's acknowledgement does not make a quorum.
    net.isolate(2);
    net.isolate(3);
    expect(commits(net, 1, 'y')).toBe(false);
    expect(net.member(4).node.raft.raftLog.lastIndex()).toBe(net.member(1).node.raft.raftLog.lastIndex());
    net.recover();
    net.clearTrace();
    net.campaign(2);
    expect(net.delivered.filter((m) => m.type === 'MsgVote').map((m) => m.to)).toEqual([1, 3]);
  });

  it('a learner never campaigns, however long it goes without a leader', () => {
    const net = group([1, 2, 3], [4]);
    changeConf(net, 1, learner(4));
    net.isolate(4);
    net.tick(4, 200);
    net.member(4).node.campaign();
    expect(net.member(4).role()).toBe('follower');
    expect(net.member(4).drain().filter((m) => m.type === 'MsgVote' || m.type === 'MsgPreVote')).toEqual([]);
    expect(net.member(4).term()).toBe(2);
  });

  describe("a candidate does not count a learner's vote", () => {
    it.each([
      { votes: [4], wins: false },
      { votes: [2], wins: true },
      { votes: [4, 5], wins: false },
    ])('voters 1-3, learners 4-5, votes from $votes -> wins: $wins', ({ votes, wins }) => {
      const r = newRaft(1, [1, 2, 3], { learners: [4, 5], log: [1], hardState: { term: 1 } });
      r.step(message({ type: 'MsgHup', from: 1 }));
      expect(takeMessages(r).map((m) => m.to)).toEqual([2, 3]);
      for (const from of votes) r.step(message({ type: 'MsgVoteResp', from, to: 1, term: 2 }));
      expect(r.state).toBe(wins ? 'leader' : 'candidate');
    });
  });

  it('a learner promoted with addNode becomes a voter: it counts and may campaign', () => {
    const ids = [1, 2, 3];
    const net = new Network(ids.map((id) => new TestMember(id, { storage: presetStorage({ voters: [1, 2], learners: [3] }) })));
    net.campaign(1);
    net.isolate(2);
    expect(commits(net, 1, 'needs 2')).toBe(false);
    net.recover();
    net.elapse(1);
    expect(net.member(3).node.raft.promotable()).toBe(false);
    changeConf(net, 1, add(3));
    net.elapse(1);
    for (const id of ids) expect(net.member(id).confState).toEqual(conf({ voters: [1, 2, 3] }));
    expect(net.member(3).node.raft.promotable()).toBe(true);
    net.isolate(2);
    expect(commits(net, 1, '3 makes the quorum')).toBe(true);
    net.recover();
    net.campaign(3);
    expect(net.leader()!.id).toBe(3);
  });
});

describe('learners answering vote requests', () => {
  it('a promoted member that has not learned of its promotion still votes when asked (as in etcd)', () => {
    // Voters {2, 3}, learner 1. The promotion of 1 commits on {2, 3} but never reaches 1; then 2
    // fails. Only 3 can win (it holds every committed entry), and it needs 1's vote to do so.
    const ids = [1, 2, 3];
    const net = new Network(ids.map((id) => new TestMember(id, { storage: presetStorage({ voters: [2, 3], learners: [1] }) })));
    net.campaign(2);
    net.filter((m) => m.type === 'MsgApp' && m.to === 1);
    changeConf(net, 2, add(1));
    net.elapse(1);
    expect(net.member(3).confState.voters).toEqual([1, 2, 3]);
    expect(net.member(1).confState).toEqual(conf({ voters: [2, 3], learners: [1] }));
    net.crash(2);
    net.recover();
    net.clearTrace();
    net.campaign(3);
    expect(net.delivered.filter((m) => m.type === 'MsgVoteResp').map((m) => [m.from, m.reject])).toEqual([[1, false]]);
    expect(net.member(3).role()).toBe('leader');
    net.elapse(1);
    expect(net.member(1).confState.voters).toEqual([1, 2, 3]);
  });
});

describe('one conf change at a time', () => {
  it('a second change proposed before the first is applied becomes an empty normal entry', () => {
    const net = group([1, 2, 3], [4, 5]);
    const leader = net.member(1);
    leader.node.proposeConfChange(add(4));
    leader.node.proposeConfChange(add(5));
    net.deliverAll();
    const tail = leader.node.raft.raftLog.allEntries().slice(-2);
    expect(tail.map((e) => e.type)).toEqual(['confChange', 'normal']);
    expect(tail[1]!.data.length).toBe(0);
    expect(leader.confState.voters).toEqual([1, 2, 3, 4]);
    // Once the first is applied, the next one is taken.
    changeConf(net, 1, add(5));
    expect(leader.confState.voters).toEqual([1, 2, 3, 4, 5]);
  });

  it('a new leader treats its unapplied log tail as a possible pending change', () => {
    const r = newRaft(1, [1, 2, 3], { log: [1, 1], hardState: { term: 1, commit: 1 }, applied: 1 });
    r.becomeCandidate();
    r.becomeLeader();
    expect(r.pendingConfIndex).toBe(2);
    r.step(message({ type: 'MsgProp', from: 1, entries: [{ term: 0, index: 0, type: 'confChange', data: new TextEncoder().encode(JSON.stringify(add(4))) }] }));
    expect(r.raftLog.allEntries().at(-1)!.type).toBe('normal');
  });
});

describe('joint consensus', () => {
  /** Deliver until quiescent, recording every distinct configuration the leader went through. */
  function configsDuring(net: Network, leader: NodeId, act: () => void): ConfState[] {
    const seen: ConfState[] = [net.member(leader).node.status().config];
    const note = () => {
      const c = net.member(leader).node.status().config;
      if (JSON.stringify(c) !== JSON.stringify(seen.at(-1))) seen.push(c);
    };
    act();
    note();
    net.collect();
    while (net.queue.length > 0) {
      net.deliver(net.queue.shift()!);
      note();
    }
    return seen;
  }

  it.each([
    { name: 'two additions, auto', cc: { transition: 'auto', changes: [{ type: 'addNode', nodeId: 4 }, { type: 'addNode', nodeId: 5 }] }, final: conf({ voters: [1, 2, 3, 4, 5] }) },
    { name: 'one addition, jointImplicit', cc: { transition: 'jointImplicit', changes: [{ type: 'addNode', nodeId: 4 }] }, final: conf({ voters: [1, 2, 3, 4] }) },
    {
      name: 'replace two voters',
      cc: { transition: 'auto', changes: [{ type: 'removeNode', nodeId: 2 }, { type: 'removeNode', nodeId: 3 }, { type: 'addNode', nodeId: 4 }, { type: 'addNode', nodeId: 5 }] },
      final: conf({ voters: [1, 4, 5] }),
    },
    {
      name: 'demote a voter to learner',
      cc: { transition: 'jointImplicit', changes: [{ type: 'addLearner', nodeId: 3 }] },
      final: conf({ voters: [1, 2], learners: [3] }),
    },
  ] as { name: string; cc: ConfChange; final: ConfState }[])('$name: enters the joint configuration, then leaves it on its own', ({ cc, final }) => {
    const net = group([1, 2, 3], [4, 5]);
    const configs = configsDuring(net, 1, () => net.member(1).node.proposeConfChange(cc));
    expect(configs).toHaveLength(3);
    expect(configs[0]).toEqual(conf({ voters: [1, 2, 3] }));
    const joint = configs[1]!;
    expect(joint.votersOutgoing).toEqual([1, 2, 3]);
    expect(joint.voters).toEqual(final.voters);
    expect(joint.autoLeave).toBe(true);
    expect(configs[2]).toEqual(final);
    net.elapse(2);
    for (const id of [...final.voters, ...final.learners]) expect(net.member(id).confState).toEqual(final);
    // The leave is an empty conf change entry proposed by the leader itself.
    const confEntries = [...net.member(1).appliedLog.values()].filter((e) => e.type === 'confChange' && e.index > 3);
    expect(confEntries.map((e) => decodeConfChange(e.data).changes.length)).toEqual([cc.changes.length, 0]);
  });

  it('jointExplicit: stays joint until the host proposes the leave; meanwhile commit needs both majorities', () => {
    const net = group([1, 2, 3], [4, 5]);
    changeConf(net, 1, {
      transition: 'jointExplicit',
      changes: [
        { type: 'removeNode', nodeId: 2 },
        { type: 'removeNode', nodeId: 3 },
        { type: 'addNode', nodeId: 4 },
        { type: 'addNode', nodeId: 5 },
      ],
    });
    net.elapse(20);
    const joint = conf({ voters: [1, 4, 5], votersOutgoing: [1, 2, 3] });
    expect(net.member(1).confState).toEqual(joint);
    // The outgoing majority alone ({1, 2, 3}) is not enough...
    net.isolate(4);
    net.isolate(5);
    expect(commits(net, 1, 'old only')).toBe(false);
    net.recover();
    net.elapse(2);
    // ...nor the incoming one alone ({1, 4, 5}).
    net.isolate(2);
    net.isolate(3);
    expect(commits(net, 1, 'new only')).toBe(false);
    net.recover();
    net.elapse(2);
    expect(net.member(1).applied.map((a) => a.data)).toEqual(['old only', 'new only']);
    // A change other than the leave is refused while joint (it becomes an empty entry).
    changeConf(net, 1, add(6));
    expect(net.member(1).confState).toEqual(joint);
    changeConf(net, 1, leave);
    net.elapse(1);
    for (const id of [1, 4, 5]) expect(net.member(id).confState).toEqual(conf({ voters: [1, 4, 5] }));
    net.isolate(2);
    net.isolate(3);
    expect(commits(net, 1, 'new config')).toBe(true);
  });

  it('a leave when not joint is refused (it becomes an empty entry)', () => {
    const net = group([1, 2, 3]);
    changeConf(net, 1, leave);
    const last = net.member(1).node.raft.raftLog.allEntries().at(-1)!;
    expect([last.type, last.data.length]).toEqual(['normal', 0]);
    expect(net.member(1).confState).toEqual(conf({ voters: [1, 2, 3] }));
  });

  it('an automatic leave refused during a leadership transfer is proposed again at the next applied entry', () => {
    const net = Network.withLeader([1, 2, 3], { preVote: true });
    for (const id of [4, 5]) net.add(new TestMember(id, { peers: [] }));
    const leader = net.member(1);
    leader.node.proposeConfChange({ transition: 'auto', changes: [{ type: 'addNode', nodeId: 4 }, { type: 'addNode', nodeId: 5 }] });
    const apps = net.take((m) => m.type === 'MsgApp');
    net.isolate(3); // the transfer to 3 cannot complete
    for (const a of apps) net.deliver(a);
    leader.node.transferLeadership(3);
    net.deliverAll(); // the joint entry commits and applies while the transfer is pending
    const joint = conf({ voters: [1, 2, 3, 4, 5], votersOutgoing: [1, 2, 3], autoLeave: true });
    expect(leader.confState).toEqual(joint);
    net.elapse(20);
    expect(leader.node.status().leadTransferee).toBe(0);
    expect(leader.role()).toBe('leader');
    // The retry rides on the next applied entry (with no traffic at all the group stays joint
    // until then, as in etcd).
    net.propose(1, 'x');
    net.elapse(2);
    expect(leader.confState).toEqual(conf({ voters: [1, 2, 3, 4, 5] }));
  });

  it('a leader elected during an automatic joint configuration leaves it', () => {
    const net = group([1, 2, 3], [4, 5]);
    // The leave entry of 1 never reaches anyone: 1 is cut off right after the joint entry commits.
    net.member(1).node.proposeConfChange({ transition: 'auto', changes: [{ type: 'addNode', nodeId: 4 }, { type: 'addNode', nodeId: 5 }] });
    net.filter((m) => m.type === 'MsgApp' && m.from === 1 && m.entries.some((e) => e.type === 'confChange' && e.data.length === 0));
    net.deliverAll();
    net.elapse(1);
    expect(net.member(2).confState.votersOutgoing).toEqual([1, 2, 3]);
    net.recover();
    net.isolate(1);
    net.campaign(2);
    expect(net.member(2).role()).toBe('leader');
    net.elapse(3);
    for (const id of [2, 3, 4, 5]) expect(net.member(id).confState).toEqual(conf({ voters: [1, 2, 3, 4, 5] }));
  });
});
