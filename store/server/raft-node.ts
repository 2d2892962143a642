// The host side of the Raft core for a real member: a clock that ticks it, the Ready loop that
// persists (RaftDisk, fsync), sends (the peer transport) and applies (the member's callback), and
// the waiting that turns "proposed" and "read index" into promises for request handlers.
//
// The loop runs one Ready at a time, in order: persist, send, apply, advance. Inputs that arrive
// meanwhile (ticks, peer messages, proposals) are stepped into the core at once and picked up by
// the next round.

import { randomBytes } from 'node:crypto';
import { ProposalDroppedError, RawNode, seededRandom, type ConfChange, type ConfState, type Entry, type Message, type NodeId, type ReadState, type Snapshot, type SoftState } from '../raft/index.js';
import type { RaftDisk } from '../storage/raft-disk.js';

export interface RaftTransport {
  send(msgs: Message[]): void;
}

export interface NodeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RaftNodeOptions {
  raftId: NodeId;
  disk: RaftDisk;
  transport: RaftTransport;
  /** Milliseconds per tick (etcd's --heartbeat-interval): the leader heartbeats every tick. */
  tickMs: number;
  /** Ticks without a leader before campaigning (etcd's --election-timeout / --heartbeat-interval). */
  electionTicks: number;
  /** The state machine's applied index when starting (its snapshot's index). */
  applied: number;
  logger: NodeLogger;
  /** Apply committed entries in order. Conf change entries must be passed to applyConfChange(). */
  onApply(entries: readonly Entry[]): void;
  /** Replace the state machine with a snapshot received from the leader. */
  onSnapshot(snap: Snapshot): void;
  onSoftState?(s: SoftState): void;
  /** Called after each applied batch (a place to take snapshots). */
  afterApply?(appliedIndex: number): Promise<void> | void;
  /** The disk failed: the member must stop (continuing could acknowledge writes that are not durable). */
  onFatal(err: unknown): void;
}

interface Waiter {
  resolve(index: number): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

export class RaftNode {
  readonly raw: RawNode;
  appliedIndex: number;
  private readonly opts: RaftNodeOptions;
  private ticker: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly readWaiters = new Map<string, Waiter>();
  private appliedWaiters: { index: number; resolve(): void }[] = [];
  private lastSoft: SoftState = { lead: 0, role: 'follower' };

  constructor(opts: RaftNodeOptions) {
    this.opts = opts;
    this.appliedIndex = opts.applied;
    this.raw = new RawNode({
      id: opts.raftId,
      storage: opts.disk.storage,
      applied: opts.applied,
      electionTick: opts.electionTicks,
      heartbeatTick: 1,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 256,
      maxCommittedSizePerReady: 16 * 1024 * 1024,
      // Different members must not time out in lockstep; the core is deterministic given this.
      random: seededRandom(randomBytes(4).readUInt32BE(0)),
    });
  }

