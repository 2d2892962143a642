// Elections: the randomized timeout, who wins with whom down, pre-vote, and check-quorum with
// leader leases.

import { describe, expect, it } from 'vitest';
import { Network, newRaft, presetStorage, takeMessages } from './testing/network.js';
import { utf8 } from './testing/member.js';
import { encodeConfChange } from './confchange-codec.js';
import { seededRandom, type Raft } from './raft.js';
import { NONE, message, type MessageType, type NodeId, type StateRole } from './types.js';

/** Tick a follower until it campaigns; how many ticks did it take? Then make it a follower again. */
function ticksToCampaign(r: Raft): number {
  for (let n = 1; n <= 1000; n++) {
    r.tick();
    if (r.state !== 'follower') {
      r.becomeFollower(r.term, NONE);
      takeMessages(r);
      return n;
    }
  }
  throw new Error('never campaigned');
}

const timeouts = (r: Raft, n: number): number[] => Array.from({ length: n }, () => ticksToCampaign(r));

describe('randomized election timeout', () => {
  it.each([3, 10, 25])('always in [electionTick, 2 * electionTick) and spread over that range (electionTick %i)', (et) => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const r = newRaft(1, [1, 2, 3], { electionTick: et, random: seededRandom(seed) });
      for (const t of timeouts(r, 20)) seen.add(t);
    }
    for (const t of seen) {
      expect(t).toBeGreaterThanOrEqual(et);
      expect(t).toBeLessThan(2 * et);
    }
    // 400 draws cover every value of the range.
    expect(seen.size).toBe(et);
  });

  it.each([
    { name: 'lowest draw', random: () => 0, want: 10 },
    { name: 'highest draw', random: () => 0.999999, want: 19 },
    { name: 'middle draw', random: () => 0.5, want: 15 },
  ])('$name -> $want ticks (electionTick 10)', ({ random, want }) => {
    const r = newRaft(1, [1, 2, 3], { random });
    expect(timeouts(r, 3)).toEqual([want, want, want]);
  });

  it('is deterministic for a given random source, and differs between sources', () => {
    const a = timeouts(newRaft(1, [1, 2, 3], { random: seededRandom(42) }), 30);
    const b = timeouts(newRaft(1, [1, 2, 3], { random: seededRandom(42) }), 30);
    const c = timeouts(newRaft(1, [1, 2, 3], { random: seededRandom(43) }), 30);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Without a random source the PRNG is seeded by the id: reproducible, and members differ.
    const d1 = timeouts(newRaft(1, [1, 2, 3]), 30);
    const d1again = timeouts(newRaft(1, [1, 2, 3]), 30);
    const d2 = timeouts(newRaft(2, [1, 2, 3]), 30);
    expect(d1again).toEqual(d1);
    expect(d2).not.toEqual(d1);
  });

  it.each([
    { preVote: false, checkQuorum: false },
    { preVote: true, checkQuorum: true },
  ])('a group started at the same instant elects one leader by ticking alone, and commits proposals made anywhere ($preVote, $checkQuorum)', (opts) => {
    const ids = [1, 2, 3, 4, 5];
    const net = Network.of(ids, opts);
    for (let i = 0; i < 30 && !net.leader(); i++) net.elapse(1);
    const leader = net.leader()!;
    expect(leader).toBeDefined();
    // One election sufficed: the default, id-seeded, sources keep the members from timing out together.
    expect(leader.term()).toBe(2);
    expect(ids.filter((id) => net.member(id).role() === 'leader')).toEqual([leader.id]);
    const follower = ids.find((id) => id !== leader.id)!;
    net.propose(follower, 'a');
    net.propose(leader.id, 'b');
    net.elapse(3);
    for (const id of ids) expect(net.member(id).applied.map((a) => a.data)).toEqual(['a', 'b']);
  });
});

