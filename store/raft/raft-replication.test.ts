// Log replication: batching, pipelining and flow control, the follower progress states, the
// fast back-off over a divergent log, message size limits, and what happens to uncommitted
// entries when leadership changes.

import { describe, expect, it } from 'vitest';
import { Network, forceLeader, newRaft, presetStorage, takeMessages } from './testing/network.js';
import { TestMember, utf8 } from './testing/member.js';
import { ProposalDroppedError, message, type Message, type NodeId } from './types.js';
import type { Raft } from './raft.js';
import type { ProgressState } from './tracker/progress.js';

const apps = (ms: Message[], to?: NodeId): Message[] => ms.filter((m) => m.type === 'MsgApp' && (to === undefined || m.to === to));
const payloads = (n: number, size = 1): Uint8Array[] => Array.from({ length: n }, (_, i) => utf8(String(i).padStart(size, '.')));
const progress = (net: Network, id: NodeId) => net.member(1).node.status().progress!.get(id)!;

describe('batching', () => {
  it.each([
    { name: 'proposeBatch: one append of all entries per follower', batch: true, appsPerFollower: 1 },
    { name: 'separate proposals in replicate state: pipelined one by one', batch: false, appsPerFollower: 10 },
  ])('$name; either way one Ready persists all of them', ({ batch, appsPerFollower }) => {
    const net = Network.withLeader([1, 2, 3]);
    const leader = net.member(1);
    if (batch) leader.node.proposeBatch(payloads(10));
    else for (const p of payloads(10)) leader.node.propose(p);
    const rd = leader.handleReady()!;
    expect(rd.entries.map((e) => e.index)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    for (const to of [2, 3]) {
      expect(apps(rd.messages, to)).toHaveLength(appsPerFollower);
      expect(apps(rd.messages, to).flatMap((m) => m.entries.map((e) => e.index))).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    }
    net.queue.push(...rd.messages);
    net.deliverAll();
    net.elapse(1);
    for (const m of net.members.values()) expect(m.applied).toHaveLength(10);
  });

  it('proposals made while a follower is being probed travel together once it answers', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.isolate(3);
    net.member(1).node.reportUnreachable(3);
    expect(progress(net, 3).state).toBe('probe');
    for (let i = 0; i < 50; i++) net.propose(1, `p${i}`);
    // One probe went out (and was lost); the other 49 proposals waited.
    expect(apps(net.dropped, 3).filter((m) => m.entries.length > 0)).toHaveLength(1);
    net.recover();
    net.clearTrace();
    net.elapse(1);
    const toThree = apps(net.delivered, 3).filter((m) => m.entries.length > 0);
    expect(toThree.map((m) => m.entries.length)).toEqual([50]);
    expect(net.member(3).node.raft.raftLog.lastIndex()).toBe(54);
  });

  it('proposeBatch of nothing is a no-op', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(1).node.proposeBatch([]);
    expect(net.member(1).node.hasReady()).toBe(false);
  });
});

