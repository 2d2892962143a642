// Figure 2 of the Raft paper ("In Search of an Understandable Consensus Algorithm"), rule by
// rule: each describe block is one box of the figure, each test one rule of it.

import { describe, expect, it } from 'vitest';
import { Network, entriesWithTerms, forceLeader, newRaft, presetStorage, takeMessages } from './testing/network.js';
import { TestMember, utf8 } from './testing/member.js';
import { NONE, message, type Entry, type Message, type MessageType, type NodeId, type Snapshot, type StateRole } from './types.js';
import type { Raft } from './raft.js';

const ofType = (ms: Message[], t: MessageType): Message[] => ms.filter((m) => m.type === t);
const logTerms = (r: Raft): number[] => r.raftLog.allEntries().map((e) => e.term);

/** Put a bare Raft (built with preVote so every role is reachable) into a role. */
function inRole(r: Raft, role: StateRole): Raft {
  switch (role) {
    case 'follower':
      break;
    case 'preCandidate':
      r.step(message({ type: 'MsgHup', from: r.id }));
      break;
    case 'candidate':
      r.becomeCandidate();
      break;
    case 'leader':
      forceLeader(r);
      break;
  }
  takeMessages(r);
  expect(r.state).toBe(role);
  return r;
}

describe('Figure 2, all servers', () => {
  describe('a message with a higher term sets currentTerm and converts any role to follower', () => {
    const roles: StateRole[] = ['follower', 'preCandidate', 'candidate', 'leader'];
    const msgs: { type: MessageType; lead: NodeId }[] = [
      { type: 'MsgApp', lead: 2 },
      { type: 'MsgHeartbeat', lead: 2 },
      { type: 'MsgVote', lead: NONE },
      { type: 'MsgAppResp', lead: NONE },
      { type: 'MsgHeartbeatResp', lead: NONE },
    ];
    const cases = roles.flatMap((role) => msgs.map((m) => ({ role, ...m })));
    it.each(cases)('$role receiving $type', ({ role, type, lead }) => {
      const r = inRole(newRaft(1, [1, 2, 3], { preVote: true, log: [1], hardState: { term: 1 } }), role);
      const term = r.term + 1;
      r.step(message({ type, from: 2, to: 1, term, index: 1, logTerm: 1 }));
      expect(r.state).toBe('follower');
      expect(r.term).toBe(term);
      expect(r.lead).toBe(lead);
    });
  });

  it('commitIndex > lastApplied: committed entries are handed out to apply, in order, exactly once', () => {
    const net = Network.withLeader([1, 2, 3]);
    const leader = net.member(1);
    net.isolate(2);
    net.isolate(3);
    net.propose(1, 'a');
    // Appended (and persisted) but not committed: nobody applies it.
    expect(leader.node.raft.raftLog.lastIndex()).toBe(5);
    expect(leader.node.raft.raftLog.committed).toBe(4);
    for (const m of net.members.values()) expect(m.applied).toEqual([]);
    net.recover();
    // The heartbeat round makes the leader resend the entry; a follower whose ack arrives after
    // the commit already advanced learns the commit index from the next heartbeat.
    net.elapse(2);
    for (const m of net.members.values()) {
      expect(m.applied).toEqual([{ index: 5, term: 2, data: 'a' }]);
      expect(m.appliedIndex).toBe(5);
    }
    // Nothing is handed out twice (TestMember throws on a repeat) and nothing more is pending.
    net.elapse(3);
    for (const m of net.members.values()) expect(m.applied.map((a) => a.data)).toEqual(['a']);
  });
});

