// etcd's errors as clients see them: a gRPC status code and an exact message. Clients (etcdctl,
// client-go, our own client) match on these strings, so they are facts, not prose.

export const GrpcCode = {
  InvalidArgument: 3,
  NotFound: 5,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  OutOfRange: 11,
  Unavailable: 14,
  DataLoss: 15,
} as const;

export class EtcdError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'EtcdError';
  }
}

const e = (code: number, message: string) => () => new EtcdError(code, message);

export const Errors = {
  emptyKey: e(GrpcCode.InvalidArgument, 'etcdserver: key is not provided'),
  keyNotFound: e(GrpcCode.InvalidArgument, 'etcdserver: key not found'),
  valueProvided: e(GrpcCode.InvalidArgument, 'etcdserver: value is provided'),
  leaseProvided: e(GrpcCode.InvalidArgument, 'etcdserver: lease is provided'),
  tooManyOps: e(GrpcCode.InvalidArgument, 'etcdserver: too many operations in txn request'),
  duplicateKey: e(GrpcCode.InvalidArgument, 'etcdserver: duplicate key given in txn request'),
  compacted: e(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: e(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision is a future revision'),
  noSpace: e(GrpcCode.ResourceExhausted, 'etcdserver: mvcc: database space exceeded'),
  leaseNotFound: e(GrpcCode.NotFound, 'etcdserver: requested lease not found'),
  leaseExist: e(GrpcCode.FailedPrecondition, 'etcdserver: lease already exists'),
  leaseTtlTooLarge: e(GrpcCode.OutOfRange, 'etcdserver: too large lease TTL'),
  requestTooLarge: e(GrpcCode.InvalidArgument, 'etcdserver: request is too large'),
  noLeader: e(GrpcCode.Unavailable, 'etcdserver: no leader'),
  notLeader: e(GrpcCode.FailedPrecondition, 'etcdserver: not leader'),
  leaderChanged: e(GrpcCode.Unavailable, 'etcdserver: leader changed'),
  stopped: e(GrpcCode.Unavailable, 'etcdserver: server stopped'),
  timeout: e(GrpcCode.Unavailable, 'etcdserver: request timed out'),
  memberNotFound: e(GrpcCode.NotFound, 'etcdserver: member not found'),
  memberExist: e(GrpcCode.FailedPrecondition, 'etcdserver: member ID already exist'),
  peerUrlExist: e(GrpcCode.FailedPrecondition, 'etcdserver: Peer URLs already exists'),
  memberNotLearner: e(GrpcCode.FailedPrecondition, 'etcdserver: can only promote a learner member'),
  learnerNotReady: e(GrpcCode.FailedPrecondition, 'etcdserver: can only promote a learner member which is in sync with leader'),
  badLeaderTransferee: e(GrpcCode.FailedPrecondition, 'etcdserver: bad leader transferee'),
  corrupt: e(GrpcCode.DataLoss, 'etcdserver: corrupt cluster'),
};