describe('pipelining and flow control', () => {
  it.each([
    { maxInflightMsgs: 1, sent: 1 },
    { maxInflightMsgs: 3, sent: 3 },
    { maxInflightMsgs: 256, sent: 10 },
  ])('replicate state: up to maxInflightMsgs ($maxInflightMsgs) appends in flight without waiting', ({ maxInflightMsgs, sent }) => {
    const net = Network.withLeader([1, 2, 3], { maxInflightMsgs });
    expect(progress(net, 2).state).toBe('replicate');
    for (const p of payloads(10)) net.member(1).node.propose(p);
    const out = net.take((m) => m.type === 'MsgApp' && m.to === 2);
    expect(out).toHaveLength(sent);
    expect(out.map((m) => m.entries.length)).toEqual(Array(sent).fill(1));
    expect(progress(net, 2).inflight).toBe(sent);
    if (sent === 10) return;
    // The first acknowledgement frees one slot: everything that waited goes in one append.
    net.deliver(out[0]!);
    const [ack] = net.take((m) => m.type === 'MsgAppResp' && m.from === 2);
    net.deliver(ack!);
    const more = net.take((m) => m.type === 'MsgApp' && m.to === 2);
    expect(more.map((m) => [m.index, m.entries.length])).toEqual([[4 + sent, 10 - sent]]);
    expect(progress(net, 2).inflight).toBe(sent);
  });

  it('probe state: one append at a time, the next only after an answer', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(1).node.reportUnreachable(2);
    expect(progress(net, 2).state).toBe('probe');
    for (const p of payloads(5)) net.member(1).node.propose(p);
    const first = net.take((m) => m.type === 'MsgApp' && m.to === 2);
    expect(first.map((m) => [m.index, m.entries.length])).toEqual([[4, 1]]);
    net.member(1).node.propose(utf8('more'));
    expect(net.take((m) => m.type === 'MsgApp' && m.to === 2)).toEqual([]);
    // The answer switches 2 to replicate and the rest follows in one append.
    net.deliver(first[0]!);
    net.deliver(net.take((m) => m.type === 'MsgAppResp' && m.from === 2)[0]!);
    expect(progress(net, 2).state).toBe('replicate');
    expect(net.take((m) => m.type === 'MsgApp' && m.to === 2).map((m) => [m.index, m.entries.length])).toEqual([[5, 5]]);
  });

  it('probe state: a heartbeat answer lets a stalled probe be resent', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(1).node.reportUnreachable(2);
    net.member(1).node.propose(utf8('x'));
    expect(net.take((m) => m.type === 'MsgApp' && m.to === 2)).toHaveLength(1); // lost
    net.tick(1);
    net.deliverAll();
    expect(net.member(2).node.raft.raftLog.lastIndex()).toBe(5);
    expect(progress(net, 2)).toMatchObject({ state: 'replicate', match: 5 });
  });
});

describe('progress state transitions (leader of term 2, log [1, 1, 2], follower 2 starts in probe at next 3)', () => {
  type Event = { type: 'resp'; index: number } | { type: 'reject'; index: number; hint: number; hintTerm: number } | { type: 'unreachable' } | { type: 'hbResp' };
  const toMessage = (e: Event): Message => {
    switch (e.type) {
      case 'resp':
        return message({ type: 'MsgAppResp', from: 2, to: 1, term: 2, index: e.index });
      case 'reject':
        return message({ type: 'MsgAppResp', from: 2, to: 1, term: 2, index: e.index, reject: true, rejectHint: e.hint, logTerm: e.hintTerm });
      case 'unreachable':
        return message({ type: 'MsgUnreachable', from: 2 });
      case 'hbResp':
        return message({ type: 'MsgHeartbeatResp', from: 2, to: 1, term: 2 });
    }
  };
  it.each([
    { name: 'probe, ack -> replicate', events: [{ type: 'resp', index: 3 }], state: 'replicate', match: 3, next: 4 },
    // Replicates from match + 1 at once: entries 2-3 are sent, next moves past them.
    { name: 'probe, ack of an older index -> replicate from there', events: [{ type: 'resp', index: 1 }], state: 'replicate', match: 1, next: 4 },
    { name: 'probe, rejection -> probe lower', events: [{ type: 'reject', index: 2, hint: 1, hintTerm: 1 }], state: 'probe', match: 0, next: 2 },
    { name: 'probe, stale rejection (not the probe in flight) -> unchanged', events: [{ type: 'reject', index: 1, hint: 0, hintTerm: 0 }], state: 'probe', match: 0, next: 3 },
    { name: 'replicate, rejection -> probe after match', events: [{ type: 'resp', index: 2 }, { type: 'reject', index: 3, hint: 2, hintTerm: 1 }], state: 'probe', match: 2, next: 3 },
    { name: 'replicate, stale rejection -> unchanged', events: [{ type: 'resp', index: 2 }, { type: 'reject', index: 2, hint: 1, hintTerm: 1 }], state: 'replicate', match: 2, next: 4 },
    { name: 'replicate, unreachable -> probe', events: [{ type: 'resp', index: 2 }, { type: 'unreachable' }], state: 'probe', match: 2, next: 3 },
    { name: 'probe, unreachable -> probe', events: [{ type: 'unreachable' }], state: 'probe', match: 0, next: 3 },
    { name: 'probe, heartbeat answer -> probe (and a resend)', events: [{ type: 'hbResp' }], state: 'probe', match: 0, next: 3 },
  ] as { name: string; events: Event[]; state: ProgressState; match: number; next: number }[])('$name', ({ events, state, match, next }) => {
    const r = forceLeader(newRaft(1, [1, 2, 3], { log: [1, 1], hardState: { term: 1, commit: 2 } }));
    expect(r.trk.progress.get(2)).toMatchObject({ state: 'probe', next: 3, match: 0 });
    for (const e of events) r.step(toMessage(e));
    expect(r.trk.progress.get(2)).toMatchObject({ state, match, next });
    if (events.at(-1)!.type === 'hbResp') expect(apps(takeMessages(r), 2)).toHaveLength(1);
  });
});

