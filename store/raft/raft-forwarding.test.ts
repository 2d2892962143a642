// Proposals made on a member that is not the leader: forwarded, or dropped with
// ProposalDroppedError so the host can retry.

import { describe, expect, it } from 'vitest';
import { Network } from './testing/network.js';
import { utf8 } from './testing/member.js';
import { ProposalDroppedError, message, type StateRole } from './types.js';

describe('proposal forwarding', () => {
  it('a follower forwards a proposal to the leader, which replicates it to everyone', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(2).node.propose(utf8('from-2'));
    const [fwd] = net.take((m) => m.from === 2);
    // A forwarded proposal is local to the leader: no term, entries not yet placed in the log.
    expect(fwd).toMatchObject({ type: 'MsgProp', from: 2, to: 1, term: 0 });
    expect(fwd!.entries.map((e) => [e.index, e.term])).toEqual([[0, 0]]);
    net.send(fwd!);
    net.elapse(1);
    for (const m of net.members.values()) expect(m.applied).toEqual([{ index: 5, term: 2, data: 'from-2' }]);
  });

  it('proposeBatch on a follower is forwarded as one message', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(3).node.proposeBatch([utf8('a'), utf8('b'), utf8('c')]);
    const fwd = net.take((m) => m.from === 3);
    expect(fwd.map((m) => [m.type, m.to, m.entries.length])).toEqual([['MsgProp', 1, 3]]);
    net.send(...fwd);
    net.elapse(1);
    for (const m of net.members.values()) expect(m.applied.map((a) => a.data)).toEqual(['a', 'b', 'c']);
  });

  describe('with no leader known, propose throws ProposalDroppedError', () => {
    it.each([
      { role: 'follower', preVote: false },
      { role: 'preCandidate', preVote: true },
      { role: 'candidate', preVote: false },
    ] as { role: StateRole; preVote: boolean }[])('$role', ({ role, preVote }) => {
      const net = Network.of([1, 2, 3], { preVote });
      const m1 = net.member(1);
      if (role !== 'follower') {
        net.isolate(1);
        net.campaign(1);
      }
      expect(m1.role()).toBe(role);
      expect(() => m1.node.propose(utf8('x'))).toThrow(ProposalDroppedError);
      expect(() => m1.node.proposeBatch([utf8('x')])).toThrow(ProposalDroppedError);
      expect(() => m1.node.proposeConfChange({ transition: 'auto', changes: [{ type: 'addNode', nodeId: 4 }] })).toThrow(ProposalDroppedError);
      expect(m1.drain().filter((m) => m.type === 'MsgProp')).toEqual([]);
    });
  });

  it.each([
    { disableProposalForwarding: false, forwarded: true },
    { disableProposalForwarding: true, forwarded: false },
  ])('disableProposalForwarding $disableProposalForwarding: follower forwards: $forwarded', ({ disableProposalForwarding, forwarded }) => {
    const net = Network.withLeader([1, 2, 3], { disableProposalForwarding });
    const propose = () => net.member(2).node.propose(utf8('x'));
    if (forwarded) expect(propose).not.toThrow();
    else expect(propose).toThrow(/forwarding is disabled/);
    expect(net.take((m) => m.type === 'MsgProp').length).toBe(forwarded ? 1 : 0);
    // The leader itself always takes proposals.
    net.propose(1, 'on-leader');
    net.elapse(1);
    expect(net.member(2).applied.map((a) => a.data)).toEqual(['on-leader']);
  });

  it('a forwarded proposal reaching a member that cannot take it is dropped silently (its origin retries)', () => {
    const net = Network.withLeader([1, 2, 3]);
    // 3 has no leader (a fresh term with no winner): a proposal forwarded to it vanishes.
    net.member(3).node.step(message({ type: 'MsgVote', from: 2, to: 3, term: 9, index: 0, logTerm: 0 }));
    net.member(3).drain();
    expect(net.member(3).node.raft.lead).toBe(0);
    expect(() => net.member(3).node.step(message({ type: 'MsgProp', from: 2, to: 3, entries: [{ term: 0, index: 0, type: 'normal', data: utf8('x') }] }))).not.toThrow();
    expect(net.member(3).drain()).toEqual([]);
    expect(net.member(3).node.raft.raftLog.lastIndex()).toBe(4);
  });

  it('a leader transferring leadership drops proposals, its own and forwarded ones', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.isolate(3); // keeps the transfer pending: 3 is behind and cannot be caught up
    net.propose(1, 'x');
    net.member(1).node.transferLeadership(3);
    net.deliverAll();
    expect(net.member(1).node.status().leadTransferee).toBe(3);
    expect(() => net.member(1).node.propose(utf8('own'))).toThrow(/leadership is being transferred/);
    net.propose(2, 'forwarded');
    expect(net.member(1).node.raft.raftLog.lastIndex()).toBe(5);
    expect(net.member(2).applied.map((a) => a.data)).toEqual(['x']);
  });

  it('after the leader changes, followers forward to the new leader', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.campaign(2);
    net.propose(3, 'to-2');
    expect(net.delivered.some((m) => m.type === 'MsgProp' && m.from === 3 && m.to === 2)).toBe(true);
    net.elapse(1);
    for (const m of net.members.values()) expect(m.applied.map((a) => a.data)).toEqual(['to-2']);
  });
});
