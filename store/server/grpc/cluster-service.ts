// etcdserverpb.Cluster: the member table. Membership changes (add, remove, update, promote) come
// with issue 7; until then those methods are not registered and clients get UNIMPLEMENTED.

import type * as grpc from '@grpc/grpc-js';
import type { MemberRecord } from '../membership.js';
import type * as P from '../proto/types.js';
import { header, unary, type ServiceContext } from './context.js';

export function memberToWire(m: MemberRecord): P.Input<P.Member> {
  return { ID: m.id.toString(), name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner };
}

export function clusterService(ctx: ServiceContext): { MemberList: grpc.handleUnaryCall<P.MemberListRequest, P.Input<P.MemberListResponse>> } {
  return {
    MemberList: unary(ctx, async (req: P.MemberListRequest) => {
      if (req.linearizable) await ctx.member.linearizableBarrier();
      // etcd's ClusterServer builds its own header, without a revision (etcdctl -w json shows none).
      return { header: { ...header(ctx), revision: '0' }, members: ctx.member.membership.list().map(memberToWire) };
    }),
  };
}