describe('fast back-off over a divergent follower log', () => {
  // Leader 1 and member 3 hold `leader`; follower 2 holds `follower` (terms by index, from 1).
  // Indexes 1-5 (term 1) are committed everywhere. Rejections needed must track the number of
  // divergent terms, not the number of divergent entries.
  const run = (n: number, t: number) => Array<number>(n).fill(t);
  it.each([
    { name: 'long tail of two old terms', leader: [...run(5, 1), ...run(45, 4)], follower: [...run(5, 1), ...run(100, 2), ...run(100, 3)], rejections: 1 },
    { name: 'short divergent tail', leader: [...run(5, 1), ...run(45, 3)], follower: [...run(5, 1), ...run(3, 2)], rejections: 1 },
    { name: 'follower merely behind', leader: [...run(5, 1), ...run(100, 3)], follower: run(5, 1), rejections: 1 },
    {
      name: 'many short divergent terms',
      leader: [...run(5, 1), ...run(50, 6)],
      follower: [...run(5, 1), ...run(20, 2), ...run(20, 3), ...run(20, 4), ...run(20, 5)],
      rejections: 1,
    },
    { name: 'shared term then divergence', leader: [...run(5, 1), ...run(10, 2), ...run(40, 5)], follower: [...run(5, 1), ...run(10, 2), ...run(50, 3), ...run(50, 4)], rejections: 1 },
    { name: 'follower term in between leader terms', leader: [...run(5, 1), ...run(10, 2), ...run(10, 3), ...run(10, 5)], follower: [...run(5, 1), ...run(30, 4)], rejections: 2 },
  ])('$name: $rejections rejection(s)', ({ leader, follower, rejections }) => {
    const ids = [1, 2, 3];
    const lt = leader.at(-1)!;
    const make = (id: NodeId, log: number[]) =>
      new TestMember(id, { storage: presetStorage({ voters: ids, log, hardState: { term: Math.max(lt, log.at(-1)!), commit: 5 } }) });
    const net = new Network([make(1, leader), make(2, follower), make(3, leader)]);
    net.campaign(1);
    expect(net.member(1).role()).toBe('leader');
    net.elapse(2);
    const rejects = net.delivered.filter((m) => m.type === 'MsgAppResp' && m.from === 2 && m.reject);
    expect(rejects).toHaveLength(rejections);
    // ... and one successful probe later the follower's log is the leader's.
    const logOf = (id: NodeId) => net.member(id).node.raft.raftLog.allEntries().map((e) => [e.index, e.term]);
    expect(logOf(2)).toEqual(logOf(1));
    expect(net.member(2).node.raft.raftLog.committed).toBe(leader.length + 1);
  });
});

