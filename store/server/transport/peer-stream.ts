// The outbound side for one peer: a single long-lived HTTP/2 request whose body is an endless
// sequence of batch frames. One stream per peer keeps messages in the order they were sent, and
// one long request avoids a round trip per batch.
//
// States:
//   connecting  a session and the stream are being set up; frames written now are queued by
//               HTTP/2 and go out as soon as the connection is up (nothing is lost on a good dial)
//   active      the receiver accepted the stream (answered 200)
//   backoff     the last attempt failed; frames are dropped (Raft retransmits what matters) and
//               a reconnect is scheduled after an exponential, jittered, capped delay
//   closed      stop() or removePeer(); nothing happens any more
// Reconnection never gives up: a member may be down for hours and must be found again.
//
// Every asynchronous event carries the generation of the attempt it belongs to, so a late event
// from a torn-down session cannot disturb the attempt that replaced it.

import * as http2 from 'node:http2';
import type { NodeId } from '../../raft/types.js';
import { Backoff } from './backoff.js';
import { HEADER_ERROR, STREAM_PATH, identityHeaders, peerOrigin } from './headers.js';
import { startKeepalive } from './keepalive.js';
import { sessionOptions, widenSessionWindow } from './session-options.js';
import type { PeerStats, TransportLogger, TransportTuning } from './types.js';

export interface PeerStreamContext {
  localId: NodeId;
  clusterId: string;
  peerId: NodeId;
  tuning: TransportTuning;
  logger: TransportLogger;
  random: () => number;
  /** The record this stream updates (shared with the receiving side). */
  stats: PeerStats;
  /** Messages to the peer were or may have been lost (the transport rate-limits the callback). */
  reportUnreachable(): void;
  /** The peer answered 410 Gone: it knows this member was removed from the cluster. */
  reportRemoved(): void;
}

type State = 'connecting' | 'active' | 'backoff' | 'closed';

export class PeerStream {
  private state: State = 'backoff';
  private urls: string[];
  private urlIndex = 0;
  private generation = 0;
  private session: http2.ClientHttp2Session | undefined;
  private stream: http2.ClientHttp2Stream | undefined;
  /** Bytes handed to the stream whose write has not completed: what a slow or dead peer holds up. */
  private pendingBytes = 0;
  private readonly backoff: Backoff;
  /** Failed attempts since the stream was last active (for logging and the reconnects counter). */
  private failures = 0;
  private everActive = false;
  /** When the current stream became active (ms since the epoch); undefined while not active. */
  private activeAt: number | undefined;
  private dialTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopKeepalive: (() => void) | undefined;

  constructor(
    private readonly ctx: PeerStreamContext,
    urls: readonly string[],
  ) {
    this.urls = validateUrls(urls);
    this.backoff = new Backoff(ctx.tuning.backoffInitialMs, ctx.tuning.backoffMaxMs, ctx.random);
    this.connect();
  }

  get active(): boolean {
    return this.state === 'active';
  }

  /** Since when the stream has been active without interruption (etcd's ActiveSince). */
  get activeSince(): number | undefined {
    return this.state === 'active' ? this.activeAt : undefined;
  }

  /** The URL in use (or to be tried next): also where snapshots go. */
  get currentUrl(): string {
    return this.urls[this.urlIndex % this.urls.length]!;
  }

  /**
   * Queues one frame carrying `count` messages. Returns false when they were dropped; the
   * transport then reports the peer unreachable. Never waits.
   */
  send(frame: Buffer, count: number): boolean {
    const stream = this.stream;
    if ((this.state !== 'connecting' && this.state !== 'active') || !stream || !stream.writable) {
      if (this.state !== 'closed') this.ctx.stats.messagesDropped += count;
      return false;
    }
    if (this.pendingBytes + frame.length > this.ctx.tuning.maxPendingBytes) {
      // The peer (or the path to it) does not keep up. Queueing more would only grow memory and
      // delay fresher messages; dropping lets Raft's flow control slow the leader down.
      this.ctx.stats.messagesDropped += count;
      return false;
    }
    const gen = this.generation;
    this.pendingBytes += frame.length;
    stream.write(frame, () => {
      if (gen === this.generation) this.pendingBytes -= frame.length;
    });
    this.ctx.stats.messagesSent += count;
    this.ctx.stats.bytesSent += frame.length;
    return true;
  }

  /** New URLs for the peer. The stream is re-dialled only if its current URL is gone. */
  setUrls(urls: readonly string[]): void {
    const next = validateUrls(urls);
    const current = this.currentUrl;
    this.urls = next;
    const keep = next.indexOf(current);
    if (keep >= 0) {
      this.urlIndex = keep;
      return;
    }
    this.urlIndex = 0;
    if (this.state === 'closed') return;
    this.ctx.logger.info({ peer: this.ctx.peerId, urls: next }, 'peer URLs changed; re-dialling');
    this.teardown();
    this.backoff.reset();
    this.connect();
  }

  /** Reconnects now instead of when the backoff says, if the last attempt failed. */
  redialIfBackingOff(): void {
    if (this.state !== 'backoff' || this.reconnectTimer === undefined) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.backoff.reset();
    this.connect();
  }