describe('Figure 2, followers', () => {
  const snap: Snapshot = {
    metadata: { index: 5, term: 1, confState: { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
    data: new Uint8Array(),
  };
  it.each([
    { name: 'AppendEntries', m: { type: 'MsgApp', from: 2, term: 1, index: 1, logTerm: 1, entries: entriesWithTerms([1], 2), commit: 1 }, resp: 'MsgAppResp', index: 2 },
    { name: 'heartbeat', m: { type: 'MsgHeartbeat', from: 2, term: 1, commit: 1 }, resp: 'MsgHeartbeatResp', index: 0 },
    { name: 'RequestVote', m: { type: 'MsgVote', from: 3, term: 2, index: 1, logTerm: 1 }, resp: 'MsgVoteResp', index: 0 },
    { name: 'InstallSnapshot', m: { type: 'MsgSnap', from: 2, term: 1, snapshot: snap }, resp: 'MsgAppResp', index: 5 },
  ] as const)('respond to RPCs from candidates and leaders: $name', ({ m, resp, index }) => {
    const r = newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 1 } });
    const entries = 'entries' in m ? [...(m.entries as readonly Entry[])] : [];
    r.step(message({ ...m, to: 1, entries }));
    const out = takeMessages(r);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: resp, to: m.from, from: 1, term: m.term, reject: false, index });
  });

  it.each([10, 20])('election timeout elapses without hearing from a leader: become candidate (electionTick %i)', (et) => {
    // random 0.5 -> randomized timeout et + et/2.
    const net = Network.of([1, 2, 3], { electionTick: et, random: () => 0.5 });
    const m1 = net.member(1);
    net.tick(1, et + et / 2 - 1);
    expect(m1.role()).toBe('follower');
    expect(m1.node.hasReady()).toBe(false);
    net.tick(1);
    expect(m1.role()).toBe('candidate');
    const rd = m1.handleReady()!;
    // Term and vote are in the Ready, to be synced before the vote requests leave.
    expect(rd.hardState).toEqual({ term: 2, vote: 1, commit: 3 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.map((m) => [m.type, m.to, m.term, m.index, m.logTerm])).toEqual([
      ['MsgVote', 2, 2, 3, 1],
      ['MsgVote', 3, 2, 3, 1],
    ]);
  });

  describe('the election timer restarts on what proves a live leader or a granted vote, and only on that', () => {
    it.each([
      { name: 'heartbeat from the leader', m: { type: 'MsgHeartbeat', from: 2, term: 2 }, resets: true },
      { name: 'append from the leader', m: { type: 'MsgApp', from: 2, term: 2, index: 1, logTerm: 1 }, resets: true },
      { name: 'granted vote', m: { type: 'MsgVote', from: 3, term: 2, index: 1, logTerm: 1 }, resets: true },
      { name: 'rejected vote (stale log)', m: { type: 'MsgVote', from: 3, term: 2, index: 0, logTerm: 0 }, resets: false },
      { name: 'heartbeat from a stale leader', m: { type: 'MsgHeartbeat', from: 2, term: 1 }, resets: false },
      { name: 'a response', m: { type: 'MsgHeartbeatResp', from: 2, term: 2 }, resets: false },
    ] as const)('$name', ({ m, resets }) => {
      const r = newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 2 }, random: () => 0 });
      for (let i = 0; i < 9; i++) r.tick();
      r.step(message({ ...m, to: 1 }));
      for (let i = 0; i < 9; i++) r.tick();
      expect(r.state).toBe(resets ? 'follower' : 'candidate');
    });
  });
});