describe('leader election', () => {
  // What a campaigning member ends as, with some members down.
  it.each([
    { size: 1, down: [], preVote: false, state: 'leader', term: 2 },
    { size: 3, down: [], preVote: false, state: 'leader', term: 2 },
    { size: 3, down: [3], preVote: false, state: 'leader', term: 2 },
    { size: 3, down: [2, 3], preVote: false, state: 'candidate', term: 2 },
    { size: 4, down: [3, 4], preVote: false, state: 'candidate', term: 2 },
    { size: 5, down: [4, 5], preVote: false, state: 'leader', term: 2 },
    { size: 5, down: [3, 4, 5], preVote: false, state: 'candidate', term: 2 },
    { size: 1, down: [], preVote: true, state: 'leader', term: 2 },
    { size: 3, down: [], preVote: true, state: 'leader', term: 2 },
    { size: 3, down: [3], preVote: true, state: 'leader', term: 2 },
    // A pre-candidate that cannot reach a quorum stays one, at its old term.
    { size: 3, down: [2, 3], preVote: true, state: 'preCandidate', term: 1 },
    { size: 4, down: [3, 4], preVote: true, state: 'preCandidate', term: 1 },
    { size: 5, down: [4, 5], preVote: true, state: 'leader', term: 2 },
    { size: 5, down: [3, 4, 5], preVote: true, state: 'preCandidate', term: 1 },
  ] as { size: number; down: NodeId[]; preVote: boolean; state: StateRole; term: number }[])(
    '$size members, $down down, preVote $preVote: 1 ends $state at term $term',
    ({ size, down, preVote, state, term }) => {
      const ids = Array.from({ length: size }, (_, i) => i + 1);
      const net = Network.of(ids, { preVote });
      for (const id of down) net.crash(id);
      net.campaign(1);
      expect(net.member(1).role()).toBe(state);
      expect(net.member(1).term()).toBe(term);
      for (const id of ids) if (id !== 1 && !down.includes(id)) expect(net.member(id).node.raft.lead).toBe(state === 'leader' ? 1 : NONE);
    },
  );

  it.each([false, true])('every member can become leader in turn (preVote %s)', (preVote) => {
    const net = Network.of([1, 2, 3], { preVote });
    for (let round = 0; round < 2; round++) {
      for (const id of [1, 2, 3]) {
        net.campaign(id);
        expect(net.leader()!.id).toBe(id);
        for (const other of [1, 2, 3]) if (other !== id) expect(net.member(other).role()).toBe('follower');
      }
    }
  });

  it('a single member restarts as a follower, elects itself again, and keeps its log', () => {
    const net = Network.withLeader([1], { random: () => 0 });
    net.propose(1, 'a');
    net.restart(1);
    const m = net.member(1);
    expect(m.role()).toBe('follower');
    expect(m.applied.map((a) => a.data)).toEqual(['a']); // re-applied from the log
    net.elapse(10);
    expect(m.role()).toBe('leader');
    expect(m.term()).toBe(3);
    net.propose(1, 'b');
    expect(m.applied.map((a) => a.data)).toEqual(['a', 'b']);
  });

  it('a candidate that learns of a higher term from a rejection becomes a follower of that term', () => {
    const r = newRaft(1, [1, 2, 3], { log: [1], hardState: { term: 1 } });
    r.step(message({ type: 'MsgHup', from: 1 }));
    r.step(message({ type: 'MsgVoteResp', from: 2, to: 1, term: 7, reject: true }));
    expect(r.state).toBe('follower');
    expect(r.term).toBe(7);
  });

  describe('no campaign while a committed conf change is not applied yet (it may change who votes)', () => {
    it.each([
      { applied: 1, campaigns: false },
      { applied: 2, campaigns: true },
    ])('applied $applied of [normal, confChange] committed -> campaigns: $campaigns', ({ applied, campaigns }) => {
      const storage = presetStorage({ voters: [1, 2, 3], log: [1] });
      storage.append([{ term: 1, index: 2, type: 'confChange', data: encodeConfChange({ transition: 'auto', changes: [{ type: 'addNode', nodeId: 4 }] }) }]);
      storage.setHardState({ term: 1, vote: NONE, commit: 2 });
      const r = newRaft(1, [1, 2, 3], { storage, applied });
      r.step(message({ type: 'MsgHup', from: 1 }));
      expect(r.state).toBe(campaigns ? 'candidate' : 'follower');
      expect(takeMessages(r).length > 0).toBe(campaigns);
    });
  });
});

