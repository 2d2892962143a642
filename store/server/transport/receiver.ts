// The inbound side: an h2c server on the member's peer URL.
//
// Each request is checked before its body is read: path and protocol version, cluster id,
// recipient id, sender id (known, not removed). Then
//   POST /raft/stream    a long-lived stream of batch frames from one peer; each batch is
//                        decoded, checked (every message really from that peer, to this member,
//                        a network message) and delivered, in order. A damaged frame closes the
//                        stream: framing is lost, and nothing after it can be trusted.
//   POST /raft/snapshot  one MsgSnap, assembled and verified (snapshot-assembler.ts), delivered
//                        only once complete, then answered 200.
// Sessions are pinged (keepalive.ts) so a peer that vanished without a FIN is noticed here too.

import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { isLocalMessage, type Message, type NodeId } from '../../raft/types.js';
import { FRAME_HEADER_BYTES, FrameDecoder, FrameKind, decodeBatch } from './codec.js';
import {
  CONTENT_TYPE,
  HEADER_CLUSTER_ID,
  HEADER_ERROR,
  HEADER_FROM,
  HEADER_PROTOCOL,
  HEADER_TO,
  MEMBERS_PATH,
  PROTOCOL_VERSION,
  SNAPSHOT_PATH,
  STREAM_PATH,
  normalizeClusterId,
  parseNodeId,
} from './headers.js';
import { startKeepalive } from './keepalive.js';
import { RateLimiter } from './rate-limit.js';
import { sessionOptions, widenSessionWindow } from './session-options.js';
import { SnapshotAssembler } from './snapshot-assembler.js';
import type { PeerMembersInfo, PeerStats, RejectReason, TransportLogger, TransportTuning } from './types.js';
import { CodecError } from './wire.js';

/** What the receiver thinks of a sender id. */
export type SenderStanding = 'accepted' | 'unknown' | 'removed';

export interface ReceiverContext {
  localId: NodeId;
  clusterId: string;
  tuning: TransportTuning;
  logger: TransportLogger;
  standing(id: NodeId): SenderStanding;
  statsFor(id: NodeId): PeerStats;
  rejected: Record<RejectReason, number>;
  deliver(msgs: Message[]): void;
  membersInfo?: (() => PeerMembersInfo) | undefined;
  /** A peer opened its message stream to us: it is up, whatever our own backoff believes. */
  peerStreamOpened?(id: NodeId): void;
}

interface Rejection {
  status: number;
  reason: RejectReason;
  detail: string;
}

/** An open inbound request, so that removal and shutdown can close it. */
interface Inbound {
  from: NodeId;
  stream: http2.ServerHttp2Stream;
  kind: 'stream' | 'snapshot';
}

export class Receiver {
  private readonly server: http2.Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly inbound = new Set<Inbound>();
  /** Rejection logs per (reason, sender): a misconfigured peer retries forever. */
  private readonly rejectLog = new RateLimiter<string>(10_000);

  constructor(private readonly ctx: ReceiverContext) {
    this.server = http2.createServer(sessionOptions);
    this.server.on('session', (session) => this.onSession(session));
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
    this.server.on('sessionError', (err) => ctx.logger.debug({ err: err.message }, 'peer session error'));
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.ctx.logger.error({ err: err.message }, 'peer server error'));
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Closes open requests from senders that are no longer accepted (after a removal). */
  revalidate(): void {
    for (const entry of [...this.inbound]) {
      const standing = this.ctx.standing(entry.from);
      if (standing === 'accepted') continue;
      this.ctx.logger.info({ peer: entry.from, standing, kind: entry.kind }, 'closing inbound peer request');
      this.forget(entry);
      if (!entry.stream.closed) entry.stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    }
  }