describe('Figure 2, candidates', () => {
  it.each([
    { size: 3, others: [2, 3] },
    { size: 5, others: [2, 3, 4, 5] },
  ])('on conversion: increment currentTerm, vote for self, send RequestVote to all others ($size voters)', ({ size, others }) => {
    const ids = Array.from({ length: size }, (_, i) => i + 1);
    const r = newRaft(1, ids, { log: [1, 1, 2], hardState: { term: 2, vote: 3 } });
    r.step(message({ type: 'MsgHup', from: 1 }));
    expect(r.state).toBe('candidate');
    expect(r.term).toBe(3);
    expect(r.vote).toBe(1);
    const votes = ofType(takeMessages(r), 'MsgVote');
    expect(votes.map((m) => m.to)).toEqual(others);
    for (const m of votes) expect(m).toMatchObject({ from: 1, term: 3, index: 3, logTerm: 2 });
  });

  it('a single voter becomes leader at once', () => {
    const r = newRaft(1, [1], { log: [1], hardState: { term: 1 } });
    r.step(message({ type: 'MsgHup', from: 1 }));
    expect(r.state).toBe('leader');
    expect(r.term).toBe(2);
  });

  describe('votes received from a majority: become leader; a lost election: back to follower', () => {
    it.each([
      { size: 3, votes: [[2, true], [3, true]], want: 'leader' },
      { size: 3, votes: [[2, true]], want: 'leader' },
      { size: 3, votes: [[2, false], [3, true]], want: 'leader' },
      { size: 3, votes: [], want: 'candidate' },
      { size: 3, votes: [[2, false]], want: 'candidate' },
      { size: 3, votes: [[2, false], [3, false]], want: 'follower' },
      { size: 5, votes: [[2, true], [3, true]], want: 'leader' },
      { size: 5, votes: [[2, true], [3, true], [4, true], [5, true]], want: 'leader' },
      { size: 5, votes: [[2, true]], want: 'candidate' },
      { size: 5, votes: [[2, true], [3, false], [4, false]], want: 'candidate' },
      { size: 5, votes: [[2, false], [3, false], [4, false]], want: 'follower' },
      // A repeated vote is counted once.
      { size: 5, votes: [[2, true], [2, true], [2, true]], want: 'candidate' },
      // A vote from a non-member is not counted.
      { size: 3, votes: [[9, true]], want: 'candidate' },
    ] as { size: number; votes: [NodeId, boolean][]; want: StateRole }[])('$size voters, votes $votes -> $want', ({ size, votes, want }) => {
      const ids = Array.from({ length: size }, (_, i) => i + 1);
      const r = newRaft(1, ids, { log: [1], hardState: { term: 1 } });
      r.step(message({ type: 'MsgHup', from: 1 }));
      for (const [from, granted] of votes) r.step(message({ type: 'MsgVoteResp', from, to: 1, term: r.term, reject: !granted }));
      expect(r.state).toBe(want);
      expect(r.term).toBe(2);
    });
  });

  describe('AppendEntries (or heartbeat, or snapshot) from the new leader of the same term: become follower', () => {
    const snap: Snapshot = {
      metadata: { index: 5, term: 1, confState: { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
      data: new Uint8Array(),
    };
    const cases = (['candidate', 'preCandidate'] as const).flatMap((role) =>
      (['MsgApp', 'MsgHeartbeat', 'MsgSnap'] as const).map((type) => ({ role, type })),
    );
    it.each(cases)('$role receiving $type', ({ role, type }) => {
      const r = inRole(newRaft(1, [1, 2, 3], { preVote: true, log: [1], hardState: { term: 1 } }), role);
      const term = r.term;
      r.step(message({ type, from: 2, to: 1, term, index: 1, logTerm: 1, ...(type === 'MsgSnap' ? { snapshot: snap } : {}) }));
      expect(r.state).toBe('follower');
      expect(r.term).toBe(term);
      expect(r.lead).toBe(2);
    });

    it('but not from a leader of an older term', () => {
      const r = inRole(newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 1 } }), 'candidate');
      r.step(message({ type: 'MsgApp', from: 2, to: 1, term: 1, index: 1, logTerm: 1 }));
      expect(r.state).toBe('candidate');
      expect(r.term).toBe(2);
    });
  });

  it('election timeout elapses (split vote): start a new election', () => {
    const r = newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 1 }, random: () => 0 });
    r.step(message({ type: 'MsgHup', from: 1 }));
    expect(r.term).toBe(2);
    takeMessages(r);
    for (let i = 0; i < 9; i++) r.tick();
    expect(r.term).toBe(2);
    expect(takeMessages(r)).toEqual([]);
    r.tick();
    expect(r.state).toBe('candidate');
    expect(r.term).toBe(3);
    expect(r.vote).toBe(1);
    expect(ofType(takeMessages(r), 'MsgVote').map((m) => [m.to, m.term])).toEqual([
      [2, 3],
      [3, 3],
    ]);
  });

  it('two dueling candidates: the one with the stale log cannot win, a later election settles it', () => {
    const net = Network.of([1, 2, 3]);
    net.cut(1, 3);
    net.campaign(1);
    expect(net.member(1).role()).toBe('leader');
    // 3 campaigns at term 2 (2 already voted), then at term 3: 2 follows the term but refuses the
    // vote, because 3 never got the leader's entry.
    net.campaign(3);
    expect(net.member(3).term()).toBe(2);
    net.campaign(3);
    expect(net.member(3).role()).toBe('candidate');
    expect(net.member(3).term()).toBe(3);
    expect(net.member(2).role()).toBe('follower');
    expect(net.member(2).term()).toBe(3);
    expect(net.member(2).node.raft.vote).toBe(NONE);
    net.recover();
    // Time heals: the stale leader (term 2) is ignored; a new election happens and 3 is not its winner.
    for (let i = 0; i < 100 && !(net.leader() && net.leader()!.term() > 3); i++) net.elapse(1);
    const leader = net.leader()!;
    expect(leader.id).not.toBe(3);
    net.propose(leader.id, 'x');
    net.elapse(2);
    for (const m of net.members.values()) {
      expect(m.applied.map((a) => a.data)).toEqual(['x']);
      expect(m.node.raft.raftLog.allEntries()).toEqual(leader.node.raft.raftLog.allEntries());
    }
  });
});

