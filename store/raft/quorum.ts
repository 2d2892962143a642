// Quorums: a simple majority, and the joint majority used while membership changes.
//
// Every decision that needs "enough nodes" (commit, election, check-quorum, ReadIndex acks) asks
// these two functions, so joint consensus is handled in exactly one place.

import type { NodeId } from './types.js';

export type VoteResult = 'pending' | 'lost' | 'won';

/** A set of voters; a decision needs more than half of them. */
export type MajorityConfig = ReadonlySet<NodeId>;

/** Incoming and outgoing voters; outgoing is empty unless a joint change is in progress. */
export interface JointConfig {
  incoming: MajorityConfig;
  outgoing: MajorityConfig;
}

/**
 * The highest index that a majority has acknowledged. An empty configuration does not constrain
 * (it returns +Infinity) so that min() over a joint configuration with no outgoing half works.
 */
export function majorityCommitted(voters: MajorityConfig, ackedIndex: (id: NodeId) => number | undefined): number {
  const n = voters.size;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const acked: number[] = [];
  for (const id of voters) acked.push(ackedIndex(id) ?? 0);
  acked.sort((a, b) => b - a);
  // Sorted descending, the (quorum)-th largest value is held by at least a quorum.
  const quorum = Math.floor(n / 2) + 1;
  return acked[quorum - 1]!;
}

export function majorityVote(voters: MajorityConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  let yes = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) yes++;
  }
  const quorum = Math.floor(voters.size / 2) + 1;
  if (yes >= quorum) return 'won';
  if (yes + missing >= quorum) return 'pending';
  return 'lost';
}

export function jointCommitted(c: JointConfig, ackedIndex: (id: NodeId) => number | undefined): number {
  return Math.min(majorityCommitted(c.incoming, ackedIndex), majorityCommitted(c.outgoing, ackedIndex));
}

export function jointVote(c: JointConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const a = majorityVote(c.incoming, votes);
  const b = majorityVote(c.outgoing, votes);
  if (a === b) return a;
  if (a === 'lost' || b === 'lost') return 'lost';
  return 'pending';
}

/** Every voter of either half. */
export function jointIds(c: JointConfig): Set<NodeId> {
  return new Set([...c.incoming, ...c.outgoing]);
}
