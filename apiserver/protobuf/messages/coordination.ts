// k8s.io/api/coordination/v1: Lease, the object leader election and node heartbeats renew.
// Its times are MicroTime (microsecond precision), unlike the second-precision Time elsewhere.

import { i32, msg, ptr, str, type MessageTable } from '../schema.js';

export const COORDINATION_MESSAGES: MessageTable = {
  'coordination.v1.Lease': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'coordination.v1.LeaseSpec'),
  },
  'coordination.v1.LeaseSpec': {
    1: ptr(str('holderIdentity')),
    2: ptr(i32('leaseDurationSeconds')),
    3: msg('acquireTime', 'meta.v1.MicroTime'),
    4: msg('renewTime', 'meta.v1.MicroTime'),
    5: ptr(i32('leaseTransitions')),
    6: ptr(str('strategy')),
    7: ptr(str('preferredHolder')),
  },
};