describe('Figure 2, leaders', () => {
  it('upon election: send an empty entry of its term to every follower', () => {
    const r = newRaft(1, [1, 2, 3], { log: [1, 1], hardState: { term: 1 } });
    r.step(message({ type: 'MsgHup', from: 1 }));
    takeMessages(r);
    r.step(message({ type: 'MsgVoteResp', from: 2, to: 1, term: 2 }));
    expect(r.state).toBe('leader');
    const last = r.raftLog.allEntries().at(-1)!;
    expect(last).toMatchObject({ index: 3, term: 2, type: 'normal' });
    expect(last.data.length).toBe(0);
    const apps = takeMessages(r);
    expect(apps.map((m) => [m.type, m.to, m.index, m.logTerm, m.entries.map((e) => [e.index, e.term])])).toEqual([
      ['MsgApp', 2, 2, 1, [[3, 2]]],
      ['MsgApp', 3, 2, 1, [[3, 2]]],
    ]);
  });

  it.each([1, 3, 5])('sends heartbeats every heartbeatTick (%i) ticks to prevent election timeouts', (hb) => {
    const r = forceLeader(newRaft(1, [1, 2, 3], { heartbeatTick: hb, electionTick: 10 * hb, log: [1], hardState: { term: 1, commit: 1 } }));
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < hb - 1; i++) r.tick();
      expect(takeMessages(r)).toEqual([]);
      r.tick();
      const beats = takeMessages(r);
      expect(beats.map((m) => [m.type, m.to, m.term])).toEqual([
        ['MsgHeartbeat', 2, 2],
        ['MsgHeartbeat', 3, 2],
      ]);
      // A heartbeat never carries a commit index beyond what the follower is known to hold.
      for (const m of beats) expect(m.commit).toBe(0);
    }
  });

  it('heartbeats keep a healthy group from electing anyone else', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.elapse(200);
    expect(net.leader()!.id).toBe(1);
    for (const m of net.members.values()) expect(m.term()).toBe(2);
  });

  it('a command is appended locally, replicated, and committed once a majority stored it', () => {
    const r = forceLeader(newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 1, commit: 1 } }));
    // Followers acknowledge the empty entry: commit 2.
    r.step(message({ type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 2 }));
    r.step(message({ type: 'MsgAppResp', from: 3, to: 1, term: 2, index: 2 }));
    expect(r.raftLog.committed).toBe(2);
    takeMessages(r);
    r.step(message({ type: 'MsgProp', from: 1, entries: [{ term: 0, index: 0, type: 'normal', data: utf8('x') }] }));
    expect(r.raftLog.lastIndex()).toBe(3);
    expect(r.raftLog.committed).toBe(2);
    const apps = takeMessages(r);
    expect(apps.map((m) => [m.type, m.to, m.index, m.logTerm, m.entries.length, m.commit])).toEqual([
      ['MsgApp', 2, 2, 2, 1, 2],
      ['MsgApp', 3, 2, 2, 1, 2],
    ]);
    r.step(message({ type: 'MsgAppResp', from: 3, to: 1, term: 2, index: 3 }));
    expect(r.raftLog.committed).toBe(3);
    // Everyone hears about the new commit index.
    expect(takeMessages(r).map((m) => [m.type, m.to, m.commit])).toEqual([
      ['MsgApp', 2, 3],
      ['MsgApp', 3, 3],
    ]);
  });

  describe('commitIndex = N when a majority has matchIndex >= N (and log[N] is of the current term)', () => {
    it.each([
      { size: 1, acks: [], commit: true },
      { size: 3, acks: [], commit: false },
      { size: 3, acks: [2], commit: true },
      { size: 3, acks: [2, 3], commit: true },
      { size: 4, acks: [2], commit: false },
      { size: 4, acks: [2, 3], commit: true },
      { size: 5, acks: [2], commit: false },
      { size: 5, acks: [2, 3], commit: true },
      { size: 5, acks: [2, 3, 4, 5], commit: true },
    ])('$size voters, acks from $acks -> committed: $commit', ({ size, acks, commit }) => {
      const ids = Array.from({ length: size }, (_, i) => i + 1);
      const r = forceLeader(newRaft(1, ids, { log: [1], hardState: { term: 1, commit: 1 } }));
      // The empty entry of term 2 is at index 2.
      for (const from of acks) r.step(message({ type: 'MsgAppResp', from, to: 1, term: 2, index: 2 }));
      expect(r.raftLog.committed).toBe(commit ? 2 : 1);
    });
  });

  describe('an entry of an older term is never committed by counting replicas (Figure 8)', () => {
    // Leader of term 3 with log [t1, t2, t3(empty)]; index 2 comes from an older term.
    it.each([
      { acks: [[2, 2]], commit: 1 },
      { acks: [[2, 2], [3, 2]], commit: 1 },
      { acks: [[2, 3]], commit: 3 },
      { acks: [[2, 2], [3, 3]], commit: 3 },
    ] as { acks: [NodeId, number][]; commit: number }[])('acks $acks -> commit $commit', ({ acks, commit }) => {
      const r = forceLeader(newRaft(1, [1, 2, 3], { log: [1, 2], hardState: { term: 2, commit: 1 } }));
      expect(r.term).toBe(3);
      for (const [from, index] of acks) r.step(message({ type: 'MsgAppResp', from, to: 1, term: 3, index }));
      expect(r.raftLog.committed).toBe(commit);
    });

    it('the scenario of Figure 8: an old-term entry held by a majority is overwritten, so it must not have been committed', () => {
      const ids = [1, 2, 3, 4, 5];
      const net = new Network(ids.map((id) => new TestMember(id, { storage: presetStorage({ voters: ids }) })));
      // (a) 1 leads term 1; 'x' (index 2) reaches only 2.
      net.campaign(1);
      expect(net.member(1).term()).toBe(1);
      net.partition([1, 2], [3], [4], [5]);
      net.propose(1, 'x');
      expect(net.member(2).node.raft.raftLog.lastIndex()).toBe(2);
      net.recover();
      // (b) 1 crashes; 5 wins term 2 with votes of 3 and 4, appends index 2 of term 2 that nobody else gets.
      net.crash(1);
      net.ignore('MsgApp');
      net.campaign(5);
      expect(net.member(5).role()).toBe('leader');
      expect(net.member(5).term()).toBe(2);
      net.crash(5);
      net.recover();
      // (c) 1 restarts and wins term 3 (after losing term 2: 3 and 4 voted for 5). It replicates the
      // old 'x' (index 2, term 1) to 3, and nothing of its own term reaches anyone.
      net.restart(1);
      net.campaign(1);
      expect(net.member(1).role()).toBe('candidate'); // 2 voted, 3 and 4 refused, 5 is down
      expect(net.member(1).term()).toBe(2);
      net.rewrite((m) => (m.type === 'MsgApp' && m.from === 1 ? { ...m, entries: m.entries.filter((e) => e.index <= 2) } : m));
      net.campaign(1);
      expect(net.member(1).role()).toBe('leader');
      expect(net.member(1).term()).toBe(3);
      for (const id of [1, 2, 3]) expect(net.member(id).node.raft.raftLog.term(2)).toBe(1);
      // A majority (1, 2, 3) holds index 2, but it is not of term 3: not committed.
      expect(net.member(1).node.raft.raftLog.committed).toBe(1);
      net.recover();
      // (d) 1 crashes before its own entry spreads. 5 comes back, and with a log ending in term 2
      // it wins (3 and 4 hold only term 1 entries) and overwrites index 2 everywhere.
      net.crash(1);
      net.restart(5);
      for (let i = 0; i < 3 && net.member(5).role() !== 'leader'; i++) net.campaign(5);
      expect(net.member(5).role()).toBe('leader');
      net.restart(1);
      net.elapse(3);
      for (const id of ids) {
        const m = net.member(id);
        expect(m.node.raft.raftLog.term(2)).toBe(2);
        expect(m.node.raft.raftLog.committed).toBe(m.node.raft.raftLog.lastIndex());
        // 'x' was never applied anywhere: committing it in (c) would have broken State Machine Safety.
        expect([...m.appliedLog.values()].some((e) => e.index === 2 && e.term === 1)).toBe(false);
        expect(m.applied).toEqual([]);
      }
    });
  });
});

