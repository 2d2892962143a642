// Typed errors for the etcd client. etcd signals its errors as a gRPC status code plus a
// fixed message ("etcdserver: ..."); clients (clientv3, and so the Kubernetes apiserver)
// recognise them by that exact message, so the table below is part of the protocol and
// kube-lite's server must send the same code and text. Our errors carry both.

import { status as Code } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

export { Code };

/** etcd's well-known errors: gRPC code and the exact message etcd sends. */
export const ETCD_ERRORS = {
  EmptyKey: { code: Code.INVALID_ARGUMENT, message: 'etcdserver: key is not provided' },
  KeyNotFound: { code: Code.INVALID_ARGUMENT, message: 'etcdserver: key not found' },
  ValueProvided: { code: Code.INVALID_ARGUMENT, message: 'etcdserver: value is provided' },
  LeaseProvided: { code: Code.INVALID_ARGUMENT, message: 'etcdserver: lease is provided' },
  TooManyOps: { code: Code.INVALID_ARGUMENT, message: 'etcdserver: too many operations in txn request' },
  DuplicateKey: { code: Code.INVALID_ARGUMENT, message: 'etcdserver: duplicate key given in txn request' },
  Compacted: { code: Code.OUT_OF_RANGE, message: 'etcdserver: mvcc: required revision has been compacted' },
  FutureRev: { code: Code.OUT_OF_RANGE, message: 'etcdserver: mvcc: required revision is a future revision' },
  NoSpace: { code: Code.RESOURCE_EXHAUSTED, message: 'etcdserver: mvcc: database space exceeded' },
  LeaseNotFound: { code: Code.NOT_FOUND, message: 'etcdserver: requested lease not found' },
  LeaseExist: { code: Code.FAILED_PRECONDITION, message: 'etcdserver: lease already exists' },
  LeaseTTLTooLarge: { code: Code.OUT_OF_RANGE, message: 'etcdserver: too large lease TTL' },
  MemberExist: { code: Code.FAILED_PRECONDITION, message: 'etcdserver: member ID already exist' },
  PeerURLExist: { code: Code.FAILED_PRECONDITION, message: 'etcdserver: Peer URLs already exists' },
  MemberNotEnoughStarted: {
    code: Code.FAILED_PRECONDITION,
    message: 'etcdserver: re-configuration failed due to not enough started members',
  },
  MemberBadURLs: { code: Code.INVALID_ARGUMENT, message: 'etcdserver: given member URLs are invalid' },
  MemberNotFound: { code: Code.NOT_FOUND, message: 'etcdserver: member not found' },
  MemberNotLearner: { code: Code.FAILED_PRECONDITION, message: 'etcdserver: can only promote a learner member' },
  LearnerNotReady: {
    code: Code.FAILED_PRECONDITION,
    message: 'etcdserver: can only promote a learner member which is in sync with leader',
  },
  TooManyLearners: { code: Code.FAILED_PRECONDITION, message: 'etcdserver: too many learner members in cluster' },
  RequestTooLarge: { code: Code.INVALID_ARGUMENT, message: 'etcdserver: request is too large' },
  TooManyRequests: { code: Code.RESOURCE_EXHAUSTED, message: 'etcdserver: too many requests' },
  NoLeader: { code: Code.UNAVAILABLE, message: 'etcdserver: no leader' },
  NotLeader: { code: Code.FAILED_PRECONDITION, message: 'etcdserver: not leader' },
  LeaderChanged: { code: Code.UNAVAILABLE, message: 'etcdserver: leader changed' },
  NotCapable: { code: Code.UNAVAILABLE, message: 'etcdserver: not capable' },
  Stopped: { code: Code.UNAVAILABLE, message: 'etcdserver: server stopped' },
  Timeout: { code: Code.UNAVAILABLE, message: 'etcdserver: request timed out' },
  TimeoutDueToLeaderFail: {
    code: Code.UNAVAILABLE,
    message: 'etcdserver: request timed out, possibly due to previous leader failure',
  },
  TimeoutDueToConnectionLost: {
    code: Code.UNAVAILABLE,
    message: 'etcdserver: request timed out, possibly due to connection lost',
  },
  Unhealthy: { code: Code.UNAVAILABLE, message: 'etcdserver: unhealthy cluster' },
  Corrupt: { code: Code.DATA_LOSS, message: 'etcdserver: corrupt cluster' },
  NotSupportedForLearner: { code: Code.UNAVAILABLE, message: 'etcdserver: rpc not supported for learner' },
  BadLeaderTransferee: { code: Code.FAILED_PRECONDITION, message: 'etcdserver: bad leader transferee' },
  PermissionDenied: { code: Code.PERMISSION_DENIED, message: 'etcdserver: permission denied' },
  InvalidAuthToken: { code: Code.UNAUTHENTICATED, message: 'etcdserver: invalid auth token' },
} as const;

