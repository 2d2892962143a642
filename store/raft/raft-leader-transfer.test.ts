// Leadership transfer (Raft thesis §3.10): the leader brings the transferee's log up to date,
// then tells it to campaign at once (MsgTimeoutNow); it stops taking proposals meanwhile and
// gives up after an election timeout.

import { describe, expect, it } from 'vitest';
import { Network, presetStorage } from './testing/network.js';
import { TestMember, fromUtf8, utf8 } from './testing/member.js';
import { NONE, ProposalDroppedError, message, type NodeId } from './types.js';

const transferee = (net: Network, id: NodeId = 1) => net.member(id).node.status().leadTransferee;

describe('leader transfer', () => {
  it.each([
    { preVote: false, checkQuorum: false },
    { preVote: true, checkQuorum: false },
    { preVote: false, checkQuorum: true },
    { preVote: true, checkQuorum: true },
  ])('to an up-to-date follower: MsgTimeoutNow at once, it wins the next term (preVote $preVote, checkQuorum $checkQuorum)', (opts) => {
    const net = Network.withLeader([1, 2, 3], opts);
    net.member(1).node.transferLeadership(2);
    expect(net.peek().map((m) => [m.type, m.from, m.to])).toEqual([['MsgTimeoutNow', 1, 2]]);
    net.deliverAll();
    expect(net.leader()!.id).toBe(2);
    expect(net.member(2).term()).toBe(3);
    expect(net.member(1).role()).toBe('follower');
    expect(transferee(net)).toBe(NONE);
    // No pre-vote, and the vote requests say "transfer" so that leases (check-quorum) let them through.
    expect(net.count((m) => m.type === 'MsgPreVote')).toBe(0);
    const votes = net.delivered.filter((m) => m.type === 'MsgVote');
    expect(votes.map((m) => [m.from, m.to, fromUtf8(m.context!)])).toEqual([
      [2, 1, 'CampaignTransfer'],
      [2, 3, 'CampaignTransfer'],
    ]);
    net.propose(3, 'after');
    for (const m of net.members.values()) expect(m.applied.map((a) => a.data)).toEqual(['after']);
  });

  it('to a lagging follower: it is caught up first, MsgTimeoutNow only once it holds the whole log', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.isolate(3);
    for (let i = 0; i < 5; i++) net.propose(1, `p${i}`);
    net.recover();
    net.clearTrace();
    net.member(1).node.transferLeadership(3);
    expect(net.peek((m) => m.type === 'MsgTimeoutNow')).toEqual([]);
    net.deliverAll();
    const last = 9;
    const caughtUp = net.delivered.findIndex((m) => m.type === 'MsgAppResp' && m.from === 3 && !m.reject && m.index === last);
    const timeoutNow = net.delivered.findIndex((m) => m.type === 'MsgTimeoutNow');
    expect(caughtUp).toBeGreaterThanOrEqual(0);
    expect(timeoutNow).toBeGreaterThan(caughtUp);
    expect(net.leader()!.id).toBe(3);
    expect(net.member(3).applied.map((a) => a.data)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('is abandoned an election timeout after it was asked for, if it does not complete', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.elapse(7); // the leader's own election-timeout clock is well under way...
    net.crash(3);
    net.member(1).node.transferLeadership(3); // ...and restarts with the request
    expect(transferee(net)).toBe(3);
    expect(() => net.member(1).node.propose(utf8('x'))).toThrow(ProposalDroppedError);
    net.tick(1, 9);
    expect(transferee(net)).toBe(3);
    net.tick(1);
    expect(transferee(net)).toBe(NONE);
    expect(net.member(1).role()).toBe('leader');
    net.deliverAll();
    net.propose(1, 'x');
    expect(net.member(2).applied.map((a) => a.data)).toEqual(['x']);
  });

  describe('requests that are ignored', () => {
    function withLearner(): Network {
      const ids = [1, 2, 3, 4];
      const net = new Network(ids.map((id) => new TestMember(id, { storage: presetStorage({ voters: [1, 2, 3], learners: [4] }) })));
      net.campaign(1);
      return net;
    }
    it.each([
      { name: 'to itself', target: 1 },
      { name: 'to a learner', target: 4 },
      { name: 'to a non-member', target: 9 },
    ])('$name', ({ target }) => {
      const net = withLearner();
      expect(net.member(1).role()).toBe('leader');
      net.clearTrace();
      net.member(1).node.transferLeadership(target);
      net.deliverAll();
      expect(transferee(net)).toBe(NONE);
      expect(net.leader()!.id).toBe(1);
      expect(net.member(1).term()).toBe(1);
      expect(net.count((m) => m.type === 'MsgTimeoutNow')).toBe(0);
      // Proposals are still taken.
      net.propose(1, 'x');
      expect(net.member(2).applied.map((a) => a.data)).toEqual(['x']);
    });

    it('MsgTimeoutNow to a learner does not make it campaign', () => {
      const net = withLearner();
      net.member(4).node.step(message({ type: 'MsgTimeoutNow', from: 1, to: 4, term: 1 }));
      expect(net.member(4).role()).toBe('follower');
      expect(net.member(4).drain()).toEqual([]);
    });
  });

  it('a transfer asked on a follower is forwarded to the leader', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.member(2).node.transferLeadership(2);
    expect(net.peek().map((m) => [m.type, m.from, m.to])).toEqual([['MsgTransferLeader', 2, 1]]);
    net.deliverAll();
    expect(net.leader()!.id).toBe(2);
  });

  it('a second request for the same member is ignored; one for another member replaces it', () => {
    const net = Network.withLeader([1, 2, 3]);
    net.isolate(3);
    net.propose(1, 'x'); // 3 lags and cannot catch up: the transfer to it stays pending
    net.member(1).node.transferLeadership(3);
    net.tick(1, 5);
    net.member(1).node.transferLeadership(3);
    // Not restarted: it is abandoned 10 ticks after the first request.
    net.tick(1, 5);
    expect(transferee(net)).toBe(NONE);
    net.member(1).node.transferLeadership(3);
    net.member(1).node.transferLeadership(2);
    net.deliverAll();
    expect(net.leader()!.id).toBe(2);
  });

  it('is abandoned when the transferee is removed from the configuration', () => {
    const net = Network.withLeader([1, 2, 3]);
    const leader = net.member(1);
    net.isolate(3);
    leader.node.proposeConfChange({ transition: 'auto', changes: [{ type: 'removeNode', nodeId: 3 }] });
    const [app] = net.take((m) => m.type === 'MsgApp' && m.to === 2);
    net.deliver(app!); // 2 stores the change; its acknowledgement is queued
    leader.node.transferLeadership(3);
    expect(transferee(net)).toBe(3);
    net.deliverAll(); // the change commits and the leader applies it
    expect(leader.confState.voters).toEqual([1, 2]);
    expect(transferee(net)).toBe(NONE);
    expect(leader.role()).toBe('leader');
  });
});