describe('Figure 2, RequestVote receiver', () => {
  it('reply false if term < currentTerm', () => {
    const r = newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 3 } });
    r.step(message({ type: 'MsgVote', from: 2, to: 1, term: 2, index: 9, logTerm: 2 }));
    expect(takeMessages(r).filter((m) => m.type === 'MsgVoteResp' && !m.reject)).toEqual([]);
    expect(r.vote).toBe(NONE);
    expect(r.term).toBe(3);
  });

  describe('votedFor is null or candidateId: vote once per term', () => {
    it.each([
      { name: 'not voted yet', vote: NONE, leader: false, from: 2, granted: true },
      { name: 'voted for this candidate (retransmission)', vote: 2, leader: false, from: 2, granted: true },
      { name: 'voted for another', vote: 3, leader: false, from: 2, granted: false },
      { name: 'not voted but following a leader of this term', vote: NONE, leader: true, from: 2, granted: false },
    ])('$name -> granted: $granted', ({ vote, leader, from, granted }) => {
      const r = newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 2, vote } });
      if (leader) r.step(message({ type: 'MsgHeartbeat', from: 3, to: 1, term: 2 }));
      takeMessages(r);
      r.step(message({ type: 'MsgVote', from, to: 1, term: 2, index: 1, logTerm: 1 }));
      const resp = ofType(takeMessages(r), 'MsgVoteResp');
      expect(resp).toHaveLength(1);
      expect(resp[0]!.reject).toBe(!granted);
      expect(r.vote).toBe(granted ? from : vote);
    });
  });

  describe("grant only if the candidate's log is at least as up-to-date as the receiver's (§5.4.1)", () => {
    it.each([
      { log: [1, 1], cand: [2, 1], granted: true }, // identical
      { log: [1, 1], cand: [3, 1], granted: true }, // longer, same last term
      { log: [1, 1], cand: [1, 1], granted: false }, // shorter, same last term
      { log: [1, 1], cand: [1, 2], granted: true }, // shorter but a later last term
      { log: [1, 2], cand: [3, 1], granted: false }, // longer but an older last term
      { log: [1, 2], cand: [2, 2], granted: true },
      { log: [1, 2], cand: [1, 3], granted: true },
      { log: [], cand: [0, 0], granted: true },
      { log: [1], cand: [0, 0], granted: false },
    ])('receiver log terms $log, candidate last (index, term) $cand -> granted: $granted', ({ log, cand, granted }) => {
      const r = newRaft(1, [1, 2, 3], { log, hardState: { term: 2 } });
      r.step(message({ type: 'MsgVote', from: 2, to: 1, term: 3, index: cand[0]!, logTerm: cand[1]! }));
      const resp = ofType(takeMessages(r), 'MsgVoteResp');
      expect(resp.map((m) => [m.term, m.reject])).toEqual([[3, !granted]]);
      expect(r.vote).toBe(granted ? 2 : NONE);
      expect(r.term).toBe(3);
    });
  });
});