describe('pre-vote', () => {
  it.each([
    { preVote: true, disrupted: false },
    { preVote: false, disrupted: true },
  ])('a partitioned member rejoining: preVote $preVote -> healthy leader disrupted: $disrupted', ({ preVote, disrupted }) => {
    const net = Network.withLeader([1, 2, 3], { preVote });
    net.isolate(3);
    net.elapse(50); // 3 times out again and again
    const m3 = net.member(3);
    if (preVote) {
      expect(m3.role()).toBe('preCandidate');
      expect(m3.term()).toBe(2);
    } else {
      expect(m3.role()).toBe('candidate');
      expect(m3.term()).toBeGreaterThan(3);
    }
    net.recover();
    net.elapse(3);
    for (let i = 0; i < 50 && !(net.leader() && [1, 2, 3].every((id) => net.member(id).term() === net.leader()!.term())); i++) net.elapse(1);
    const leader = net.leader()!;
    const terms = [1, 2, 3].map((id) => net.member(id).term());
    expect(new Set(terms).size).toBe(1);
    if (disrupted) {
      expect(terms[0]).toBeGreaterThan(3);
    } else {
      expect(leader.id).toBe(1);
      expect(terms).toEqual([2, 2, 2]);
      expect(m3.role()).toBe('follower');
      expect(m3.node.raft.lead).toBe(1);
    }
  });

  it('a pre-election runs before the election, asking for term + 1 without moving there', () => {
    const net = Network.of([1, 2, 3], { preVote: true });
    net.campaign(1);
    expect(net.member(1).role()).toBe('leader');
    const votes = net.delivered.filter((m) => m.type.includes('Vote')).map((m) => [m.type, m.from, m.to, m.term]);
    expect(votes).toEqual([
      ['MsgPreVote', 1, 2, 2],
      ['MsgPreVote', 1, 3, 2],
      ['MsgPreVoteResp', 2, 1, 2],
      // Quorum reached with 2's grant: 1 campaigns for real; 3's grant arrives too late to matter.
      ['MsgPreVoteResp', 3, 1, 2],
      ['MsgVote', 1, 2, 2],
      ['MsgVote', 1, 3, 2],
      ['MsgVoteResp', 2, 1, 2],
      ['MsgVoteResp', 3, 1, 2],
    ]);
  });

  it("granting a pre-vote changes neither the voter's term, nor its vote, nor its election timer", () => {
    const r = newRaft(1, [1, 2, 3], { preVote: true, log: [1], hardState: { term: 2, vote: 3 }, random: () => 0 });
    for (let i = 0; i < 9; i++) r.tick();
    r.step(message({ type: 'MsgPreVote', from: 2, to: 1, term: 3, index: 1, logTerm: 1 }));
    expect(takeMessages(r).map((m) => [m.type, m.term, m.reject])).toEqual([['MsgPreVoteResp', 3, false]]);
    expect(r.term).toBe(2);
    expect(r.vote).toBe(3);
    r.tick();
    expect(r.state).toBe('preCandidate');
  });

  it('a pre-vote from a lower term is rejected with our term', () => {
    const r = newRaft(1, [1, 2, 3], { preVote: true, log: [1], hardState: { term: 5 } });
    r.step(message({ type: 'MsgPreVote', from: 2, to: 1, term: 3, index: 9, logTerm: 9 }));
    expect(takeMessages(r).map((m) => [m.type, m.to, m.term, m.reject])).toEqual([['MsgPreVoteResp', 2, 5, true]]);
    expect(r.term).toBe(5);
  });

  describe('what a pre-candidate (term 2, 3 voters) does with a response', () => {
    it.each([
      { name: 'rejection with a higher term', resp: { from: 2, term: 5, reject: true }, state: 'follower', term: 5 },
      { name: 'rejection at its term', resp: { from: 2, term: 2, reject: true }, state: 'preCandidate', term: 2 },
      { name: 'grant (term + 1)', resp: { from: 2, term: 3, reject: false }, state: 'candidate', term: 3 },
      { name: 'stale grant of an older term', resp: { from: 2, term: 1, reject: false }, state: 'preCandidate', term: 2 },
    ] as const)('$name -> $state at term $term', ({ resp, state, term }) => {
      const r = newRaft(1, [1, 2, 3], { preVote: true, log: [1], hardState: { term: 2 } });
      r.step(message({ type: 'MsgHup', from: 1 }));
      expect(r.state).toBe('preCandidate');
      r.step(message({ type: 'MsgPreVoteResp', to: 1, ...resp }));
      expect(r.state).toBe(state);
      expect(r.term).toBe(term);
    });
  });

  it('a pre-candidate that loses goes back to follower, and nobody changed term', () => {
    const net = Network.withLeader([1, 2, 3], { preVote: true });
    net.isolate(3);
    net.propose(1, 'x'); // 3 misses it: its log is now stale
    net.recover();
    net.member(3).node.campaign();
    expect(net.member(3).role()).toBe('preCandidate');
    net.deliverAll();
    const resps = net.delivered.filter((m) => m.type === 'MsgPreVoteResp').map((m) => [m.from, m.term, m.reject]);
    expect(resps).toEqual([
      [1, 2, true],
      [2, 2, true],
    ]);
    expect(net.member(3).role()).toBe('follower');
    for (const id of [1, 2, 3]) expect(net.member(id).term()).toBe(2);
    expect(net.leader()!.id).toBe(1);
  });
});

