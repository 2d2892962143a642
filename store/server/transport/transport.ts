// PeerTransport: carries Raft messages between the members of one store cluster over HTTP/2
// (cleartext h2c on each member's peer URL).
//
// The host hands it Ready.messages (after persisting, see ARCHITECTURE.md) with send(), and
// receives other members' messages through onMessages. The transport guarantees per-peer order on
// a healthy connection, not delivery: a message to a peer that is down is dropped and the host is
// told (onUnreachable), because Raft retransmits whatever matters and a queue for a dead peer would
// only grow. Snapshots are the exception worth a status: their outcome is always reported
// (onSnapshotStatus), since the leader pauses replication to that peer until it hears.
//
//   send(msgs) ─┬─ MsgSnap ──────────► snapshot-sender.ts   (own connection, chunks + SHA-256)
//               └─ others, per peer ─► peer-stream.ts       (one long-lived stream per peer)
//   receiver.ts ◄── peers' streams and snapshots ──► onMessages

import type { SnapshotStatus } from '../../raft/rawnode.js';
import { isLocalMessage, type Message, type NodeId } from '../../raft/types.js';
import { FRAME_HEADER_BYTES, encodeBatchFrames } from './codec.js';
import { identityHeaders, isNodeId, normalizeClusterId, parsePeerUrl } from './headers.js';
import { PeerStream } from './peer-stream.js';
import { RateLimiter } from './rate-limit.js';
import { Receiver, type SenderStanding } from './receiver.js';
import { sendSnapshot, type SnapshotTransfer } from './snapshot-sender.js';
import { newPeerStats, newRejectCounters } from './stats.js';
import {
  DEFAULT_TUNING,
  type PeerStats,
  type PeerTransportOptions,
  type RejectReason,
  type TransportLogger,
  type TransportStats,
  type TransportTuning,
} from './types.js';

