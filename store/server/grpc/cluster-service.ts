// etcdserverpb.Cluster: the member table and its changes (add, remove, update, promote), with
// etcd 3.4's checks and errors (see ../member-admin.ts and ../reconfig.ts). Every answer carries
// the member list as this member holds it once the change is applied here.

import type * as grpc from '@grpc/grpc-js';
import { MemberAdmin } from '../member-admin.js';
import type { MemberRecord } from '../membership.js';
import type * as P from '../proto/types.js';
import { header, unary, type ServiceContext } from './context.js';
import type { LeaderForwarder } from './leader-forward.js';

export function memberToWire(m: MemberRecord): P.Input<P.Member> {
  return { ID: m.id.toString(), name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner };
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, P.Input<Res>>;

export interface ClusterHandlers {
  MemberList: Unary<P.MemberListRequest, P.MemberListResponse>;
  MemberAdd: Unary<P.MemberAddRequest, P.MemberAddResponse>;
  MemberRemove: Unary<P.MemberRemoveRequest, P.MemberRemoveResponse>;
  MemberUpdate: Unary<P.MemberUpdateRequest, P.MemberUpdateResponse>;
  MemberPromote: Unary<P.MemberPromoteRequest, P.MemberPromoteResponse>;
}

export function clusterService(ctx: ServiceContext, forwarder: LeaderForwarder): ClusterHandlers {
  const admin = new MemberAdmin({ member: ctx.member, promoteOnLeader: (id) => forwarder.memberPromote(id) });
  // etcd's ClusterServer builds its own header, without a revision (etcdctl -w json shows none).
  const clusterHeader = (): P.Input<P.ResponseHeader> => ({ ...header(ctx), revision: '0' });
  const members = (): P.Input<P.Member>[] => ctx.member.membership.list().map(memberToWire);
  const id64 = (s: string | undefined): bigint => BigInt(s || '0');
  return {
    MemberList: unary(ctx, async (req: P.MemberListRequest) => {
      if (req.linearizable) await ctx.member.linearizableBarrier();
      return { header: clusterHeader(), members: members() };
    }),
    MemberAdd: unary(ctx, async (req: P.MemberAddRequest) => {
      const added = await admin.add(req.peerURLs ?? [], req.isLearner === true);
      // etcd answers the new member as it was proposed: id, peer URLs and learner flag only.
      return { header: clusterHeader(), member: { ID: added.id.toString(), peerURLs: added.peerUrls, isLearner: added.isLearner }, members: members() };
    }),
    MemberRemove: unary(ctx, async (req: P.MemberRemoveRequest) => {
      await admin.remove(id64(req.ID));
      return { header: clusterHeader(), members: members() };
    }),
    MemberUpdate: unary(ctx, async (req: P.MemberUpdateRequest) => {
      await admin.update(id64(req.ID), req.peerURLs ?? []);
      return { header: clusterHeader(), members: members() };
    }),
    MemberPromote: unary(ctx, async (req: P.MemberPromoteRequest) => {
      await admin.promote(id64(req.ID));
      return { header: clusterHeader(), members: members() };
    }),
  };
}