describe('check-quorum', () => {
  it.each([
    { checkQuorum: true, stepsDown: true },
    { checkQuorum: false, stepsDown: false },
  ])('a leader cut off from the quorum: checkQuorum $checkQuorum -> steps down: $stepsDown', ({ checkQuorum, stepsDown }) => {
    const net = Network.withLeader([1, 2, 3], { checkQuorum });
    net.isolate(1);
    // The first check still counts the answers heard before the cut.
    net.tick(1, 10);
    expect(net.member(1).role()).toBe('leader');
    net.tick(1, 10);
    expect(net.member(1).role()).toBe(stepsDown ? 'follower' : 'leader');
    expect(net.member(1).term()).toBe(2);
    if (stepsDown) {
      expect(net.member(1).node.raft.lead).toBe(NONE);
      expect(() => net.member(1).node.propose(utf8('x'))).toThrow(/no leader/);
    }
  });

  it('a leader that hears from a quorum keeps leading, one follower down or not', () => {
    const net = Network.withLeader([1, 2, 3], { checkQuorum: true });
    net.isolate(3);
    net.elapse(100);
    expect(net.member(1).role()).toBe('leader');
    expect(net.member(1).term()).toBe(2);
  });

  describe('a follower that heard from its leader within the election timeout ignores higher-term (pre-)votes', () => {
    const transfer = utf8('CampaignTransfer');
    it.each([
      { type: 'MsgVote', lease: true, transfer: false, answered: false },
      { type: 'MsgPreVote', lease: true, transfer: false, answered: false },
      { type: 'MsgVote', lease: false, transfer: false, answered: true },
      { type: 'MsgPreVote', lease: false, transfer: false, answered: true },
      // A campaign ordered by the leader (leadership transfer) bypasses the lease.
      { type: 'MsgVote', lease: true, transfer: true, answered: true },
    ] as { type: MessageType; lease: boolean; transfer: boolean; answered: boolean }[])(
      '$type, in lease: $lease, transfer: $transfer -> answered: $answered',
      ({ type, lease, transfer: isTransfer, answered }) => {
        const net = Network.withLeader([1, 2, 3], { checkQuorum: true });
        const m2 = net.member(2);
        if (!lease) net.tick(2, 10); // 2 hears nothing from the leader for an election timeout
        const vote = message({ type, from: 3, to: 2, term: 3, index: 10, logTerm: 2 });
        if (isTransfer) vote.context = transfer;
        m2.node.step(vote);
        const out = m2.drain();
        if (answered) {
          expect(out.map((m) => [m.type, m.to, m.term, m.reject])).toEqual([[type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp', 3, 3, false]]);
        } else {
          expect(out).toEqual([]);
        }
        // Only a real vote moves the term.
        expect(m2.term()).toBe(answered && type === 'MsgVote' ? 3 : 2);
      },
    );
  });

  it('the leader itself is in lease too: a disruptive candidate does not depose it', () => {
    const net = Network.withLeader([1, 2, 3], { checkQuorum: true });
    net.member(1).node.step(message({ type: 'MsgVote', from: 3, to: 1, term: 9, index: 10, logTerm: 2 }));
    expect(net.member(1).role()).toBe('leader');
    expect(net.member(1).term()).toBe(2);
  });

  it('a candidate stuck at a higher term after a partition is freed when it rejoins', () => {
    const net = Network.withLeader([1, 2, 3], { checkQuorum: true });
    net.isolate(3);
    net.elapse(40);
    const stuck = net.member(3).term();
    expect(net.member(3).role()).toBe('candidate');
    expect(stuck).toBeGreaterThan(2);
    net.recover();
    // Its votes are ignored (the others are in lease), but its answer to the leader's heartbeat
    // carries its term: the leader steps down and a new election at a higher term follows.
    for (let i = 0; i < 100; i++) {
      net.elapse(1);
      const l = net.leader();
      if (l && l.term() > stuck && [1, 2, 3].every((id) => net.member(id).term() === l.term())) break;
    }
    const leader = net.leader()!;
    expect(leader.term()).toBeGreaterThan(stuck);
    for (const id of [1, 2, 3]) expect(net.member(id).term()).toBe(leader.term());
  });

  it('a stale leader (no check-quorum, pre-vote) that rejoins is told the new term and steps down', () => {
    const net = Network.withLeader([1, 2, 3], { preVote: true });
    net.isolate(1);
    net.campaign(2);
    expect(net.member(2).role()).toBe('leader');
    expect(net.member(2).term()).toBe(3);
    expect(net.member(1).role()).toBe('leader'); // it does not know yet
    net.recover();
    net.tick(1);
    net.deliverAll();
    expect(net.member(1).role()).toBe('follower');
    expect(net.member(1).term()).toBe(3);
    expect(net.leader()!.id).toBe(2);
  });
});