  /** Stops accepting, asks every session to go away, and destroys what is left after graceMs. */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    for (const entry of this.inbound) {
      // Ending our side of a message stream tells the sender to reconnect elsewhere or later.
      if (entry.kind === 'stream' && !entry.stream.closed && !entry.stream.destroyed) entry.stream.end();
    }
    for (const s of this.sessions) s.close();
    const timer = setTimeout(() => {
      for (const s of this.sessions) s.destroy();
    }, graceMs);
    timer.unref();
    await closed;
    // Sessions outlive server.close() only until the timer destroys them; wait for that too.
    await Promise.all(
      [...this.sessions].map((s) => (s.closed || s.destroyed ? undefined : new Promise((r) => s.once('close', r)))),
    );
    clearTimeout(timer);
  }

  private onSession(session: http2.ServerHttp2Session): void {
    this.sessions.add(session);
    widenSessionWindow(session);
    const { pingIntervalMs, pingTimeoutMs } = this.ctx.tuning;
    const stopKeepalive = startKeepalive(session, pingIntervalMs, pingTimeoutMs, (reason) => {
      this.ctx.logger.warn({ reason }, 'inbound peer connection is dead; closing it');
      session.destroy();
    });
    session.on('error', (err) => this.ctx.logger.debug({ err: err.message }, 'inbound peer session error'));
    session.on('close', () => {
      stopKeepalive();
      this.sessions.delete(session);
    });
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', (err) => this.ctx.logger.debug({ err: err.message }, 'inbound peer stream error'));
    if (headers[':method'] === 'GET' && headers[':path'] === MEMBERS_PATH && this.ctx.membersInfo) {
      // Asked by a member that does not know the cluster id yet, so no identity is checked: the
      // member table is not secret among peers (etcd serves it the same way).
      this.answerMembers(stream, this.ctx.membersInfo);
      return;
    }
    const from = parseNodeId(single(headers[HEADER_FROM]));
    const rejection = this.check(headers, from);
    if (rejection) {
      this.reject(stream, rejection, from);
      return;
    }
    const entry: Inbound = { from: from!, stream, kind: headers[':path'] === STREAM_PATH ? 'stream' : 'snapshot' };
    this.inbound.add(entry);
    stream.on('close', () => this.forget(entry));
    if (entry.kind === 'stream') this.acceptMessageStream(entry);
    else this.acceptSnapshot(entry);
  }

  private answerMembers(stream: http2.ServerHttp2Stream, info: () => PeerMembersInfo): void {
    stream.resume();
    try {
      const body = JSON.stringify(info());
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(body);
    } catch (err) {
      this.ctx.logger.warn({ err: (err as Error).message }, 'cannot answer GET /members');
      answer(stream, 500, (err as Error).message);
    }
  }

  /** Why the request must be refused, or undefined if it may proceed. */
  private check(headers: http2.IncomingHttpHeaders, from: NodeId | undefined): Rejection | undefined {
    const path = headers[':path'];
    if (headers[':method'] !== 'POST' || (path !== STREAM_PATH && path !== SNAPSHOT_PATH)) {
      return { status: 404, reason: 'protocol', detail: `no such endpoint ${headers[':method']} ${path}` };
    }
    const version = single(headers[HEADER_PROTOCOL]);
    if (version !== PROTOCOL_VERSION) {
      return { status: 400, reason: 'protocol', detail: `protocol version ${version ?? 'missing'}, want ${PROTOCOL_VERSION}` };
    }
    const cluster = normalizeClusterId(single(headers[HEADER_CLUSTER_ID]) ?? '');
    if (cluster !== this.ctx.clusterId) {
      return { status: 412, reason: 'clusterMismatch', detail: `cluster id ${cluster ?? 'invalid'}, this is ${this.ctx.clusterId}` };
    }
    const to = parseNodeId(single(headers[HEADER_TO]));
    if (to !== this.ctx.localId) {
      return { status: 421, reason: 'wrongRecipient', detail: `addressed to member ${to ?? 'invalid'}, this is ${this.ctx.localId}` };
    }
    if (from === undefined) return { status: 400, reason: 'protocol', detail: 'missing or invalid sender id' };
    const standing = this.ctx.standing(from);
    if (standing === 'removed') return { status: 410, reason: 'removedMember', detail: `member ${from} was removed from the cluster` };
    if (standing === 'unknown') return { status: 403, reason: 'unknownMember', detail: `member ${from} is not a known peer` };
    return undefined;
  }

  private reject(stream: http2.ServerHttp2Stream, r: Rejection, from: NodeId | undefined): void {
    this.ctx.rejected[r.reason]++;
    if (this.rejectLog.allow(`${r.reason}/${from ?? '?'}`)) {
      this.ctx.logger.warn({ peer: from, status: r.status, reason: r.reason, detail: r.detail }, 'rejected peer request');
    }
    stream.resume(); // discard whatever body arrives before the sender reacts
    // RFC 9113 §8.1: after a complete response the server may stop the upload with NO_ERROR.
    answer(stream, r.status, r.detail, http2.constants.NGHTTP2_NO_ERROR);
  }

  /** A broken frame or a lying message: count it, log it, and close the request. */
  private corrupt(entry: Inbound, detail: string): void {
    this.ctx.rejected.corrupt++;
    this.ctx.logger.error({ peer: entry.from, kind: entry.kind, detail }, 'refused damaged peer traffic; closing the request');
    this.forget(entry);
    answer(entry.stream, 400, detail, http2.constants.NGHTTP2_PROTOCOL_ERROR);
  }

  private acceptMessageStream(entry: Inbound): void {
    const { stream, from } = entry;
    // One message stream per sender: a newer one means the sender reconnected, so the older one
    // is dead or dying. Closing it frees it and keeps one ordered source per peer.
    for (const other of this.inbound) {
      if (other !== entry && other.kind === 'stream' && other.from === from) {
        this.forget(other);
        if (!other.stream.closed) other.stream.close(http2.constants.NGHTTP2_CANCEL);
      }
    }
    stream.respond({ ':status': 200, 'content-type': CONTENT_TYPE });
    this.ctx.logger.debug({ peer: from }, 'accepted inbound message stream');
    this.ctx.peerStreamOpened?.(from);
    const decoder = new FrameDecoder(this.ctx.tuning.maxFrameBytes);
    const stats = this.ctx.statsFor(from);
    let broken = false;
    stream.on('data', (chunk: Buffer) => {
      if (broken) return;
      try {
        for (const frame of decoder.push(chunk)) {
          if (frame.kind !== FrameKind.Batch) throw new CodecError('malformed', `frame kind ${frame.kind} on a message stream`);
          const msgs = decodeBatch(frame.body);
          for (const m of msgs) this.checkMessage(m, from, 'stream');
          stats.messagesReceived += msgs.length;
          stats.bytesReceived += FRAME_HEADER_BYTES + 1 + frame.body.length;
          this.ctx.deliver(msgs);
        }
      } catch (err) {
        broken = true;
        this.corrupt(entry, (err as Error).message);
      }
    });
    stream.on('end', () => {
      if (broken) return;
      try {
        decoder.end();
      } catch (err) {
        this.ctx.logger.warn({ peer: from, err: (err as Error).message }, 'message stream ended inside a frame');
      }
      // The sender closed its side (it is stopping or replacing the stream): close ours.
      if (!stream.closed && !stream.destroyed) stream.end();
    });
  }

  private acceptSnapshot(entry: Inbound): void {
    const { stream, from } = entry;
    const { maxFrameBytes, snapshotChunkBytes, maxSnapshotBytes, snapshotIdleTimeoutMs } = this.ctx.tuning;
    // Chunks may be larger than ordinary frames if the sender is tuned differently; allow both.
    const decoder = new FrameDecoder(Math.max(maxFrameBytes, snapshotChunkBytes + 1));
    const assembler = new SnapshotAssembler(maxSnapshotBytes);
    const stats = this.ctx.statsFor(from);
    let finished = false;
    const fail = (detail: string): void => {
      if (finished) return;
      finished = true;
      stats.snapshotsFailed++;
      this.corrupt(entry, `snapshot: ${detail}`);
    };
    stream.setTimeout(snapshotIdleTimeoutMs, () => fail(`no data for ${snapshotIdleTimeoutMs} ms`));
    stream.on('data', (chunk: Buffer) => {
      if (finished) return;
      try {
        for (const frame of decoder.push(chunk)) assembler.push(frame);
      } catch (err) {
        fail((err as Error).message);
      }
    });
    stream.on('end', () => {
      if (finished) return;
      let m: Message;
      try {
        decoder.end();
        m = assembler.finish();
        this.checkMessage(m, from, 'snapshot');
      } catch (err) {
        fail((err as Error).message);
        return;
      }
      finished = true;
      stats.snapshotsReceived++;
      stats.messagesReceived++;
      stats.bytesReceived += assembler.receivedBytes;
      this.ctx.logger.info(
        { peer: from, index: m.snapshot!.metadata.index, term: m.snapshot!.metadata.term, bytes: assembler.receivedBytes },
        'received snapshot',
      );
      this.ctx.deliver([m]);
      answer(stream, 200);
    });
    stream.on('close', () => {
      if (finished) return;
      finished = true;
      stats.snapshotsFailed++;
      const a = assembler.announced;
      this.ctx.logger.warn(
        { peer: from, received: assembler.receivedBytes, size: a?.size },
        'snapshot stream interrupted; discarded',
      );
    });
  }

  /** A message must come from the member that opened the request and be meant for this one. */
  private checkMessage(m: Message, from: NodeId, kind: Inbound['kind']): void {
    if (m.from !== from) throw new CodecError('malformed', `message from ${m.from} on a request from ${from}`);
    if (m.to !== this.ctx.localId) throw new CodecError('malformed', `message to ${m.to} received by ${this.ctx.localId}`);
    if (isLocalMessage(m.type)) throw new CodecError('malformed', `local message ${m.type} from the network`);
    // Snapshots travel only on their own request, whose data is verified as a whole.
    if ((m.type === 'MsgSnap') !== (kind === 'snapshot')) throw new CodecError('malformed', `${m.type} on a ${kind} request`);
  }

  private forget(entry: Inbound): void {
    this.inbound.delete(entry);
  }
}

/**
 * Answers a request (if it can still be answered) and, with `rstCode`, closes the stream. The peer
 * may have reset the connection meanwhile; answering then must not throw inside an event handler.
 */
function answer(stream: http2.ServerHttp2Stream, status: number, error?: string, rstCode?: number): void {
  if (stream.closed || stream.destroyed) return;
  try {
    if (!stream.headersSent) {
      const headers: http2.OutgoingHttpHeaders = { ':status': status };
      // Header values must be visible ASCII; details may quote what a peer sent.
      if (error !== undefined) headers[HEADER_ERROR] = error.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
      stream.respond(headers, { endStream: true });
    }
    if (rstCode !== undefined) stream.close(rstCode);
  } catch {
    // The stream went away between the check and the answer; nothing is left to tell.
  }
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