describe('maxSizePerMsg', () => {
  // Ten entries with 100 bytes of data each; the limit counts data + 16 bytes per entry, and an
  // append carries at least one entry whatever its size.
  it.each([
    { maxSizePerMsg: 1024 * 1024, perMsg: 10 },
    { maxSizePerMsg: 3 * 116, perMsg: 3 },
    { maxSizePerMsg: 250, perMsg: 2 },
    { maxSizePerMsg: 1, perMsg: 1 },
  ])('limit $maxSizePerMsg -> at most $perMsg entries per append', ({ maxSizePerMsg, perMsg }) => {
    const net = Network.withLeader([1, 2, 3], { maxSizePerMsg });
    net.isolate(3);
    net.member(1).node.reportUnreachable(3);
    net.member(1).node.proposeBatch(payloads(10, 100));
    net.deliverAll();
    net.recover();
    net.clearTrace();
    net.elapse(3);
    const sizes = [...net.delivered, ...net.dropped].filter((m) => m.type === 'MsgApp' && m.to === 3 && m.entries.length > 0).map((m) => m.entries.length);
    expect(Math.max(...sizes)).toBe(perMsg);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(net.member(3).applied).toHaveLength(10);
  });

  it('maxCommittedSizePerReady bounds what one Ready hands out to apply', () => {
    const net = Network.withLeader([1], { maxCommittedSizePerReady: 250 });
    const m = net.member(1);
    m.node.proposeBatch(payloads(10, 100));
    const perReady: number[] = [];
    for (let rd = m.handleReady(); rd; rd = m.handleReady()) perReady.push(rd.committedEntries.length);
    expect(perReady).toEqual([2, 2, 2, 2, 2]);
    expect(m.applied).toHaveLength(10);
  });
});

describe('commitment', () => {
  it.each([
    { down: [], committedOn: [1, 2, 3] },
    { down: [3], committedOn: [1, 2] },
    { down: [2, 3], committedOn: [] },
  ] as { down: NodeId[]; committedOn: NodeId[] }[])('a proposal with $down down is committed on $committedOn', ({ down, committedOn }) => {
    const net = Network.withLeader([1, 2, 3]);
    for (const id of down) net.crash(id);
    net.propose(1, 'x');
    net.elapse(2);
    for (const id of [1, 2, 3]) {
      if (down.includes(id)) continue;
      expect(net.member(id).applied.map((a) => a.data)).toEqual(committedOn.includes(id) ? ['x'] : []);
    }
    expect(net.member(1).node.raft.raftLog.lastIndex()).toBe(5);
  });

  it('uncommitted entries of a deposed leader are overwritten by the new leader and never applied', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.isolate(1);
    net.propose(1, 'lost-1');
    net.propose(1, 'lost-2');
    net.campaign(2);
    net.propose(2, 'kept');
    net.recover();
    net.elapse(3);
    expect(net.leader()!.id).toBe(2);
    const log = (id: NodeId) => net.member(id).node.raft.raftLog.allEntries().map((e) => [e.index, e.term]);
    for (const id of [1, 2, 3]) {
      expect(log(id)).toEqual(log(2));
      expect(net.member(id).applied.map((a) => a.data)).toEqual(['kept']);
    }
  });

  it('a single voter commits its proposals at once', () => {
    const net = Network.withLeader([1]);
    net.propose(1, 'a');
    net.propose(1, 'b');
    expect(net.member(1).applied.map((a) => a.data)).toEqual(['a', 'b']);
  });

  it('maxUncommittedEntriesSize: proposals are dropped while too much is uncommitted, the empty entry does not count', () => {
    const net = Network.withLeader([1, 2, 3], { maxUncommittedEntriesSize: 10 });
    net.isolate(2);
    net.isolate(3);
    const l = net.member(1).node;
    l.propose(utf8('12345'));
    l.propose(utf8('12345'));
    expect(() => l.propose(utf8('1'))).toThrow(ProposalDroppedError);
    // Empty proposals carry no payload and always fit.
    l.propose(new Uint8Array());
    net.recover();
    net.elapse(2);
    expect(net.member(1).applied.map((a) => a.data)).toEqual(['12345', '12345']);
    // Applied entries free the budget.
    l.propose(utf8('1234567890'));
    net.deliverAll();
  });
});

describe('commit index for followers', () => {
  it('a heartbeat never tells a follower to commit past what it is known to hold', () => {
    const r: Raft = forceLeader(newRaft(1, [1, 2, 3], { log: [1, 1], hardState: { term: 1, commit: 2 } }));
    r.step(message({ type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 3 }));
    r.step(message({ type: 'MsgAppResp', from: 3, to: 1, term: 2, index: 1 }));
    expect(r.raftLog.committed).toBe(3);
    takeMessages(r);
    r.step(message({ type: 'MsgBeat', from: 1 }));
    expect(takeMessages(r).map((m) => [m.type, m.to, m.commit])).toEqual([
      ['MsgHeartbeat', 2, 3],
      ['MsgHeartbeat', 3, 1],
    ]);
  });
});