describe('Figure 2, AppendEntries receiver', () => {
  describe('reply false if term < currentTerm', () => {
    it.each([
      { name: 'plain', opts: {}, answers: false },
      { name: 'checkQuorum', opts: { checkQuorum: true }, answers: true },
      { name: 'preVote', opts: { preVote: true }, answers: true },
    ])('$name: the stale leader is ignored or told the newer term', ({ opts, answers }) => {
      const r = newRaft(1, [1, 2, 3], { ...opts, log: [1], hardState: { term: 3 } });
      r.step(message({ type: 'MsgApp', from: 2, to: 1, term: 2, index: 1, logTerm: 1, entries: entriesWithTerms([2], 2), commit: 2 }));
      expect(logTerms(r)).toEqual([1]);
      expect(r.raftLog.committed).toBe(0);
      expect(r.lead).toBe(NONE);
      // With check-quorum or pre-vote a stale leader might never learn the new term from a vote:
      // it is told with a response of the newer term.
      expect(takeMessages(r).map((m) => [m.type, m.to, m.term, m.reject])).toEqual(answers ? [['MsgAppResp', 2, 3, false]] : []);
    });
  });

  describe('prev mismatch, conflicting suffix, new entries, and commit = min(leaderCommit, index of last new entry)', () => {
    // The follower's log has terms [1, 2] (indexes 1, 2), commit 0.
    it.each([
      { name: 'prev term mismatch: reject', prev: [2, 3], ents: [], lc: 3, reject: true, respIndex: 2, log: [1, 2], commit: 0 },
      { name: 'prev missing: reject', prev: [3, 2], ents: [], lc: 3, reject: true, respIndex: 3, log: [1, 2], commit: 0 },
      { name: 'prev matches, nothing new', prev: [2, 2], ents: [], lc: 3, reject: false, respIndex: 2, log: [1, 2], commit: 2 },
      { name: 'append new entries', prev: [2, 2], ents: [3, 3], lc: 1, reject: false, respIndex: 4, log: [1, 2, 3, 3], commit: 1 },
      { name: 'conflict: delete the suffix, append', prev: [1, 1], ents: [3], lc: 3, reject: false, respIndex: 2, log: [1, 3], commit: 2 },
      { name: 'conflict from the start', prev: [0, 0], ents: [1, 3, 3], lc: 2, reject: false, respIndex: 3, log: [1, 3, 3], commit: 2 },
      { name: 'entries already held: no truncation', prev: [1, 1], ents: [2], lc: 5, reject: false, respIndex: 2, log: [1, 2], commit: 2 },
      // Index 2 is held but not vouched for by this message: commit stops at the last new entry.
      { name: 'commit bounded by the last new entry', prev: [0, 0], ents: [1], lc: 5, reject: false, respIndex: 1, log: [1, 2], commit: 1 },
    ])('$name', ({ prev, ents, lc, reject, respIndex, log, commit }) => {
      const r = newRaft(1, [1, 2, 3], { log: [1, 2], hardState: { term: 2 } });
      r.step(
        message({ type: 'MsgApp', from: 2, to: 1, term: 3, index: prev[0]!, logTerm: prev[1]!, entries: entriesWithTerms(ents, prev[0]! + 1), commit: lc }),
      );
      expect(takeMessages(r).map((m) => [m.type, m.to, m.reject, m.index])).toEqual([['MsgAppResp', 2, reject, respIndex]]);
      expect(logTerms(r)).toEqual(log);
      expect(r.raftLog.committed).toBe(commit);
      expect(r.lead).toBe(2);
    });
  });

  it('an append entirely below the commit index is answered with the commit index', () => {
    const r = newRaft(1, [1, 2, 3], { log: [1, 1, 1], hardState: { term: 1, commit: 3 } });
    r.step(message({ type: 'MsgApp', from: 2, to: 1, term: 1, index: 1, logTerm: 1, entries: entriesWithTerms([1], 2), commit: 3 }));
    expect(takeMessages(r).map((m) => [m.type, m.reject, m.index])).toEqual([['MsgAppResp', false, 3]]);
  });

  it('new entries and the acknowledgement leave in the same Ready: persisted (synced) before the ack is sent', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(1).node.propose(utf8('x'));
    const [app] = net.take((m) => m.type === 'MsgApp' && m.to === 2);
    net.member(2).node.step(app!);
    const rd = net.member(2).handleReady()!;
    expect(rd.entries.map((e) => e.index)).toEqual([5]);
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.map((m) => [m.type, m.index])).toEqual([['MsgAppResp', 5]]);
  });
});

