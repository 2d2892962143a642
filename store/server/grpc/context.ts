// What every gRPC service of a member shares: the member, the limits etcd enforces before a
// request enters the log, response headers, and the mapping of failures to gRPC statuses.

import * as grpc from '@grpc/grpc-js';
import type { Member } from '../member.js';
import type * as P from '../proto/types.js';
import { EtcdError } from '../state/errors.js';

/** The etcd version we report: 3.5.13+ is what Kubernetes needs to trust watch progress requests. */
export const ETCD_VERSION = '3.5.17';
export const ETCD_CLUSTER_VERSION = '3.5.0';

export interface ServiceLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ServiceContext {
  member: Member;
  maxTxnOps: number;
  maxRequestBytes: number;
  logger: ServiceLogger;
  /** How often watchers that asked for progress notifications get one (etcd: 10 minutes). */
  progressNotifyMs: number;
}

export function header(ctx: ServiceContext, revision?: number): P.Input<P.ResponseHeader> {
  const m = ctx.member;
  return {
    cluster_id: m.clusterId.toString(),
    member_id: m.memberId.toString(),
    revision: String(revision ?? m.kv.revision),
    raft_term: String(m.node.raw.raft.term),
  };
}

/** A failure as grpc-js sends it: etcd's errors keep their code and message; others are internal. */
export function toServiceError(ctx: ServiceContext, e: unknown): Partial<grpc.StatusObject> {
  if (e instanceof EtcdError) return { code: e.code, details: e.message };
  ctx.logger.error({ err: e }, 'request failed');
  return { code: grpc.status.UNKNOWN, details: e instanceof Error ? e.message : String(e) };
}

/** Wrap an async handler as a grpc-js unary handler. */
export function unary<Req, Res>(ctx: ServiceContext, f: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    f(call.request).then(
      (res) => callback(null, res),
      (e: unknown) => callback(toServiceError(ctx, e)),
    );
  };
}
