// The Raft state machine: one member's roles (follower, pre-candidate, candidate, leader) and how
// each reacts to ticks and messages. It has no I/O: outgoing messages pile up in `msgs`, new
// entries in the log's unstable tail, and RawNode hands both to the host as a Ready.
//
// Reading order for newcomers: step() (the term rules every message goes through first), then
// stepLeader / stepCandidate / stepFollower, then the send* helpers.

import { Changer, entersJoint, isLeaveJoint, restoreConfig } from './confchange.js';
import { decodeConfChange } from './confchange-codec.js';
import { RaftLog } from './log.js';
import { ReadOnly } from './readonly.js';
import type { Storage } from './storage.js';
import { jointVote } from './quorum.js';
import { ProgressTracker, configToString } from './tracker/tracker.js';
import type { Progress } from './tracker/progress.js';
import {
  CompactedError,
  NONE,
  ProposalDroppedError,
  UnavailableError,
  isEmptyHardState,
  isEmptySnapshot,
  message,
  voteResponseType,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type MessageType,
  type NodeId,
  type ReadState,
  type Snapshot,
  type SoftState,
  type StateRole,
} from './types.js';

export interface RaftLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
}

export const silentLogger: RaftLogger = { debug() {}, info() {}, warn() {} };

export interface RaftConfig {
  id: NodeId;
  /** Ticks without hearing from a leader before a follower campaigns (randomized in [n, 2n)). */
  electionTick: number;
  /** Ticks between the leader's heartbeats; must be less than electionTick. */
  heartbeatTick: number;
  storage: Storage;
  /** The index the host has already applied (on restart); entries up to it are not handed out again. */
  applied?: number;
  /** Upper bound on the entries' data carried by one MsgApp (bytes). Default 1 MiB. */
  maxSizePerMsg?: number;
  /** Upper bound on the committed entries handed out by one Ready (bytes). Default unlimited. */
  maxCommittedSizePerReady?: number;
  /** Appends in flight per follower in replicate state. Default 256. */
  maxInflightMsgs?: number;
  /** Proposals are dropped once uncommitted entries exceed this many bytes. Default unlimited. */
  maxUncommittedEntriesSize?: number;
  /** Leader steps down when it has not heard from a quorum within an election timeout. */
  checkQuorum?: boolean;
  /** Run a pre-election first so a node that cannot win does not bump everyone's term. */
  preVote?: boolean;
  /** Followers drop proposals instead of forwarding them to the leader. */
  disableProposalForwarding?: boolean;
  /** Source of randomness in [0, 1) for election timeouts. Default: a PRNG seeded by id. */
  random?: () => number;
  logger?: RaftLogger;
}

/** A small, fast, seedable PRNG (mulberry32): the core must be reproducible without a clock. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type CampaignType = 'preElection' | 'election' | 'transfer';

/** Vote requests sent by a node told to take over leadership carry this context: they bypass leases. */
const CAMPAIGN_TRANSFER = new TextEncoder().encode('CampaignTransfer');

