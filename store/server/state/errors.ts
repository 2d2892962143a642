// etcd's errors as the server sends them: a gRPC status code and an exact message. The catalogue
// itself (codes and texts, facts clients match on) lives once, in the client's errors.ts; the
// server builds its throwable errors from it so the two can never disagree.

import { ETCD_ERRORS } from '../../client/errors.js';

export class EtcdError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'EtcdError';
  }
}

const e = (known: { code: number; message: string }) => () => new EtcdError(known.code, known.message);

export const Errors = {
  emptyKey: e(ETCD_ERRORS.EmptyKey),
  keyNotFound: e(ETCD_ERRORS.KeyNotFound),
  valueProvided: e(ETCD_ERRORS.ValueProvided),
  leaseProvided: e(ETCD_ERRORS.LeaseProvided),
  tooManyOps: e(ETCD_ERRORS.TooManyOps),
  duplicateKey: e(ETCD_ERRORS.DuplicateKey),
  compacted: e(ETCD_ERRORS.Compacted),
  futureRev: e(ETCD_ERRORS.FutureRev),
  noSpace: e(ETCD_ERRORS.NoSpace),
  leaseNotFound: e(ETCD_ERRORS.LeaseNotFound),
  leaseExist: e(ETCD_ERRORS.LeaseExist),
  leaseTtlTooLarge: e(ETCD_ERRORS.LeaseTTLTooLarge),
  requestTooLarge: e(ETCD_ERRORS.RequestTooLarge),
  noLeader: e(ETCD_ERRORS.NoLeader),
  notLeader: e(ETCD_ERRORS.NotLeader),
  leaderChanged: e(ETCD_ERRORS.LeaderChanged),
  stopped: e(ETCD_ERRORS.Stopped),
  timeout: e(ETCD_ERRORS.Timeout),
  memberNotFound: e(ETCD_ERRORS.MemberNotFound),
  memberExist: e(ETCD_ERRORS.MemberExist),
  peerUrlExist: e(ETCD_ERRORS.PeerURLExist),
  memberNotLearner: e(ETCD_ERRORS.MemberNotLearner),
  learnerNotReady: e(ETCD_ERRORS.LearnerNotReady),
  tooManyLearners: e(ETCD_ERRORS.TooManyLearners),
  // etcd 3.4 maps ErrNotEnoughStartedMembers to the client-side rpctypes error instead of its gRPC
  // status, so grpc-go sends it as Unknown (etcdctl shows "code = Unknown"): clients see that code.
  memberNotEnoughStarted: () => new EtcdError(2, ETCD_ERRORS.MemberNotEnoughStarted.message),
  memberBadUrls: e(ETCD_ERRORS.MemberBadURLs),
  unhealthy: e(ETCD_ERRORS.Unhealthy),
  badLeaderTransferee: e(ETCD_ERRORS.BadLeaderTransferee),
  corrupt: e(ETCD_ERRORS.Corrupt),
};