export type EtcdErrorKind = keyof typeof ETCD_ERRORS;

const KIND_BY_MESSAGE = new Map<string, EtcdErrorKind>(
  (Object.keys(ETCD_ERRORS) as EtcdErrorKind[]).map((k) => [ETCD_ERRORS[k].message, k]),
);

/** Any failure of an etcd call. `message` is etcd's own text (without grpc-js's "14 UNAVAILABLE: " prefix). */
export class EtcdError extends Error {
  /** gRPC status code. */
  readonly code: Code;
  /** Which well-known etcd error this is, if any. */
  readonly kind: EtcdErrorKind | undefined;
  /** Method path, e.g. "/etcdserverpb.KV/Range", when the error came from a call. */
  readonly method: string | undefined;
  /** host:port the failing call went to. */
  readonly endpoint: string | undefined;

  constructor(code: Code, message: string, context: { method?: string; endpoint?: string; cause?: unknown } = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = KIND_BY_MESSAGE.get(message);
    this.method = context.method;
    this.endpoint = context.endpoint;
  }
}

/** The revision asked for is older than the last compaction. */
export class CompactedError extends EtcdError {}
/** The revision asked for has not happened yet. */
export class FutureRevisionError extends EtcdError {}
/** The lease does not exist (never did, expired, or was revoked). */
export class LeaseNotFoundError extends EtcdError {}
/** No endpoint could serve the call (connection refused, member down, no leader, ...). */
export class UnavailableError extends EtcdError {}
/** The per-call deadline passed. */
export class DeadlineExceededError extends EtcdError {}

/**
 * A watcher's start (or resume) revision was compacted away: the events in between are
 * gone, so the watcher cannot continue without a gap. Re-list, then watch again.
 */
export class WatchCompactedError extends CompactedError {
  /** The store's compaction revision; history is available from here on. */
  readonly compactRevision: string;
  constructor(compactRevision: string, context: { endpoint?: string } = {}) {
    super(ETCD_ERRORS.Compacted.code, ETCD_ERRORS.Compacted.message, {
      method: '/etcdserverpb.Watch/Watch',
      ...context,
    });
    this.compactRevision = compactRevision;
  }
}

/** The server cancelled a watcher for a reason other than compaction. */
export class WatchCanceledError extends EtcdError {
  constructor(reason: string, context: { endpoint?: string } = {}) {
    super(Code.CANCELLED, reason || 'etcdserver: watch canceled', { method: '/etcdserverpb.Watch/Watch', ...context });
  }
}

/** A kept-alive lease ended: the server said it is gone, or it expired before we could renew it. */
export class LeaseLostError extends EtcdError {
  readonly leaseId: string;
  constructor(leaseId: string, message: string, code: Code = Code.NOT_FOUND) {
    super(code, message, { method: '/etcdserverpb.Lease/LeaseKeepAlive' });
    this.leaseId = leaseId;
  }
}

/** The client was closed while the call or stream was in progress. */
export class ClientClosedError extends EtcdError {
  constructor() {
    super(Code.CANCELLED, 'etcd client closed');
  }
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number';
}

/** Turns whatever a grpc-js call failed with into the matching typed error. */
export function toEtcdError(err: unknown, context: { method?: string; endpoint?: string } = {}): EtcdError {
  if (err instanceof EtcdError) return err;
  if (!isServiceError(err)) {
    return new EtcdError(Code.UNKNOWN, err instanceof Error ? err.message : String(err), { ...context, cause: err });
  }
  const message = err.details || err.message;
  const ctx = { ...context, cause: err };
  if (message === ETCD_ERRORS.Compacted.message) return new CompactedError(err.code, message, ctx);
  if (message === ETCD_ERRORS.FutureRev.message) return new FutureRevisionError(err.code, message, ctx);
  if (message === ETCD_ERRORS.LeaseNotFound.message) return new LeaseNotFoundError(err.code, message, ctx);
  if (err.code === Code.UNAVAILABLE) return new UnavailableError(err.code, message, ctx);
  if (err.code === Code.DEADLINE_EXCEEDED) return new DeadlineExceededError(err.code, message, ctx);
  return new EtcdError(err.code, message, ctx);
}