function isCampaignTransfer(ctx: Uint8Array | undefined): boolean {
  return ctx !== undefined && Buffer.from(ctx).equals(Buffer.from(CAMPAIGN_TRANSFER));
}

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  readStates: ReadState[] = [];
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  state: StateRole = 'follower';
  /** Is this node a learner in the current configuration? Learners never campaign or vote. */
  isLearner = false;
  msgs: Message[] = [];
  lead: NodeId = NONE;
  /** The member leadership is being handed to, while a transfer is in progress. */
  leadTransferee: NodeId = NONE;
  /**
   * Index of the last conf change proposed by this leader (or its last index when it took over).
   * A new conf change may be proposed only once the log is applied past it.
   */
  pendingConfIndex = 0;
  /** Bytes of uncommitted entries this leader appended, for the proposal size limit. */
  uncommittedSize = 0;
  readOnly = new ReadOnly();
  /** Ticks since the last election timeout reset (followers: since the leader was last heard). */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  randomizedElectionTimeout = 0;
  readonly disableProposalForwarding: boolean;
  /** ReadIndex requests that arrived before this leader committed an entry of its own term. */
  pendingReadIndexMessages: Message[] = [];
  private readonly maxMsgSize: number;
  private readonly maxUncommittedSize: number;
  private readonly random: () => number;
  readonly logger: RaftLogger;

  constructor(c: RaftConfig) {
    validateConfig(c);
    this.id = c.id;
    this.logger = c.logger ?? silentLogger;
    this.raftLog = new RaftLog(c.storage, c.maxCommittedSizePerReady ?? Number.POSITIVE_INFINITY);
    this.maxMsgSize = c.maxSizePerMsg ?? 1024 * 1024;
    this.maxUncommittedSize = c.maxUncommittedEntriesSize ?? Number.POSITIVE_INFINITY;
    this.trk = new ProgressTracker(c.maxInflightMsgs ?? 256);
    this.electionTimeout = c.electionTick;
    this.heartbeatTimeout = c.heartbeatTick;
    this.checkQuorum = c.checkQuorum ?? false;
    this.preVote = c.preVote ?? false;
    this.disableProposalForwarding = c.disableProposalForwarding ?? false;
    this.random = c.random ?? seededRandom(c.id);

    const { hardState, confState } = c.storage.initialState();
    const restored = restoreConfig(confState, this.raftLog.lastIndex(), this.trk.maxInflight);
    this.switchToConfig(restored.config, restored.progress);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (c.applied !== undefined && c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
    this.logger.info(
      `newRaft ${this.id} [${configToString(this.trk.config)}] term: ${this.term}, commit: ${this.raftLog.committed}, ` +
        `applied: ${this.raftLog.applied}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}`,
    );
  }

  // ---- state views ----

  softState(): SoftState {
    return { lead: this.lead, role: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  hasLeader(): boolean {
    return this.lead !== NONE;
  }

  /** May this node campaign? Only a voter of the current configuration without a pending snapshot. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.unstable.snapshot;
  }

  // ---- sending ----

  /** Queue a message; fills in `from` and, for all but proposals and reads, the current term. */
  private send(m: Message): void {
    if (m.from === NONE) m.from = this.id;
    if (m.type === 'MsgVote' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVote' || m.type === 'MsgPreVoteResp') {
      // Votes carry their own term: a pre-vote asks for term+1 without having moved to it.
      if (m.term === 0) throw new Error(`term should be set when sending ${m.type}`);
    } else {
      if (m.term !== 0) throw new Error(`term should not be set when sending ${m.type} (was ${m.term})`);
      // Proposals and read requests forwarded to the leader are local to it: they carry no term.
      if (m.type !== 'MsgProp' && m.type !== 'MsgReadIndex') m.term = this.term;
    }
    this.msgs.push(m);
  }

  /** Send entries (or the commit index) to a follower if its flow control allows. */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    let prevTerm: number;
    let ents: Entry[];
    try {
      prevTerm = this.raftLog.term(prevIndex);
      // A replicate-state follower whose window is full gets an empty append only (a heartbeat
      // response unpauses it): if every append in flight was lost, this probe's answer is what
      // frees the window, and adding entries to a full window would overflow it.
      ents = pr.state === 'replicate' && pr.inflights.full() ? [] : this.raftLog.entriesFrom(pr.next, this.maxMsgSize);
    } catch (e) {
      if (e instanceof CompactedError || e instanceof UnavailableError) {
        // The entries this follower needs are gone from our log: it needs the snapshot.
        return this.sendSnapshot(to, pr);
      }
      throw e;
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    this.send(message({ type: 'MsgApp', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: this.raftLog.committed }));
    pr.sentEntries(ents.length);
    return true;
  }

  private sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  private sendSnapshot(to: NodeId, pr: Progress): boolean {
    if (!pr.recentActive) {
      this.logger.debug(`${this.id} ignored sending snapshot to ${to} since it is not recently active`);
      return false;
    }
    const snapshot = this.raftLog.snapshot();
    if (isEmptySnapshot(snapshot)) throw new Error('need non-empty snapshot');
    const { index, term } = snapshot.metadata;
    this.logger.info(`${this.id} [firstindex: ${this.raftLog.firstIndex()}, commit: ${this.raftLog.committed}] sent snapshot[index: ${index}, term: ${term}] to ${to} [${pr}]`);
    pr.becomeSnapshot(index);
    this.send(message({ type: 'MsgSnap', to, snapshot }));
    return true;
  }

  private sendHeartbeat(to: NodeId, ctx: Uint8Array | undefined): void {
    // Never tell a follower to commit past what it is known to hold: it may not have it.
    const pr = this.trk.progress.get(to)!;
    const commit = Math.min(pr.match, this.raftLog.committed);
    const m = message({ type: 'MsgHeartbeat', to, commit });
    if (ctx) m.context = ctx;
    this.send(m);
  }

  private bcastAppend(): void {
    this.trk.visit((id) => {
      if (id !== this.id) this.sendAppend(id);
    });
  }

  private bcastHeartbeat(ctx?: Uint8Array): void {
    const c = ctx ?? this.readOnly.lastPendingRequestCtx();
    this.trk.visit((id) => {
      if (id !== this.id) this.sendHeartbeat(id, c);
    });
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send(message({ type: 'MsgTimeoutNow', to }));
  }

  // ---- commit and apply ----

  /** Advance commit to what a quorum holds, under the current-term rule. */
  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term);
  }

  /** The host applied through `index` (called from RawNode.advance). */
  appliedTo(index: number, appliedSize: number): void {
    const oldApplied = this.raftLog.applied;
    const newApplied = Math.max(index, oldApplied);
    this.raftLog.appliedTo(newApplied);
    this.reduceUncommittedSize(appliedSize);
    if (this.trk.config.autoLeave && newApplied >= this.pendingConfIndex && this.state === 'leader') {
      // The joint configuration is applied and should be left on its own: propose the empty
      // change. It can only be refused during a leadership transfer; then we retry on the next
      // advance, or the next leader does it.
      try {
        this.step(message({ type: 'MsgProp', from: this.id, entries: [{ term: 0, index: 0, type: 'confChange', data: new Uint8Array() }] }));
        this.logger.info(`${this.id} initiating automatic transition out of joint configuration ${configToString(this.trk.config)}`);
      } catch (e) {
        if (!(e instanceof ProposalDroppedError)) throw e;
        this.logger.debug(`${this.id} not initiating automatic transition out of joint configuration: ${e.message}`);
      }
    }
  }

  appliedSnapshot(snap: Snapshot): void {
    this.appliedTo(snap.metadata.index, 0);
  }

  /** Append entries as leader. Returns false when the uncommitted size limit refuses them. */
  private appendEntry(es: Entry[]): boolean {
    let li = this.raftLog.lastIndex();
    for (let i = 0; i < es.length; i++) {
      es[i]!.term = this.term;
      es[i]!.index = li + 1 + i;
    }
    if (!this.increaseUncommittedSize(es)) {
      this.logger.warn(`${this.id} appending new entries to log would exceed uncommitted entry size limit; dropping proposal`);
      return false;
    }
    li = this.raftLog.append(es);
    // The leader holds its own entries as soon as they are appended: persisting them happens
    // before anything that depends on them leaves this node (the Ready contract).
    this.trk.progress.get(this.id)?.maybeUpdate(li);
    this.maybeCommit();
    return true;
  }

  private increaseUncommittedSize(ents: readonly Entry[]): boolean {
    const s = payloadSize(ents);
    if (this.uncommittedSize > 0 && s > 0 && this.uncommittedSize + s > this.maxUncommittedSize) return false;
    this.uncommittedSize += s;
    return true;
  }

  private reduceUncommittedSize(s: number): void {
    this.uncommittedSize = s > this.uncommittedSize ? 0 : this.uncommittedSize - s;
  }

  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.termOrZero(this.raftLog.committed) === this.term;
  }

  // ---- ticks ----

  tick(): void {
    if (this.state === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(message({ type: 'MsgHup', from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(message({ type: 'MsgCheckQuorum', from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === 'leader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== 'leader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(message({ type: 'MsgBeat', from: this.id }));
    }
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
  }

  // ---- role changes ----

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    this.trk.visit((id, pr) => {
      pr.match = id === this.id ? last : 0;
      pr.next = last + 1;
      pr.state = 'probe';
      pr.pendingSnapshot = 0;
      pr.msgAppFlowPaused = false;
      pr.inflights.reset();
      // Everyone must prove itself alive to the new term's leader (check-quorum, snapshots).
      pr.recentActive = id === this.id;
    });
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly();
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = 'follower';
    this.pendingReadIndexMessages = [];
    this.logger.info(`${this.id} became follower at term ${this.term}`);
  }

  becomeCandidate(): void {
    if (this.state === 'leader') throw new Error('invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = 'candidate';
    this.logger.info(`${this.id} became candidate at term ${this.term}`);
  }

  becomePreCandidate(): void {
    if (this.state === 'leader') throw new Error('invalid transition [leader -> pre-candidate]');
    // A pre-candidate changes neither its term nor its vote: that is the whole point.
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = 'preCandidate';
    this.logger.info(`${this.id} became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    if (this.state === 'follower') throw new Error('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'leader';
    this.trk.progress.get(this.id)?.becomeReplicate();
    // Any conf change in the log may still be unapplied; conservatively treat one as pending.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The empty entry of the new term: committing it commits everything before it (§5.4.2) and
    // tells the leader its commit index is current (needed before serving ReadIndex).
    if (!this.appendEntry([{ term: 0, index: 0, type: 'normal', data: new Uint8Array() }])) {
      throw new Error('empty entry was dropped');
    }
    // The empty entry does not count against the uncommitted size limit.
    this.uncommittedSize = 0;
    this.logger.info(`${this.id} became leader at term ${this.term}`);
  }

  private hup(t: CampaignType): void {
    if (this.state === 'leader') {
      this.logger.debug(`${this.id} ignoring MsgHup because already leader`);
      return;
    }
    if (!this.promotable()) {
      this.logger.warn(`${this.id} is unpromotable and can not campaign`);
      return;
    }
    // A conf change committed but not yet applied may change who may vote: wait for it.
    if (this.raftLog.committed > this.raftLog.applied) {
      const pending = this.raftLog
        .slice(this.raftLog.applied + 1, this.raftLog.committed + 1, Number.POSITIVE_INFINITY)
        .some((e) => e.type === 'confChange');
      if (pending) {
        this.logger.warn(`${this.id} cannot campaign at term ${this.term} since there are still pending configuration changes to apply`);
        return;
      }
    }
    this.logger.info(`${this.id} is starting a new election at term ${this.term}`);
    this.campaign(t);
  }

  private campaign(t: CampaignType): void {
    if (!this.promotable()) {
      this.logger.warn(`${this.id} is unpromotable; campaign() should have been called`);
    }
    let term: number;
    let voteMsg: MessageType;
    if (t === 'preElection') {
      this.becomePreCandidate();
      voteMsg = 'MsgPreVote';
      // A pre-vote asks "would you vote for me in the next term?" without moving there.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = 'MsgVote';
      term = this.term;
    }
    if (this.poll(this.id, voteResponseType(voteMsg), true) === 'won') {
      // Won by our own vote alone: a single-voter configuration.
      if (t === 'preElection') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    for (const id of this.trk.voterIds()) {
      if (id === this.id) continue;
      this.logger.info(
        `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}] sent ${voteMsg} request to ${id} at term ${this.term}`,
      );
      const m = message({ type: voteMsg, to: id, term, index: this.raftLog.lastIndex(), logTerm: this.raftLog.lastTerm() });
      if (t === 'transfer') m.context = CAMPAIGN_TRANSFER;
      this.send(m);
    }
  }

  private poll(id: NodeId, t: MessageType, granted: boolean): 'won' | 'lost' | 'pending' {
    this.logger.debug(`${this.id} received ${t} ${granted ? '' : 'rejection '}from ${id} at term ${this.term}`);
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes().result;
  }

  // ---- the entry point for every message ----

  /**
   * Feed one message into the state machine. Proposals that cannot be taken throw
   * ProposalDroppedError; everything else is absorbed (stale or irrelevant messages are ignored).
   */
  step(m: Message): void {
    if (m.term === 0) {
      // Local message (or a forwarded proposal / read request): no term rules apply.
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = isCampaignTransfer(m.context);
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) {
          // We heard from a leader within the minimum election timeout: it is alive, so a
          // candidate that wants a higher term is probably partitioned. Ignore it, and do not
          // move to its term: that is what keeps a rejoining node from disrupting the cluster.
          this.logger.info(
            `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${this.vote}] ignored ${m.type} from ${m.from} ` +
              `[logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}: lease is not expired (remaining ticks: ${this.electionTimeout - this.electionElapsed})`,
          );
          return;
        }
      }
      if (m.type === 'MsgPreVote') {
        // Never change our term in response to a pre-vote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // A granted pre-vote carries the term we would campaign at; the real election moves
        // us there. A rejection with a higher term, however, means we are behind.
      } else {
        this.logger.info(`${this.id} [term: ${this.term}] received a ${m.type} message with higher term from ${m.from} [term: ${m.term}]`);
        if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') this.becomeFollower(m.term, m.from);
        else this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A leader of an old term, cut off for a while. With check-quorum or pre-vote our term
        // may never reach it through a vote, so answer with our term: it will step down.
        this.send(message({ type: 'MsgAppResp', to: m.from }));
      } else if (m.type === 'MsgPreVote') {
        // Reject with our (higher) term so the pre-candidate catches up instead of waiting.
        this.logger.info(`${this.id} [term: ${this.term}] rejected ${m.type} from ${m.from} [term: ${m.term}]`);
        this.send(message({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true }));
      } else {
        this.logger.debug(`${this.id} [term: ${this.term}] ignored a ${m.type} message with lower term from ${m.from} [term: ${m.term}]`);
      }
      return;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.preVote ? 'preElection' : 'election');
        return;
      case 'MsgVote':
      case 'MsgPreVote': {
        // We can vote for the one we already voted for in this term (a retransmission), or for
        // anyone if we have neither voted nor heard from a leader in this term. Pre-votes for a
        // future term are granted whenever the log check passes.
        const canVote =
          this.vote === m.from || (this.vote === NONE && this.lead === NONE) || (m.type === 'MsgPreVote' && m.term > this.term);
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          this.logger.info(`${this.id} cast ${m.type} for ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`);
          // The response carries the request's term: for a pre-vote that is our term + 1.
          this.send(message({ type: voteResponseType(m.type), to: m.from, term: m.term }));
          if (m.type === 'MsgVote') {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.logger.info(`${this.id} rejected ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`);
          this.send(message({ type: voteResponseType(m.type), to: m.from, term: this.term, reject: true }));
        }
        return;
      }
      default:
        switch (this.state) {
          case 'leader':
            this.stepLeader(m);
            return;
          case 'candidate':
          case 'preCandidate':
            this.stepCandidate(m);
            return;
          case 'follower':
            this.stepFollower(m);
            return;
        }
    }
  }

  private stepLeader(m: Message): void {
    // Messages that do not need a particular follower's progress.
    switch (m.type) {
      case 'MsgBeat':
        this.bcastHeartbeat();
        return;
      case 'MsgCheckQuorum':
        if (!this.trk.quorumActive(this.id)) {
          this.logger.warn(`${this.id} stepped down to follower since quorum is not active`);
          this.becomeFollower(this.term, NONE);
        }
        // Everyone (but us) must prove itself alive again before the next check.
        this.trk.visit((id, pr) => {
          if (id !== this.id) pr.recentActive = false;
        });
        return;
      case 'MsgProp':
        this.leaderPropose(m);
        return;
      case 'MsgReadIndex':
        if (this.trk.isSingleton()) {
          this.respondToReadIndex(m, this.raftLog.committed);
          return;
        }
        // Our commit index is only known to be current once an entry of our term committed.
        if (!this.committedEntryInCurrentTerm()) {
          this.pendingReadIndexMessages.push(m);
          return;
        }
        this.startReadIndexRound(m);
        return;
      default:
        break;
    }

    const pr = this.trk.progress.get(m.from);
    if (!pr) {
      this.logger.debug(`${this.id} no progress available for ${m.from}`);
      return;
    }
    switch (m.type) {
      case 'MsgAppResp':
        this.handleAppendResponse(m, pr);
        return;
      case 'MsgHeartbeatResp': {
        pr.recentActive = true;
        pr.msgAppFlowPaused = false;
        // The heartbeat round trip is how a stalled probe resumes.
        if (pr.match < this.raftLog.lastIndex() || pr.state === 'probe') this.sendAppend(m.from);
        if (!m.context || m.context.length === 0) return;
        const acks = this.readOnly.recvAck(m.from, m.context);
        if (!acks) return;
        if (jointVote(this.trk.config.voters, acks) !== 'won') return;
        for (const rs of this.readOnly.advance(m.context)) this.respondToReadIndex(rs.req, rs.index);
        return;
      }
      case 'MsgSnapStatus':
        if (pr.state !== 'snapshot') return;
        if (m.reject) {
          this.logger.debug(`${this.id} snapshot failed, resumed sending replication messages to ${m.from} [${pr}]`);
          pr.pendingSnapshot = 0;
        } else {
          this.logger.debug(`${this.id} snapshot succeeded, resumed sending replication messages to ${m.from} [${pr}]`);
        }
        // Either way, probe again; wait for the follower's answer (or a heartbeat) first.
        pr.becomeProbe();
        pr.msgAppFlowPaused = true;
        return;
      case 'MsgUnreachable':
        // Appends in flight to an unreachable node are probably lost: stop streaming, probe.
        if (pr.state === 'replicate') pr.becomeProbe();
        this.logger.debug(`${this.id} failed to send message to ${m.from} because it is unreachable [${pr}]`);
        return;
      case 'MsgTransferLeader': {
        if (pr.isLearner) {
          this.logger.debug(`${this.id} is learner. Ignored transferring leadership`);
          return;
        }
        const transferee = m.from;
        if (this.leadTransferee !== NONE) {
          if (this.leadTransferee === transferee) {
            this.logger.info(`${this.id} [term ${this.term}] transfer leadership to ${transferee} is in progress, ignores request to same node`);
            return;
          }
          this.abortLeaderTransfer();
        }
        if (transferee === this.id) {
          this.logger.debug(`${this.id} is already leader. Ignored transferring leadership to self`);
          return;
        }
        this.logger.info(`${this.id} [term ${this.term}] starts to transfer leadership to ${transferee}`);
        // The transfer must finish within one election timeout.
        this.electionElapsed = 0;
        this.leadTransferee = transferee;
        if (pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(transferee);
        else this.sendAppend(transferee);
        return;
      }
      default:
        return;
    }
  }

  private leaderPropose(m: Message): void {
    if (m.entries.length === 0) throw new Error(`${this.id} stepped empty MsgProp`);
    if (!this.trk.progress.has(this.id)) {
      // Removed from the configuration while still leading: do not take new work.
      throw new ProposalDroppedError('this node is not a member of the configuration');
    }
    if (this.leadTransferee !== NONE) {
      throw new ProposalDroppedError(`leadership is being transferred to ${this.leadTransferee}`);
    }
    for (let i = 0; i < m.entries.length; i++) {
      const e = m.entries[i]!;
      if (e.type !== 'confChange') continue;
      const cc = decodeConfChange(e.data);
      const alreadyPending = this.pendingConfIndex > this.raftLog.applied;
      const alreadyJoint = this.trk.config.voters.outgoing.size > 0;
      const wantsLeaveJoint = isLeaveJoint(cc);
      let refused = '';
      if (alreadyPending) {
        refused = `possible unapplied conf change at index ${this.pendingConfIndex} (applied to ${this.raftLog.applied})`;
      } else if (alreadyJoint && !wantsLeaveJoint) {
        refused = 'must transition out of joint config first';
      } else if (!alreadyJoint && wantsLeaveJoint) {
        refused = 'not in joint state; refusing empty conf change';
      }
      if (refused) {
        // Keep the entry's slot (other entries of the batch stay valid) but make it a no-op.
        this.logger.info(`${this.id} ignoring conf change at config ${configToString(this.trk.config)}: ${refused}`);
        m.entries[i] = { term: 0, index: 0, type: 'normal', data: new Uint8Array() };
      } else {
        this.pendingConfIndex = this.raftLog.lastIndex() + i + 1;
      }
    }
    if (!this.appendEntry(m.entries)) throw new ProposalDroppedError('uncommitted entries exceed the size limit');
    this.bcastAppend();
  }

  private handleAppendResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    if (m.reject) {
      // The follower's log does not match at m.index. Its hint (rejectHint, logTerm) says where
      // its log might match; skip back past every entry of a mismatching term at once.
      this.logger.debug(`${this.id} received MsgAppResp(rejected, hint: (index ${m.rejectHint}, term ${m.logTerm})) from ${m.from} for index ${m.index}`);
      let nextProbeIdx = m.rejectHint;
      if (m.logTerm > 0) nextProbeIdx = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0];
      if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
        this.logger.debug(`${this.id} decreased progress of ${m.from} to [${pr}]`);
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    if (pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'probe')) {
      if (pr.state === 'probe') {
        pr.becomeReplicate();
      } else if (pr.state === 'snapshot' && pr.match + 1 >= this.raftLog.firstIndex()) {
        // The follower caught up far enough to be fed from the log again, whatever snapshot it applied.
        this.logger.debug(`${this.id} recovered from needing snapshot, resumed sending replication messages to ${m.from} [${pr}]`);
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.state === 'replicate') {
        pr.inflights.freeLE(m.index);
      }
      if (this.maybeCommit()) {
        // The commit index moved in our term: pending reads may proceed, and everyone should
        // learn the new commit index.
        this.releasePendingReadIndexMessages();
        this.bcastAppend();
      }
      // Flow control may have opened: send as much as the window allows (without empty appends).
      if (m.from !== this.id) {
        while (this.maybeSendAppend(m.from, false)) {
          /* keep filling the window */
        }
      }
      if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
        this.logger.info(`${this.id} sent MsgTimeoutNow to ${m.from} after received MsgAppResp`);
        this.sendTimeoutNow(m.from);
      }
    }
  }

  private stepCandidate(m: Message): void {
    const myVoteResp: MessageType = this.state === 'preCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    switch (m.type) {
      case 'MsgProp':
        throw new ProposalDroppedError('no leader (election in progress)');
      case 'MsgApp':
        // Someone won this term: follow it.
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case 'MsgTimeoutNow':
        this.logger.debug(`${this.id} [term ${this.term} state ${this.state}] ignored MsgTimeoutNow from ${m.from}`);
        return;
      case 'MsgReadIndex':
        throw new ProposalDroppedError('no leader (election in progress) to serve the read index');
      default:
        if (m.type !== myVoteResp) return;
        {
          const res = this.poll(m.from, m.type, !m.reject);
          if (res === 'won') {
            if (this.state === 'preCandidate') {
              this.campaign('election');
            } else {
              this.becomeLeader();
              this.bcastAppend();
            }
          } else if (res === 'lost') {
            // A pre-candidate that lost goes back to following at the same term.
            this.becomeFollower(this.term, NONE);
          }
        }
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === NONE) throw new ProposalDroppedError('no leader');
        if (this.disableProposalForwarding) throw new ProposalDroppedError('proposal forwarding is disabled');
        // Forwarded proposals may be lost in transit: the host tracks its own requests and retries.
        this.send({ ...m, to: this.lead });
        return;
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'MsgTransferLeader':
        if (this.lead === NONE) {
          this.logger.info(`${this.id} no leader at term ${this.term}; dropping leader transfer msg`);
          return;
        }
        this.send({ ...m, to: this.lead });
        return;
      case 'MsgTimeoutNow':
        // The leader picked us and made sure our log is current: campaign now, skipping pre-vote.
        this.logger.info(`${this.id} [term ${this.term}] received MsgTimeoutNow from ${m.from} and starts an election to get leadership`);
        this.hup('transfer');
        return;
      case 'MsgReadIndex':
        if (this.lead === NONE) throw new ProposalDroppedError('no leader to serve the read index');
        this.send({ ...m, to: this.lead });
        return;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, requestCtx: m.context ?? new Uint8Array() });
        return;
      default:
        return;
    }
  }

  // ---- follower-side handlers ----

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      // Entirely old news: tell the leader how far we are committed.
      this.send(message({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed }));
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send(message({ type: 'MsgAppResp', to: m.from, index: lastNew }));
      return;
    }
    // Our log does not match at m.index. Give the leader a hint: the last index at or below
    // m.index whose term is <= m.logTerm; every entry after it is certainly wrong or missing.
    const [hintIndex, hintTerm] = this.raftLog.findConflictByTerm(Math.min(m.index, this.raftLog.lastIndex()), m.logTerm);
    this.logger.debug(
      `${this.id} [logterm: ${this.raftLog.termOrZero(m.index)}, index: ${m.index}] rejected MsgApp [logterm: ${m.logTerm}, index: ${m.index}] from ${m.from}`,
    );
    this.send(message({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHint: hintIndex, logTerm: hintTerm }));
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    const resp = message({ type: 'MsgHeartbeatResp', to: m.from });
    if (m.context) resp.context = m.context;
    this.send(resp);
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (!s) return;
    const { index, term } = s.metadata;
    if (this.restore(s)) {
      this.logger.info(`${this.id} [commit: ${this.raftLog.committed}] restored snapshot [index: ${index}, term: ${term}]`);
      this.send(message({ type: 'MsgAppResp', to: m.from, index: this.raftLog.lastIndex() }));
    } else {
      this.logger.info(`${this.id} [commit: ${this.raftLog.committed}] ignored snapshot [index: ${index}, term: ${term}]`);
      this.send(message({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed }));
    }
  }

  /** Replace our log and configuration with a snapshot. Returns false when it is not needed. */
  restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.state !== 'follower') {
      // Only a follower of the sender's term should receive a snapshot; anything else is a bug
      // in the sender. Be defensive: move to a new term and refuse.
      this.logger.warn(`${this.id} attempted to restore snapshot as leader; should never happen`);
      this.becomeFollower(this.term + 1, NONE);
      return false;
    }
    const cs = s.metadata.confState;
    const member = [...cs.voters, ...cs.learners, ...cs.votersOutgoing].includes(this.id);
    if (!member) {
      // A snapshot from a configuration we are not in: most likely a stale leader; refuse.
      this.logger.warn(`${this.id} attempted to restore snapshot but it is not in the ConfState; should never happen`);
      return false;
    }
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We already hold the snapshot's last entry: just move commit forward.
      this.logger.info(`${this.id} fast-forwarded commit to snapshot [index: ${s.metadata.index}, term: ${s.metadata.term}]`);
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    this.raftLog.restore(s);
    const restored = restoreConfig(cs, this.raftLog.lastIndex(), this.trk.maxInflight);
    this.switchToConfig(restored.config, restored.progress);
    return true;
  }

  // ---- reads ----

  private startReadIndexRound(m: Message): void {
    this.readOnly.addRequest(this.raftLog.committed, m);
    // The leader acknowledges its own round; a quorum of heartbeat acks completes it.
    this.readOnly.recvAck(this.id, m.context);
    this.bcastHeartbeat(m.context);
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0) return;
    if (!this.committedEntryInCurrentTerm()) return;
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) this.startReadIndexRound(m);
  }

  private respondToReadIndex(req: Message, readIndex: number): void {
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index: readIndex, requestCtx: req.context ?? new Uint8Array() });
      return;
    }
    const resp = message({ type: 'MsgReadIndexResp', to: req.from, index: readIndex });
    if (req.context) resp.context = req.context;
    this.send(resp);
  }

  // ---- leadership transfer ----

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ---- membership ----

  /** Apply a committed conf change; returns the configuration now in force. */
  applyConfChange(cc: ConfChange): ConfState {
    const changer = new Changer(
      { config: this.trk.config, progress: this.trk.progress, maxInflight: this.trk.maxInflight },
      this.raftLog.lastIndex(),
    );
    let result;
    if (isLeaveJoint(cc)) {
      result = changer.leaveJoint();
    } else {
      const { joint, autoLeave } = entersJoint(cc);
      result = joint ? changer.enterJoint(autoLeave, cc.changes) : changer.simple(cc.changes);
    }
    return this.switchToConfig(result.config, result.progress);
  }

  private switchToConfig(config: ProgressTracker['config'], progress: ProgressTracker['progress']): ConfState {
    this.trk.config = config;
    this.trk.progress = progress;
    this.logger.info(`${this.id} switched to configuration ${configToString(config)}`);
    const cs = this.trk.confState();
    const pr = progress.get(this.id);
    this.isLearner = pr?.isLearner ?? false;

    if ((pr === undefined || this.isLearner) && this.state === 'leader') {
      // A leader removed from the voters (or demoted) steps down: it must not keep leading a
      // group that will not count it, and its followers campaign without it at once.
      this.becomeFollower(this.term, NONE);
      return cs;
    }
    if (this.state !== 'leader' || cs.voters.length === 0) return cs;

    // The quorum changed: commit may advance now, and new members need their first append.
    if (this.maybeCommit()) {
      this.bcastAppend();
    } else {
      this.trk.visit((id) => {
        if (id !== this.id) this.maybeSendAppend(id, false);
      });
    }
    if (this.leadTransferee !== NONE && !this.trk.isVoter(this.leadTransferee)) this.abortLeaderTransfer();
    return cs;
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new Error(`${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`);
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }
}

/** Bytes of entry payload, as counted by the uncommitted-size limit. */
export function payloadSize(ents: readonly Entry[]): number {
  let n = 0;
  for (const e of ents) n += e.data.length;
  return n;
}

function validateConfig(c: RaftConfig): void {
  if (!Number.isSafeInteger(c.id) || c.id <= 0) throw new Error('cannot use none as id');
  if (c.heartbeatTick <= 0) throw new Error('heartbeat tick must be greater than 0');
  if (c.electionTick <= c.heartbeatTick) throw new Error('election tick must be greater than heartbeat tick');
  if ((c.maxInflightMsgs ?? 256) <= 0) throw new Error('max inflight messages must be greater than 0');
}