  /** Ends the stream gracefully, then the session; destroys them if that takes longer than graceMs. */
  async close(graceMs: number): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.generation++;
    this.ctx.stats.active = false;
    this.clearTimers();
    const session = this.session;
    const stream = this.stream;
    this.session = undefined;
    this.stream = undefined;
    if (!session || session.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => session.destroy(), graceMs);
      timer.unref();
      session.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        stream?.end();
        session.close();
      } catch {
        session.destroy();
      }
    });
  }

  private connect(): void {
    const gen = ++this.generation;
    this.state = 'connecting';
    this.pendingBytes = 0;
    const { tuning, logger, peerId } = this.ctx;
    const url = this.currentUrl;
    const fail = (reason: string, rejected = false): void => this.fail(gen, reason, rejected);

    const session = http2.connect(peerOrigin(url), sessionOptions);
    this.session = session;
    session.on('connect', () => widenSessionWindow(session));
    session.on('error', (err) => fail(`session error: ${err.message}`));
    session.on('goaway', (code) => fail(`peer sent GOAWAY (code ${code})`));
    session.on('close', () => fail('session closed'));

    const stream = session.request(
      { ':method': 'POST', ':path': STREAM_PATH, ...identityHeaders(this.ctx.clusterId, this.ctx.localId, peerId) },
      { endStream: false },
    );
    this.stream = stream;
    stream.on('response', (headers) => {
      const status = headers[':status'];
      if (status === 200) this.becomeActive(gen);
      else if (status === 410 && gen === this.generation && this.state !== 'closed') {
        // Only a removed member is told 410: it must stop, as etcd's does on a peer's StatusGone.
        fail(`peer refused the stream: ${status} ${String(headers[HEADER_ERROR] ?? '')}`.trim(), true);
        this.ctx.reportRemoved();
      } else fail(`peer refused the stream: ${status} ${String(headers[HEADER_ERROR] ?? '')}`.trim(), true);
    });
    stream.on('error', (err) => fail(`stream error: ${err.message}`));
    // The receiver never sends a body; ending its side means it is going away.
    stream.on('end', () => fail('peer ended the stream'));
    stream.on('close', () => fail('stream closed'));
    stream.resume();

    this.dialTimer = setTimeout(() => fail(`not accepted within ${tuning.dialTimeoutMs} ms`), tuning.dialTimeoutMs);
    this.dialTimer.unref();
    this.stopKeepalive = startKeepalive(session, tuning.pingIntervalMs, tuning.pingTimeoutMs, fail);
    logger.debug({ peer: peerId, url, attempt: this.failures }, 'dialling peer');
  }

  private becomeActive(gen: number): void {
    if (gen !== this.generation || this.state !== 'connecting') return;
    clearTimeout(this.dialTimer);
    this.dialTimer = undefined;
    this.state = 'active';
    this.activeAt = Date.now();
    this.ctx.stats.active = true;
    if (this.everActive) this.ctx.stats.reconnects++;
    const fields = { peer: this.ctx.peerId, url: this.currentUrl, failedAttempts: this.failures };
    this.ctx.logger.info(fields, this.everActive ? 'stream to peer re-established' : 'stream to peer established');
    this.everActive = true;
    this.failures = 0;
    this.backoff.reset();
  }

  private fail(gen: number, reason: string, rejected: boolean): void {
    if (gen !== this.generation || (this.state !== 'connecting' && this.state !== 'active')) return;
    const wasActive = this.state === 'active';
    this.teardown();
    this.state = 'backoff';
    this.ctx.stats.active = false;
    this.ctx.stats.sendFailures++;
    const delay = this.backoff.next();
    const fields = { peer: this.ctx.peerId, url: this.currentUrl, reason, retryInMs: delay };
    // Log the first failure of a series loudly and the retries quietly: a peer down for an hour
    // must not fill the log, but its going away must be visible.
    if (wasActive) this.ctx.logger.warn(fields, 'lost the stream to peer; reconnecting');
    else if (this.failures === 0 && rejected) this.ctx.logger.error(fields, 'peer rejected this member; will retry');
    else if (this.failures === 0) this.ctx.logger.warn(fields, 'cannot reach peer; will retry');
    else this.ctx.logger.debug({ ...fields, failedAttempts: this.failures + 1 }, 'peer still unreachable');
    this.failures++;
    // Frames written to the dead stream may be lost: tell Raft, which then probes the peer again.
    this.ctx.reportUnreachable();
    // Try the next URL: the peer may listen on several and only one path may be broken.
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === 'backoff') this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Drops the current session and stream; their late events are ignored (generation bump). */
  private teardown(): void {
    this.generation++;
    this.clearTimers();
    const session = this.session;
    this.session = undefined;
    this.stream = undefined;
    this.pendingBytes = 0;
    if (session && !session.destroyed) session.destroy();
  }

  private clearTimers(): void {
    clearTimeout(this.dialTimer);
    clearTimeout(this.reconnectTimer);
    this.dialTimer = undefined;
    this.reconnectTimer = undefined;
    this.stopKeepalive?.();
    this.stopKeepalive = undefined;
  }
}

function validateUrls(urls: readonly string[]): string[] {
  if (urls.length === 0) throw new Error('a peer needs at least one URL');
  for (const u of urls) peerOrigin(u);
  return [...urls];
}
