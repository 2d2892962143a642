// Counter records behind stats(). Plain mutable objects: the sender, the receiver and the
// snapshot paths bump the fields of the same record, and stats() hands out copies.

import type { NodeId } from '../../raft/types.js';
import type { PeerStats, RejectReason } from './types.js';

export function newPeerStats(id: NodeId): PeerStats {
  return {
    id,
    active: false,
    messagesSent: 0,
    bytesSent: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    messagesDropped: 0,
    sendFailures: 0,
    reconnects: 0,
    snapshotsSent: 0,
    snapshotsFailed: 0,
    snapshotsReceived: 0,
  };
}

export function newRejectCounters(): Record<RejectReason, number> {
  return { protocol: 0, clusterMismatch: 0, wrongRecipient: 0, unknownMember: 0, removedMember: 0, corrupt: 0 };
}