  start(): void {
    this.ticker = setInterval(() => {
      this.raw.tick();
      this.kick();
    }, this.opts.tickMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const w of this.readWaiters.values()) {
      clearTimeout(w.timer);
      w.reject(new Error('server stopped'));
    }
    this.readWaiters.clear();
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  get softState(): SoftState {
    return this.lastSoft;
  }

  /** Messages from peers. */
  step(msgs: readonly Message[]): void {
    for (const m of msgs) this.raw.step(m);
    this.kick();
  }

  /** Propose a log entry. Throws ProposalDroppedError (e.g. no leader); the caller retries or fails. */
  propose(data: Uint8Array): void {
    this.raw.propose(data);
    this.kick();
  }

  proposeConfChange(cc: ConfChange): void {
    this.raw.proposeConfChange(cc);
    this.kick();
  }

  applyConfChange(cc: ConfChange): ConfState {
    return this.raw.applyConfChange(cc);
  }

  transferLeadership(to: NodeId): void {
    this.raw.transferLeadership(to);
    this.kick();
  }

  reportUnreachable(id: NodeId): void {
    this.raw.reportUnreachable(id);
    this.kick();
  }

  reportSnapshot(id: NodeId, status: 'finish' | 'failure'): void {
    this.raw.reportSnapshot(id, status);
    this.kick();
  }

  /**
   * A linearizable read point: resolves once the state machine has applied everything that was
   * committed when the read arrived, as confirmed by the leader with a quorum (ReadIndex).
   */
  async readBarrier(timeoutMs: number): Promise<void> {
    const ctx = randomBytes(8);
    const key = ctx.toString('hex');
    const index = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readWaiters.delete(key);
        reject(new ReadTimeoutError());
      }, timeoutMs);
      this.readWaiters.set(key, { resolve, reject, timer });
      try {
        this.raw.readIndex(ctx);
      } catch (e) {
        clearTimeout(timer);
        this.readWaiters.delete(key);
        reject(e instanceof ProposalDroppedError ? new NoLeaderError() : e);
        return;
      }
      this.kick();
    });
    await this.waitApplied(index);
  }

  /** Resolves when the applied index reaches `index`. */
  waitApplied(index: number): Promise<void> {
    if (this.appliedIndex >= index) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ index, resolve }));
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && this.raw.hasReady()) await this.handleReady();
      } while (this.again && !this.stopped);
    } catch (e) {
      this.opts.logger.error({ err: e }, 'raft loop failed');
      this.stopped = true;
      if (this.ticker) clearInterval(this.ticker);
      this.opts.onFatal(e);
    } finally {
      this.running = false;
    }
  }

  private async handleReady(): Promise<void> {
    const rd = this.raw.ready();
    const persisted = this.opts.disk.storage.hardStateNow();
    // Committed entries already on disk before this Ready (the usual case: an entry commits once
    // a quorum acknowledged it, after the Ready that persisted it here) are applied while this
    // Ready's write and fsync run in the background, instead of after them. Entries this very Ready
    // persists (a single member commits its own entries at once; a follower may learn an entry
    // and its commit together) are applied only after the write, as before.
    const durable = rd.snapshot ? 0 : this.opts.disk.storage.lastIndex();
    const committed = rd.committedEntries;
    let early = 0;
    while (early < committed.length && committed[early]!.index <= durable) early++;
    // 1. Persist: nothing below may reveal what is not yet on disk.
    let saving: Promise<void> | undefined;
    if (rd.snapshot || rd.entries.length > 0 || rd.hardState) {
      const batch: Parameters<RaftDisk['save']>[0] = { entries: rd.entries, sync: rd.mustSync };
      if (rd.hardState) batch.hardState = rd.hardState;
      if (rd.snapshot) batch.snapshot = rd.snapshot;
      saving = this.opts.disk.save(batch);
    }
    // A leader sends before its own write completes (Raft thesis §10.2.1, as etcd's raftNode does):
    // its appends reach the followers while its fsync runs, so a round costs one fsync's time, not
    // two. This is safe because an entry commits only once a quorum has it on disk, and the leader
    // applies and answers nothing before this Ready's write is done; its term and vote were made
    // durable by the Ready that made it a candidate, before any vote request left.
    let later = rd.messages;
    const termOrVoteChanged = rd.hardState !== undefined && (rd.hardState.term !== persisted.term || rd.hardState.vote !== persisted.vote);
    const leading = (rd.softState ?? this.lastSoft).role === 'leader' && !termOrVoteChanged;
    if (saving && leading && later.length > 0) {
      this.opts.transport.send(later);
      later = [];
    }
    // Proposals and read requests a follower forwards to the leader carry no term and say nothing
    // about this member's log or vote, so they need not wait for the write: sent at once, a client
    // request made on a follower no longer waits behind that follower's fsync.
    if (saving && later.length > 0) {
      const forwarded = later.filter(isForwarded);
      if (forwarded.length > 0) {
        this.opts.transport.send(forwarded);
        later = later.filter((m) => !isForwarded(m));
      }
    }
    if (early > 0) this.apply(early === committed.length ? committed : committed.slice(0, early));
    if (saving) await saving;
    // 2. Send.
    if (later.length > 0) this.opts.transport.send(later);
    // 3. Apply.
    if (rd.snapshot) {
      this.opts.onSnapshot(rd.snapshot);
      this.appliedIndex = rd.snapshot.metadata.index;
    }
    if (early < committed.length) this.apply(early === 0 ? committed : committed.slice(early));
    if (rd.softState) {
      this.lastSoft = rd.softState;
      this.opts.onSoftState?.(rd.softState);
    }
    for (const rs of rd.readStates) this.resolveRead(rs);
    this.raw.advance();
    this.releaseAppliedWaiters();
    if (committed.length > 0 || rd.snapshot) await this.opts.afterApply?.(this.appliedIndex);
  }

  private apply(entries: readonly Entry[]): void {
    this.opts.onApply(entries);
    this.appliedIndex = entries[entries.length - 1]!.index;
  }

  private resolveRead(rs: ReadState): void {
    const key = Buffer.from(rs.requestCtx).toString('hex');
    const w = this.readWaiters.get(key);
    if (!w) return;
    this.readWaiters.delete(key);
    clearTimeout(w.timer);
    w.resolve(rs.index);
  }

  private releaseAppliedWaiters(): void {
    if (this.appliedWaiters.length === 0) return;
    const ready = this.appliedWaiters.filter((w) => w.index <= this.appliedIndex);
    if (ready.length === 0) return;
    this.appliedWaiters = this.appliedWaiters.filter((w) => w.index > this.appliedIndex);
    for (const w of ready) w.resolve();
  }
}

/** A request forwarded to the leader: no term, nothing that depends on this member's disk. */
function isForwarded(m: Message): boolean {
  return m.type === 'MsgProp' || m.type === 'MsgReadIndex';
}

export class ReadTimeoutError extends Error {
  constructor() {
    super('read index timed out');
    this.name = 'ReadTimeoutError';
  }
}

export class NoLeaderError extends Error {
  constructor() {
    super('no leader');
    this.name = 'NoLeaderError';
  }
}
