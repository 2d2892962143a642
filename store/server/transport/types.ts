// The transport's public shapes: its options, the logger it writes to, and the counters it keeps.

import type { SnapshotStatus } from '../../raft/rawnode.js';
import type { Message, NodeId } from '../../raft/types.js';

/** What the transport needs of a logger; a pino logger fits. Always an object, then a message. */
export interface TransportLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Timing and size knobs. The defaults suit a LAN cluster; tests shrink the timings. */
export interface TransportTuning {
  /** First reconnect delay after a failure; doubles per failure (ms). */
  backoffInitialMs: number;
  /** Cap on the reconnect delay (ms). */
  backoffMaxMs: number;
  /** How long a dial may take until the receiver accepts the stream (ms). */
  dialTimeoutMs: number;
  /** HTTP/2 PING every this often on every session, to find dead connections (ms). */
  pingIntervalMs: number;
  /** A PING not answered within this time kills the session (ms). */
  pingTimeoutMs: number;
  /** At most one onUnreachable per peer per this interval (ms). */
  unreachableIntervalMs: number;
  /** Bytes queued on a peer's stream beyond which new messages to it are dropped. */
  maxPendingBytes: number;
  /** Target size of one batch frame; larger groups are split. */
  maxBatchBytes: number;
  /** Largest frame a receiver accepts (kind + body). */
  maxFrameBytes: number;
  /** Size of one snapshot data chunk. */
  snapshotChunkBytes: number;
  /** Largest snapshot a receiver accepts. */
  maxSnapshotBytes: number;
  /** A snapshot transfer with no progress for this long fails (ms). */
  snapshotIdleTimeoutMs: number;
  /** stop(): how long sessions get to close gracefully before they are destroyed (ms). */
  closeGraceMs: number;
}

export const DEFAULT_TUNING: Readonly<TransportTuning> = {
  backoffInitialMs: 100,
  backoffMaxMs: 5_000,
  dialTimeoutMs: 3_000,
  pingIntervalMs: 2_000,
  pingTimeoutMs: 5_000,
  unreachableIntervalMs: 1_000,
  maxPendingBytes: 8 * 1024 * 1024,
  maxBatchBytes: 1024 * 1024,
  maxFrameBytes: 64 * 1024 * 1024,
  snapshotChunkBytes: 1024 * 1024,
  maxSnapshotBytes: 1024 * 1024 * 1024,
  snapshotIdleTimeoutMs: 10_000,
  closeGraceMs: 1_000,
};

export interface PeerTransportOptions {
  localId: NodeId;
  /** 64-bit cluster id in decimal; kept a string end to end. */
  clusterId: string;
  /** Where this member listens for peers, e.g. http://127.0.0.1:2380 (port 0: any free port). */
  listenUrl: string;
  logger: TransportLogger;
  /** Messages that arrived, in the order the sender sent them. Called synchronously; enqueue, don't block. */
  onMessages(msgs: Message[]): void;
  /** A peer could not be reached: messages to it were dropped (rate-limited per peer). */
  onUnreachable(id: NodeId): void;
  /** How the transfer of a MsgSnap to `id` ended. */
  onSnapshotStatus(id: NodeId, status: SnapshotStatus): void;
  /** A peer answered 410 Gone: this member was removed from the cluster (etcd stops then). */
  onRemoved?(by: NodeId): void;
  /**
   * What GET /members answers: the cluster id and member table, asked by a member that joins
   * with an empty data dir (etcd's peer /members). Without it the endpoint answers 404.
   */
  membersInfo?(): PeerMembersInfo;
  tuning?: Partial<TransportTuning>;
  /** Jitter source in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/** The member table as GET /members serves it: ids in hex (etcd's form), cluster id in decimal. */
export interface PeerMembersInfo {
  clusterId: string;
  members: { id: string; name: string; peerURLs: string[]; clientURLs: string[]; isLearner: boolean }[];
}

/** Counters for one peer; all monotonic except `active`. */
export interface PeerStats {
  id: NodeId;
  /** The outbound message stream is established (the receiver accepted it). */
  active: boolean;
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
  /** Not sent: peer down, its queue full, or too large. */
  messagesDropped: number;
  /** Outbound streams or snapshot transfers that failed (errors, rejections, timeouts). */
  sendFailures: number;
  /** Times the outbound stream was established again after a failure. */
  reconnects: number;
  snapshotsSent: number;
  snapshotsFailed: number;
  snapshotsReceived: number;
}

export type RejectReason =
  | 'protocol' // unknown protocol version, path or method
  | 'clusterMismatch'
  | 'wrongRecipient' // addressed to another member id
  | 'unknownMember'
  | 'removedMember'
  | 'corrupt'; // a frame or message failed to decode, or a message lied about its sender

export interface TransportStats {
  peers: PeerStats[];
  /** Inbound requests or streams refused, by reason. */
  rejected: Record<RejectReason, number>;
}
