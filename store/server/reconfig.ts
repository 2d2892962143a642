// etcd 3.4's rules for membership changes, as pure functions of the member table, the local
// transport's view of its peers and (for promotions) the leader's Raft progress.
//
// Two moments, as in etcd:
//  - before proposing (server.go mayAddMember / mayRemoveMember / mayPromoteMember, isLearnerReady):
//    with --strict-reconfig-check, refuse a change that would leave too few started or connected
//    voters for a quorum; these look at the member that received the request.
//  - when the conf change entry is applied (membership.ValidateConfigurationChange): every member
//    decides the same way from the same replicated table; a refused entry changes nothing.
// gRPC statuses follow v3rpc's togRPCError (ErrIDRemoved reaches clients as "member not found").

import type { NodeId } from '../raft/index.js';
import { raftIdOf } from './identity.js';
import type { MemberRecord, Membership } from './membership.js';
import { EtcdError, Errors } from './state/errors.js';

/** etcd's HealthInterval: a peer counts as connected once its stream has been up this long. */
export const HEALTH_INTERVAL_MS = 5000;
/** etcd 3.4's maxLearners. */
export const MAX_LEARNERS = 1;
/** A learner is ready for promotion once its match index reaches this share of the leader's. */
export const LEARNER_READY_PERCENT = 0.9;

/** What the pre-proposal checks need to know about the cluster as this member sees it. */
export interface ReconfigView {
  selfId: bigint;
  members: readonly MemberRecord[];
  strict: boolean;
  now: number;
  /** When the stream to a peer became active (ms since the epoch), undefined if it is down. */
  activeSince(id: bigint): number | undefined;
}

/** A change as it travels in a conf change entry's context. */
export type MemberChange =
  | { kind: 'add'; member: MemberRecord }
  | { kind: 'promote'; id: bigint }
  | { kind: 'remove'; id: bigint }
  | { kind: 'update'; id: bigint; peerUrls: string[] };

/** etcd's Member.IsStarted: a member has published its name. */
const started = (m: MemberRecord): boolean => m.name.length > 0;
const voters = (v: ReconfigView): MemberRecord[] => v.members.filter((m) => !m.isLearner);

function connectedSince(v: ReconfigView, id: bigint, since: number): boolean {
  const t = v.activeSince(id);
  return t !== undefined && t <= since;
}

/** mayAddMember: a voter may be added only if the started voters still make a quorum. */
export function mayAddMember(v: ReconfigView, isLearner: boolean): EtcdError | undefined {
  if (!v.strict) return undefined;
  if (!isLearner && !readyToAddVoter(v)) return Errors.memberNotEnoughStarted();
  const since = v.now - HEALTH_INTERVAL_MS;
  if (!voters(v).every((m) => m.id === v.selfId || connectedSince(v, m.id, since))) return Errors.unhealthy();
  return undefined;
}

/** RaftCluster.IsReadyToAddVotingMember (the new member counts, unstarted). */
function readyToAddVoter(v: ReconfigView): boolean {
  const vs = voters(v);
  const nmembers = vs.length + 1;
  const nstarted = vs.filter(started).length;
  // Adding a second member to a one-member cluster is how a cluster is restored: allowed.
  if (nstarted === 1 && nmembers === 2) return true;
  return nstarted >= Math.floor(nmembers / 2) + 1;
}

/** mayRemoveMember: removing a voter must leave a started quorum and not break the active one. */
export function mayRemoveMember(v: ReconfigView, id: bigint): EtcdError | undefined {
  if (!v.strict) return undefined;
  const target = v.members.find((m) => m.id === id);
  if (target?.isLearner) return undefined;
  const rest = voters(v).filter((m) => m.id !== id);
  if (rest.filter(started).length < Math.floor(rest.length / 2) + 1) return Errors.memberNotEnoughStarted();
  // A member this one is not connected to is not part of the active quorum: safe to remove.
  if (id !== v.selfId && v.activeSince(id) === undefined) return undefined;
  const since = v.now - HEALTH_INTERVAL_MS;
  const vs = voters(v);
  const active = vs.filter((m) => m.id === v.selfId || connectedSince(v, m.id, since)).length;
  if (active - 1 < 1 + Math.floor((vs.length - 1) / 2)) return Errors.unhealthy();
  return undefined;
}

/** mayPromoteMember after isLearnerReady: the promoted learner counts as started. */
export function mayPromoteMember(v: ReconfigView): EtcdError | undefined {
  if (!v.strict) return undefined;
  const vs = voters(v);
  const nmembers = vs.length + 1;
  const nstarted = vs.filter(started).length + 1;
  if (nstarted < Math.floor(nmembers / 2) + 1) return Errors.memberNotEnoughStarted();
  return undefined;
}

/**
 * isLearnerReady, on the leader: the learner's match index must be at least 90% of the leader's.
 * An id the leader does not track passes here; the apply-time check refuses it.
 */
export function isLearnerReady(progress: ReadonlyMap<NodeId, { match: number }>, leaderId: NodeId, learnerId: NodeId): EtcdError | undefined {
  const learner = progress.get(learnerId);
  if (!learner) return undefined;
  const leaderMatch = progress.get(leaderId)?.match ?? 0;
  return learner.match < leaderMatch * LEARNER_READY_PERCENT ? Errors.learnerNotReady() : undefined;
}

/** membership.ValidateConfigurationChange: decided at apply time from the replicated table. */
export function validateChange(table: Membership, change: MemberChange): EtcdError | undefined {
  const id = change.kind === 'add' ? change.member.id : change.id;
  if (table.isRemoved(id)) return Errors.memberNotFound();
  const members = table.list();
  const current = table.get(id);
  const urlsOf = (ms: MemberRecord[]): Set<string> => new Set(ms.flatMap((m) => m.peerUrls));
  switch (change.kind) {
    case 'add': {
      // Two members whose Raft ids collide cannot coexist (the table refuses them): like an existing id.
      if (current || table.byRaft(raftIdOf(id))) return Errors.memberExist();
      const taken = urlsOf(members);
      if (change.member.peerUrls.some((u) => taken.has(u))) return Errors.peerUrlExist();
      if (change.member.isLearner && members.filter((m) => m.isLearner).length + 1 > MAX_LEARNERS) return Errors.tooManyLearners();
      return undefined;
    }
    case 'promote':
      if (!current) return Errors.memberNotFound();
      return current.isLearner ? undefined : Errors.memberNotLearner();
    case 'remove':
      return current ? undefined : Errors.memberNotFound();
    case 'update': {
      if (!current) return Errors.memberNotFound();
      const taken = urlsOf(members.filter((m) => m.id !== id));
      return change.peerUrls.some((u) => taken.has(u)) ? Errors.peerUrlExist() : undefined;
    }
  }
}