describe('Figure 2, persistent state: currentTerm and votedFor', () => {
  it.each([{ restart: false }, { restart: true }])('a vote is in the Ready hard state (synced) and binds after restart: $restart', ({ restart }) => {
    const net = Network.of([1, 2, 3]);
    const m1 = net.member(1);
    m1.node.step(message({ type: 'MsgVote', from: 2, to: 1, term: 5, index: 3, logTerm: 1 }));
    const rd = m1.handleReady()!;
    expect(rd.hardState).toEqual({ term: 5, vote: 2, commit: 3 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.map((m) => [m.type, m.to, m.term, m.reject])).toEqual([['MsgVoteResp', 2, 5, false]]);
    expect(m1.storage.hardStateNow()).toEqual({ term: 5, vote: 2, commit: 3 });
    if (restart) net.restart(1);
    expect(m1.node.raft.term).toBe(5);
    expect(m1.node.raft.vote).toBe(2);
    // Another candidate of the same term is refused: no second vote, even after a crash.
    m1.node.step(message({ type: 'MsgVote', from: 3, to: 1, term: 5, index: 3, logTerm: 1 }));
    expect(m1.handleReady()!.messages.map((m) => [m.type, m.to, m.reject])).toEqual([['MsgVoteResp', 3, true]]);
  });

  it('a vote lost in a crash before it was persisted was never sent, and may be cast again', () => {
    const net = Network.of([1, 2, 3]);
    const m1 = net.member(1);
    m1.node.step(message({ type: 'MsgVote', from: 2, to: 1, term: 5, index: 3, logTerm: 1 }));
    // Crash before the Ready is handled: the vote and its response die together.
    net.restart(1);
    expect(m1.node.raft.term).toBe(1);
    expect(m1.node.raft.vote).toBe(NONE);
    expect(net.queue).toEqual([]);
    m1.node.step(message({ type: 'MsgVote', from: 3, to: 1, term: 5, index: 3, logTerm: 1 }));
    expect(m1.handleReady()!.messages.map((m) => [m.type, m.to, m.reject])).toEqual([['MsgVoteResp', 3, false]]);
  });

  it("a candidate's own vote and term survive a restart", () => {
    const net = Network.of([1, 2, 3]);
    net.isolate(1);
    net.campaign(1);
    expect(net.member(1).storage.hardStateNow()).toMatchObject({ term: 2, vote: 1 });
    net.restart(1);
    expect(net.member(1).role()).toBe('follower');
    expect(net.member(1).term()).toBe(2);
    expect(net.member(1).node.raft.vote).toBe(1);
    net.member(1).node.step(message({ type: 'MsgVote', from: 2, to: 1, term: 2, index: 3, logTerm: 1 }));
    expect(net.member(1).handleReady()!.messages.map((m) => m.reject)).toEqual([true]);
  });

  it('a change of the commit index alone needs no sync', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(1).node.propose(utf8('x'));
    // Deliver the append to 2 but keep the commit from reaching it through an append.
    net.ignore('MsgApp');
    const [app] = net.take((m) => m.type === 'MsgApp' && m.to === 2);
    net.recover();
    net.deliver(app!);
    net.ignore('MsgApp');
    net.deliverAll();
    expect(net.member(1).node.raft.raftLog.committed).toBe(5);
    expect(net.member(2).node.raft.raftLog.committed).toBe(4);
    net.tick(1);
    const [hb] = net.take((m) => m.type === 'MsgHeartbeat' && m.to === 2);
    net.member(2).node.step(hb!);
    const rd = net.member(2).handleReady()!;
    expect(rd.hardState).toEqual({ term: 2, vote: 1, commit: 5 });
    expect(rd.mustSync).toBe(false);
  });
});
