// The Cluster API's membership changes on one member, in etcd 3.4's order: the pre-proposal
// checks (reconfig.ts) on the member that got the request, then the conf change through Raft
// (followers forward the proposal to the leader), then the apply-time validation on every member.
// Promotion is decided by the leader, which alone knows how far the learner is: a follower hands
// it to the leader (etcd forwards it over its peer API; we use the leader's client URL).

import { raftIdOf, memberIdFor } from './identity.js';
import type { Member } from './member.js';
import type { MemberRecord } from './membership.js';
import { isLearnerReady, mayAddMember, mayPromoteMember, mayRemoveMember } from './reconfig.js';
import { Errors } from './state/errors.js';

export interface MemberAdminDeps {
  member: Member;
  /** MemberPromote on the leader, when this member is not it. */
  promoteOnLeader(id: bigint): Promise<void>;
}

/** etcd's types.NewURLs: at least one URL; scheme http(s) or unix(s); a host:port address; no path. */
export function validPeerUrls(urls: readonly string[]): boolean {
  const form = /^(http|https|unix|unixs):\/\/(\[[^\]]*\]|[^/?#:[\]]*):[^/?#:]*$/;
  return urls.length > 0 && urls.every((u) => form.test(u.trim()));
}

export class MemberAdmin {
  constructor(private readonly deps: MemberAdminDeps) {}

  private get member(): Member {
    return this.deps.member;
  }

  /** MemberAdd: the new member's id is etcd's (peer URLs + the current second), unstarted (no name). */
  async add(peerUrls: string[], isLearner: boolean, now = Date.now()): Promise<MemberRecord> {
    if (!validPeerUrls(peerUrls)) throw Errors.memberBadUrls();
    const record: MemberRecord = { id: memberIdFor(peerUrls, '', String(Math.floor(now / 1000))), name: '', peerUrls: [...peerUrls], clientUrls: [], isLearner };
    const refused = mayAddMember(this.member.reconfigView(), isLearner);
    if (refused) throw refused;
    await this.member.proposeMemberChange({ kind: 'add', member: record });
    return record;
  }

  async remove(id: bigint): Promise<void> {
    const refused = mayRemoveMember(this.member.reconfigView(), id);
    if (refused) throw refused;
    await this.member.proposeMemberChange({ kind: 'remove', id });
  }

  async update(id: bigint, peerUrls: string[]): Promise<void> {
    await this.member.proposeMemberChange({ kind: 'update', id, peerUrls: [...peerUrls] });
  }

  async promote(id: bigint): Promise<void> {
    const m = this.member;
    if (!m.isLeader()) {
      await this.deps.promoteOnLeader(id);
      return;
    }
    const status = m.node.raw.status();
    const notReady = isLearnerReady(status.progress ?? new Map(), m.raftId, raftIdOf(id));
    if (notReady) throw notReady;
    const refused = mayPromoteMember(m.reconfigView());
    if (refused) throw refused;
    await m.proposeMemberChange({ kind: 'promote', id });
  }
}