export class PeerTransport {
  readonly localId: NodeId;
  readonly clusterId: string;
  private readonly listenUrl: URL;
  private readonly tuning: TransportTuning;
  private readonly logger: TransportLogger;
  private readonly random: () => number;
  private readonly peers = new Map<NodeId, PeerStream>();
  /** Members removed from the cluster: their traffic is refused with 410 Gone. */
  private readonly removed = new Set<NodeId>();
  private readonly counters = new Map<NodeId, PeerStats>();
  private readonly rejected: Record<RejectReason, number> = newRejectCounters();
  private readonly snapshots = new Set<SnapshotTransfer>();
  /** Streams of removed peers still closing: stop() waits for them too. */
  private readonly closing = new Set<Promise<void>>();
  private readonly unreachable: RateLimiter<NodeId>;
  /** Warnings about messages for members this transport does not know. */
  private readonly unknownLog = new RateLimiter<NodeId>(10_000);
  private readonly receiver: Receiver;
  private boundUrl: string | undefined;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(private readonly opts: PeerTransportOptions) {
    if (!isNodeId(opts.localId)) throw new Error(`invalid member id ${opts.localId}: must be a positive safe integer`);
    const clusterId = normalizeClusterId(opts.clusterId);
    if (clusterId === undefined) throw new Error(`invalid cluster id ${JSON.stringify(opts.clusterId)}: must be a 64-bit unsigned decimal`);
    this.localId = opts.localId;
    this.clusterId = clusterId;
    this.listenUrl = parsePeerUrl(opts.listenUrl);
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning };
    this.logger = opts.logger;
    this.random = opts.random ?? Math.random;
    this.unreachable = new RateLimiter(this.tuning.unreachableIntervalMs);
    this.receiver = new Receiver({
      localId: this.localId,
      clusterId: this.clusterId,
      tuning: this.tuning,
      logger: this.logger,
      standing: (id) => this.standing(id),
      statsFor: (id) => this.statsFor(id),
      rejected: this.rejected,
      deliver: (msgs) => this.callback('onMessages', () => this.opts.onMessages(msgs)),
      membersInfo: opts.membersInfo,
      // A member that just started (e.g. one that joins) would otherwise wait out our backoff,
      // up to backoffMaxMs, before it hears from us.
      peerStreamOpened: (id) => this.peers.get(id)?.redialIfBackingOff(),
    });
  }

  /** Starts listening on the listen URL. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`transport already ${this.state}`);
    this.state = 'started';
    const host = this.listenUrl.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = this.listenUrl.port === '' ? 80 : Number(this.listenUrl.port);
    const addr = await this.receiver.listen(host, port);
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.boundUrl = `http://${shownHost}:${addr.port}`;
    this.logger.info({ member: this.localId, url: this.boundUrl, cluster: this.clusterId }, 'peer transport listening');
  }

  /** The URL actually listened on (the chosen port when the listen URL said 0). */
  get url(): string {
    if (!this.boundUrl) throw new Error('transport not started');
    return this.boundUrl;
  }

  /**
   * Starts talking to a peer (dials at once). Adding a peer that is already known only updates its
   * URLs: a host replaying membership (after a snapshot restore, or a learner's promotion) may add
   * the same member again.
   */
  addPeer(id: NodeId, urls: string[]): void {
    this.assertUsable();
    if (!isNodeId(id)) throw new Error(`invalid member id ${id}`);
    if (id === this.localId) throw new Error(`member ${id} is this member`);
    const existing = this.peers.get(id);
    if (existing) {
      existing.setUrls(urls);
      return;
    }
    this.removed.delete(id);
    const stats = this.statsFor(id);
    const stream = new PeerStream(
      {
        localId: this.localId,
        clusterId: this.clusterId,
        peerId: id,
        tuning: this.tuning,
        logger: this.logger,
        random: this.random,
        stats,
        reportUnreachable: () => this.reportUnreachable(id),
        reportRemoved: () => {
          if (this.state === 'started') this.callback('onRemoved', () => this.opts.onRemoved?.(id));
        },
      },
      urls,
    );
    this.peers.set(id, stream);
    this.logger.info({ peer: id, urls }, 'peer added');
    // The first known peer switches the receiver from "accept any member" to "known members only".
    this.receiver.revalidate();
  }

  updatePeer(id: NodeId, urls: string[]): void {
    this.assertUsable();
    const peer = this.peers.get(id);
    if (!peer) throw new Error(`unknown peer ${id}`);
    peer.setUrls(urls);
  }

  /** Forgets the peer: closes its stream, and refuses its traffic from now on. */
  removePeer(id: NodeId): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    this.peers.delete(id);
    this.removed.add(id);
    this.counters.delete(id);
    this.unreachable.forget(id);
    const closed = peer.close(this.tuning.closeGraceMs).finally(() => this.closing.delete(closed));
    this.closing.add(closed);
    this.receiver.revalidate();
    this.logger.info({ peer: id }, 'peer removed');
  }

  hasPeer(id: NodeId): boolean {
    return this.peers.has(id);
  }

  /** Since when (ms since the epoch) the stream to a peer has been up; undefined if it is not. */
  activeSince(id: NodeId): number | undefined {
    return this.peers.get(id)?.activeSince;
  }

  /**
   * Sends messages, never waiting: per destination, in order, as batches on that peer's stream;
   * each MsgSnap on a transfer of its own. Messages that cannot go are dropped and reported.
   */
  send(msgs: readonly Message[]): void {
    if (this.state === 'stopped') return;
    const groups = new Map<NodeId, Message[]>();
    for (const m of msgs) {
      if (isLocalMessage(m.type) || m.to === this.localId) {
        this.logger.warn({ type: m.type, to: m.to }, 'not sending a local message');
        continue;
      }
      if (m.type === 'MsgSnap') {
        this.sendSnapshot(m);
        continue;
      }
      let group = groups.get(m.to);
      if (!group) groups.set(m.to, (group = []));
      group.push(m);
    }
    for (const [to, group] of groups) {
      const peer = this.peers.get(to);
      if (!peer) {
        this.warnUnknown(to, group.length);
        continue;
      }
      for (const { frame, count } of encodeBatchFrames(group, this.tuning.maxBatchBytes)) {
        if (frame.length - FRAME_HEADER_BYTES > this.tuning.maxFrameBytes) {
          this.statsFor(to).messagesDropped += count;
          this.logger.error({ peer: to, bytes: frame.length }, 'message larger than the frame limit; dropped');
          continue;
        }
        if (!peer.send(frame, count)) this.reportUnreachable(to);
      }
    }
  }

  /** A copy of the counters, for the metrics endpoint. */
  stats(): TransportStats {
    return {
      peers: [...this.counters.values()].map((s) => ({ ...s })).sort((a, b) => a.id - b.id),
      rejected: { ...this.rejected },
    };
  }

  /** Closes every stream, aborts snapshot transfers (reported as failures), stops the server. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasStarted = this.state === 'started';
    this.state = 'stopped';
    const grace = this.tuning.closeGraceMs;
    const transfers = [...this.snapshots];
    for (const t of transfers) t.abort('transport stopping');
    await Promise.all([
      ...transfers.map((t) => t.done.catch(() => undefined)),
      ...[...this.peers.values()].map((p) => p.close(grace)),
      ...this.closing,
      wasStarted ? this.receiver.close(grace) : undefined,
    ]);
    // Let the snapshot callbacks (reached through promise reactions) run before returning.
    await new Promise((resolve) => setImmediate(resolve));
    this.peers.clear();
    this.logger.info({ member: this.localId }, 'peer transport stopped');
  }

  private sendSnapshot(m: Message): void {
    const to = m.to;
    const peer = this.peers.get(to);
    if (!peer) {
      this.warnUnknown(to, 1);
      this.callback('onSnapshotStatus', () => this.opts.onSnapshotStatus(to, 'failure'));
      return;
    }
    const stats = this.statsFor(to);
    const meta = m.snapshot?.metadata;
    const fields = { peer: to, index: meta?.index, term: meta?.term, bytes: m.snapshot?.data.length };
    this.logger.info(fields, 'sending snapshot');
    const transfer = sendSnapshot({
      url: peer.currentUrl,
      headers: identityHeaders(this.clusterId, this.localId, to),
      message: m,
      chunkBytes: this.tuning.snapshotChunkBytes,
      idleTimeoutMs: this.tuning.snapshotIdleTimeoutMs,
    });
    this.snapshots.add(transfer);
    const report = (status: SnapshotStatus): void => {
      this.snapshots.delete(transfer);
      this.callback('onSnapshotStatus', () => this.opts.onSnapshotStatus(to, status));
    };
    transfer.done.then(
      (bytes) => {
        stats.snapshotsSent++;
        stats.messagesSent++;
        stats.bytesSent += bytes;
        this.logger.info(fields, 'snapshot sent');
        report('finish');
      },
      (err: Error) => {
        stats.snapshotsFailed++;
        stats.sendFailures++;
        this.logger.warn({ ...fields, err: err.message }, 'snapshot transfer failed');
        report('failure');
      },
    );
  }

  private reportUnreachable(id: NodeId): void {
    if (this.state === 'stopped' || !this.peers.has(id)) return;
    if (this.unreachable.allow(id)) this.callback('onUnreachable', () => this.opts.onUnreachable(id));
  }

  private warnUnknown(to: NodeId, count: number): void {
    if (this.unknownLog.allow(to)) this.logger.warn({ to, count }, 'dropping messages for an unknown member');
  }

  /** Who may send to this member: known peers; anyone while no peer is known (a joining member). */
  private standing(id: NodeId): SenderStanding {
    if (this.removed.has(id)) return 'removed';
    if (this.peers.has(id) || this.peers.size === 0) return 'accepted';
    return 'unknown';
  }

  private statsFor(id: NodeId): PeerStats {
    let s = this.counters.get(id);
    if (!s) this.counters.set(id, (s = newPeerStats(id)));
    return s;
  }

  /** Host callbacks run inside socket events: an exception there must not break the transport. */
  private callback(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ callback: name, err: (err as Error).message }, 'transport callback threw');
    }
  }

  private assertUsable(): void {
    if (this.state === 'stopped') throw new Error('transport stopped');
  }
}
