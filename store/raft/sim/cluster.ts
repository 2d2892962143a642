// A simulated cluster: TestMembers, the simulated network between them, and the host behaviour
// around each core (the Ready loop, message sending, snapshot and unreachable reports, crashes).
// It offers one primitive per thing that can happen (tick, deliver, propose, crash, ...); the
// random driver and the scripted scenarios are both built from these primitives.
//
// After every input to a core, settle() runs that member's Ready loop the way a real host does
// and hands what it saw (log writes, role, commit index, applied entries, installed snapshots) to
// the SafetyChecker, so a violation is reported at the input that caused it.

import type { RaftLog } from '../log.js';
import { decodeConfChange } from '../confchange-codec.js';
import { seededRandom } from '../raft.js';
import { TestMember, fromUtf8, utf8, type AppliedEntry, type MemberOptions } from '../testing/member.js';
import {
  ProposalDroppedError,
  type ConfChange,
  type ConfState,
  type Entry,
  type Message,
  type NodeId,
  type Snapshot,
  type StateRole,
} from '../types.js';
import { SafetyChecker, SafetyViolation, type LogView } from './checkers.js';
import { SimNetwork, calmNetwork, type Envelope, type NetworkParams } from './network.js';
import { Rng, deriveSeed } from './prng.js';
import { describeConf, describeConfChange, describeMessage } from './trace.js';

/** up: running; down: crashed (its disk survives); stopped: removed from the group, gone for good. */
export type MemberStatus = 'up' | 'down' | 'stopped';

export interface SimMember {
  readonly id: NodeId;
  readonly tm: TestMember;
  status: MemberStatus;
  /** Bumped on every crash: reports owed by an earlier incarnation's host are lost with it. */
  incarnation: number;
  /** A live view of the member's log (follows the core across restarts). */
  readonly log: LogView;
}

export interface ClusterOptions {
  seed: number;
  /** Founding members (bootstrapped with this peer list). */
  ids: readonly NodeId[];
  raft: MemberOptions;
  network?: NetworkParams;
  /** Tell the sender's core when a message could not reach a peer (partition, peer down). */
  reportUnreachable?: boolean;
  /**
   * How the host makes sure a member added after the last snapshot can join (a snapshot that
   * predates its addition does not list it, and it must refuse it):
   *  - fresh: every MsgSnap carries a snapshot of the sender's current state instead of the
   *    stored one (etcd's server does this);
   *  - afterAdd: every member takes a snapshot right after applying a change that adds a member
   *    (this project's store server does this; store/server/member.ts), MsgSnap as the core made it;
   *  - stored: neither (only to show that a newcomer then never joins).
   * Default fresh.
   */
  snapshotPolicy?: SnapshotPolicy;
  /** Run a full audit (every log from its start, every leader) every this many steps. Default 100. */
  auditEvery?: number;
  /** Called on every new core instance (creation and each restart): mutation tests patch it here. */
  onNode?: (tm: TestMember) => void;
  /** Receives trace lines when set. */
  trace?: (line: string) => void;
  /** The checker to feed (default: a fresh one enforcing everything). */
  checker?: SafetyChecker;
}

export type SnapshotPolicy = { kind: 'fresh' } | { kind: 'afterAdd'; keep: number } | { kind: 'stored' };

export type ProposalStatus = 'pending' | 'dropped' | 'acknowledged';

/** Host-side reports owed to a core once the fate of a send is known. */
interface Report {
  to: NodeId;
  incarnation: number;
  kind: 'snapFinish' | 'snapFailure' | 'unreachable';
  peer: NodeId;
}

export interface ClusterStats {
  steps: number;
  ticks: number;
  delivered: number;
  dropped: number;
  lost: number;
  duplicated: number;
  snapshotsSent: number;
  snapshotsInstalled: number;
  snapshotsTaken: number;
  /** MsgSnaps whose stored snapshot the host replaced by a current one. */
  snapshotsFreshened: number;
  crashes: number;
  restarts: number;
  proposals: number;
  proposalsDropped: number;
  acknowledged: number;
  confChangesApplied: number;
  removed: number;
}

export function logViewOf(get: () => RaftLog): LogView {
  return {
    firstIndex: () => get().firstIndex(),
    lastIndex: () => get().lastIndex(),
    termAt: (i) => {
      const l = get();
      if (i < l.firstIndex() - 1 || i > l.lastIndex()) return undefined;
      return l.term(i);
    },
    entries: (lo, hi) => get().slice(lo, hi, Number.POSITIVE_INFINITY),
  };
}

export function confMembers(cs: ConfState): Set<NodeId> {
  return new Set([...cs.voters, ...cs.learners, ...cs.votersOutgoing, ...cs.learnersNext]);
}

export class SimCluster {
  /** Sim time, in steps: message delays are measured in it. */
  now = 0;
  readonly seed: number;
  readonly net: SimNetwork;
  readonly checker: SafetyChecker;
  readonly members = new Map<NodeId, SimMember>();
  readonly proposals = new Map<string, { status: ProposalStatus; index?: number }>();
  /** The configuration of the highest-index conf change (or snapshot) applied anywhere. */
  conf: ConfState;
  confIndex: number;
  readonly stats: ClusterStats = {
    steps: 0,
    ticks: 0,
    delivered: 0,
    dropped: 0,
    lost: 0,
    duplicated: 0,
    snapshotsSent: 0,
    snapshotsInstalled: 0,
    snapshotsTaken: 0,
    snapshotsFreshened: 0,
    crashes: 0,
    restarts: 0,
    proposals: 0,
    proposalsDropped: 0,
    acknowledged: 0,
    confChangesApplied: 0,
    removed: 0,
  };
  private readonly opts: ClusterOptions;
  /** The network's own random stream: a new step kind in a driver does not reshuffle every delay. */
  private readonly netRng: Rng;
  private readonly everInConf = new Set<NodeId>();
  private readonly reports: Report[] = [];
  private readonly lastRole = new Map<NodeId, string>();
  private readonly traceFn: ((line: string) => void) | undefined;

  constructor(opts: ClusterOptions) {
    this.opts = opts;
    this.seed = opts.seed;
    this.traceFn = opts.trace;
    this.checker = opts.checker ?? new SafetyChecker();
    this.netRng = new Rng(deriveSeed(opts.seed, 'network'));
    this.net = new SimNetwork(opts.network ?? calmNetwork);
    this.conf = { voters: [...opts.ids], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    this.confIndex = opts.ids.length; // bootstrap writes one conf change entry per founder
    for (const id of opts.ids) this.everInConf.add(id);
    for (const id of opts.ids) this.addMember(id, opts.ids);
    for (const id of opts.ids) this.settle(this.member(id));
    this.flushReports();
  }

  // ---- membership of the simulation ----

  /** Create a member: a founder (bootstrapped with `peers`) or, with no peers, a joiner with an empty disk. */
  addMember(id: NodeId, peers: readonly NodeId[] = []): SimMember {
    if (this.members.has(id)) throw new Error(`sim: member ${id} already exists`);
    const tm = new TestMember(id, { peers }, { ...this.opts.raft, random: seededRandom(deriveSeed(this.seed, `raft-${id}`)) });
    this.opts.onNode?.(tm);
    const m: SimMember = { id, tm, status: 'up', incarnation: 0, log: logViewOf(() => tm.node.raft.raftLog) };
    this.members.set(id, m);
    this.trace(() => `member ${id} created${peers.length > 0 ? ` (founder of ${peers.join(',')})` : ' (empty, joining)'}`);
    return m;
  }

  member(id: NodeId): SimMember {
    const m = this.members.get(id);
    if (!m) throw new Error(`sim: no member ${id}`);
    return m;
  }

  up(): SimMember[] {
    return [...this.members.values()].filter((m) => m.status === 'up');
  }

  down(): SimMember[] {
    return [...this.members.values()].filter((m) => m.status === 'down');
  }

  /** Members of the current configuration that are running. */
  liveInConf(): SimMember[] {
    const ids = confMembers(this.conf);
    return this.up().filter((m) => ids.has(m.id));
  }

  leaders(): SimMember[] {
    return this.up().filter((m) => m.tm.node.raft.state === 'leader');
  }

  /** The leader of the highest term among the running members, if there is one. */
  currentLeader(): SimMember | undefined {
    let best: SimMember | undefined;
    for (const m of this.leaders()) if (!best || m.tm.term() > best.tm.term()) best = m;
    return best;
  }

  // ---- primitives ----

  tick(id: NodeId): void {
    const m = this.member(id);
    if (m.status !== 'up') return;
    this.stats.ticks++;
    m.tm.node.tick();
    this.settle(m);
    this.flushReports();
  }

  tickAll(): void {
    for (const m of this.up()) this.tick(m.id);
  }

  campaign(id: NodeId): void {
    const m = this.member(id);
    if (m.status !== 'up') return;
    this.trace(() => `campaign ${id}`);
    m.tm.node.campaign();
    this.settle(m);
    this.flushReports();
  }

  /** A client hands `payload` to member `id`. Returns false when the core refused it at once. */
  propose(id: NodeId, payload: string): boolean {
    const m = this.member(id);
    if (this.proposals.has(payload)) throw new Error(`sim: payload ${payload} proposed twice`);
    this.proposals.set(payload, { status: 'pending' });
    this.stats.proposals++;
    if (m.status !== 'up') {
      this.proposals.set(payload, { status: 'dropped' });
      this.stats.proposalsDropped++;
      return false;
    }
    let taken = true;
    try {
      m.tm.node.propose(utf8(payload));
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
      // A normal outcome (no leader, transfer in progress, ...): the client was told "no".
      this.proposals.set(payload, { status: 'dropped' });
      this.stats.proposalsDropped++;
      taken = false;
    }
    this.trace(() => `propose ${payload} to ${id}: ${taken ? 'taken' : 'dropped'}`);
    this.settle(m);
    this.flushReports();
    return taken;
  }

  proposeConfChange(id: NodeId, cc: ConfChange): boolean {
    const m = this.member(id);
    if (m.status !== 'up') return false;
    let taken = true;
    try {
      m.tm.node.proposeConfChange(cc);
    } catch (e) {
      if (!(e instanceof ProposalDroppedError)) throw e;
      taken = false;
    }
    this.trace(() => `propose conf change ${describeConfChange(cc)} to ${id}: ${taken ? 'taken' : 'dropped'}`);
    this.settle(m);
    this.flushReports();
    return taken;
  }

  transferLeadership(id: NodeId, to: NodeId): void {
    const m = this.member(id);
    if (m.status !== 'up') return;
    this.trace(() => `transfer leadership ${id} -> ${to}`);
    m.tm.node.transferLeadership(to);
    this.settle(m);
    this.flushReports();
  }

  /**
   * The member's process dies: volatile state is lost, the disk (MemoryStorage) survives. Each of
   * its messages still on the wire is lost with probability `unsentLoss`: those still in its send
   * buffers die with it (pass 0 for a crash that happens after everything was flushed).
   */
  crash(id: NodeId, unsentLoss = 0): void {
    const m = this.member(id);
    if (m.status !== 'up') return;
    m.status = 'down';
    m.incarnation++;
    this.stats.crashes++;
    this.checker.observeRole(id, 'follower', m.tm.term(), m.log);
    this.trace(() => `crash ${id}`);
    if (unsentLoss > 0) {
      const lost = this.net.takeWhere((e) => e.from === id && this.netRng.chance(unsentLoss));
      for (const env of lost) this.drop(env, 'died in the crashed sender', false);
    }
  }

  restart(id: NodeId): void {
    const m = this.member(id);
    if (m.status !== 'down') return;
    m.tm.restart();
    this.opts.onNode?.(m.tm);
    m.status = 'up';
    this.stats.restarts++;
    this.trace(() => `restart ${id} (term ${m.tm.term()}, commit ${m.tm.node.raft.raftLog.committed}, snapshot ${m.tm.storage.snapshot().metadata.index})`);
    this.settle(m);
    this.flushReports();
  }

  /** Removed from the group: the process is shut down and nothing reaches it or leaves it again. */
  stop(id: NodeId, why: string): void {
    const m = this.member(id);
    if (m.status === 'stopped') return;
    m.status = 'stopped';
    this.stats.removed++;
    this.checker.observeRole(id, 'follower', m.tm.term(), m.log);
    this.trace(() => `stop ${id}: ${why}`);
  }

  /** Snapshot the member's state machine and compact its log, keeping `keep` entries. */
  takeSnapshot(id: NodeId, keep: number): boolean {
    const m = this.member(id);
    if (m.status !== 'up') return false;
    const snapIndex = m.tm.storage.snapshot().metadata.index;
    if (m.tm.appliedIndex <= snapIndex) return false;
    const snap = m.tm.takeSnapshot(keep);
    this.stats.snapshotsTaken++;
    // The image must be the committed history: check it here, not only when a peer installs it.
    this.checker.observeSnapshot(id, snap.metadata.index, snap.metadata.term, m.tm.applied);
    this.trace(() => `snapshot ${id} at ${snap.metadata.index} (term ${snap.metadata.term}), log now from ${m.tm.storage.firstIndex()}`);
    return true;
  }

  /** Deliver up to `max` due messages, in random order. */
  deliverDue(max: number): number {
    const due = this.net.takeDue(this.now, this.netRng, max);
    for (const env of due) this.deliver(env);
    return due.length;
  }

  /** Let sim time pass, delivering everything due, until the network is empty (at most maxSteps). */
  flushNetwork(maxSteps: number): void {
    for (let i = 0; i < maxSteps && this.net.size() > 0; i++) {
      this.now++;
      this.deliverDue(Number.POSITIVE_INFINITY);
    }
  }

  /** Deliver (or drop) the messages matching pred, in send order: for scripted scenarios. */
  deliverWhere(pred: (e: Envelope) => boolean): number {
    const picked = this.net.takeWhere(pred);
    for (const env of picked) this.deliver(env);
    return picked.length;
  }

  dropWhere(pred: (e: Envelope) => boolean): number {
    const picked = this.net.takeWhere(pred);
    for (const env of picked) this.drop(env, 'dropped by script', false);
    return picked.length;
  }

  deliver(env: Envelope): void {
    const dst = this.members.get(env.to);
    const src = this.members.get(env.from);
    if (!dst || dst.status !== 'up') {
      this.drop(env, `${env.to} is ${dst ? dst.status : 'unknown'}`, true);
      return;
    }
    if (src?.status === 'stopped') {
      this.drop(env, `sender ${env.from} was removed`, false);
      return;
    }
    if (this.net.isBlocked(env.from, env.to)) {
      this.drop(env, 'partitioned', true);
      return;
    }
    this.stats.delivered++;
    if (env.msg.type === 'MsgSnap') this.stats.snapshotsSent++;
    this.trace(() => `deliver #${env.id} ${describeMessage(env.msg)}`);
    dst.tm.node.step(env.msg);
    this.settle(dst);
    // The snapshot went through: the sender's host tells its core so it resumes replication.
    if (env.reportsSnapshot) this.reports.push({ to: env.from, incarnation: env.fromIncarnation, kind: 'snapFinish', peer: env.to });
    this.flushReports();
  }

  private drop(env: Envelope, why: string, senderNotices: boolean): void {
    this.stats.dropped++;
    this.trace(() => `drop #${env.id} ${describeMessage(env.msg)}: ${why}`);
    // Without this report the leader would wait forever in snapshot state for this follower.
    if (env.reportsSnapshot) this.reports.push({ to: env.from, incarnation: env.fromIncarnation, kind: 'snapFailure', peer: env.to });
    if (senderNotices && this.opts.reportUnreachable) {
      this.reports.push({ to: env.from, incarnation: env.fromIncarnation, kind: 'unreachable', peer: env.to });
    }
    this.flushReports();
  }

  /** Run a full audit of every running member (logs from their start, leaders against every commit). */
  audit(): void {
    for (const m of this.up()) {
      const r = m.tm.node.raft;
      this.checker.audit(m.id, r.state, r.term, m.log);
    }
  }

  /** Called by drivers once per step: advances the clock and runs the periodic audit. */
  endStep(): void {
    this.now++;
    this.stats.steps++;
    const every = this.opts.auditEvery ?? 100;
    if (every > 0 && this.stats.steps % every === 0) this.audit();
  }

  // ---- the host loop ----

  /** Handle every Ready the member has (persist, send, apply, advance), then check what changed. */
  private settle(m: SimMember): void {
    let changedFrom = Number.POSITIVE_INFINITY;
    const applied: Entry[] = [];
    const snapshots: Snapshot[] = [];
    const out: Message[] = [];
    for (let rounds = 0; ; rounds++) {
      if (rounds > 1000) throw new Error(`sim: member ${m.id} keeps producing Readys`);
      const rd = m.tm.handleReady();
      if (!rd) break;
      if (rd.snapshot) {
        snapshots.push(rd.snapshot);
        changedFrom = Math.min(changedFrom, rd.snapshot.metadata.index + 1);
      }
      if (rd.entries.length > 0) changedFrom = Math.min(changedFrom, rd.entries[0]!.index);
      for (const e of rd.committedEntries) applied.push(e);
      for (const msg of rd.messages) out.push(msg);
    }
    this.observe(m, changedFrom, applied, snapshots);
    for (const msg of out) this.send(m, msg);
  }

  private observe(m: SimMember, changedFrom: number, applied: readonly Entry[], snapshots: readonly Snapshot[]): void {
    const r = m.tm.node.raft;
    const c = this.checker;
    if (changedFrom !== Number.POSITIVE_INFINITY) c.observeLog(m.id, changedFrom, m.log);
    const role: StateRole = r.state;
    if (this.traceFn && this.lastRole.get(m.id) !== `${role}@${r.term}`) {
      this.lastRole.set(m.id, `${role}@${r.term}`);
      this.trace(() => `member ${m.id} is ${role} at term ${r.term} (last ${r.raftLog.lastIndex()}, commit ${r.raftLog.committed})`);
    }
    c.observeRole(m.id, role, r.term, m.log);
    c.observeCommit(m.id, r.raftLog.committed, r.term, m.log);
    let confAt = 0;
    let added = false;
    for (const s of snapshots) {
      this.stats.snapshotsInstalled++;
      const state = JSON.parse(fromUtf8(s.data)) as AppliedEntry[];
      c.observeSnapshot(m.id, s.metadata.index, s.metadata.term, state);
      for (const a of state) this.acknowledge(a.data, a.index);
      confAt = Math.max(confAt, s.metadata.index);
      this.trace(() => `member ${m.id} installed snapshot at ${s.metadata.index} (term ${s.metadata.term})`);
    }
    for (const e of applied) {
      c.observeApply(m.id, e);
      if (e.type === 'confChange') {
        confAt = Math.max(confAt, e.index);
        added ||= decodeConfChange(e.data).changes.some((ch) => ch.type !== 'removeNode');
      } else if (e.data.length > 0) {
        this.acknowledge(fromUtf8(e.data), e.index);
      }
    }
    // The member's configuration now is the one as of confAt: if nobody applied a later one, it
    // is the cluster's configuration.
    if (confAt > this.confIndex) this.adoptConf(confAt, m.tm.confState, m.id, applied.some((e) => e.index === confAt));
    const policy = this.opts.snapshotPolicy;
    if (added && policy?.kind === 'afterAdd' && m.tm.storage.snapshot().metadata.index > 0) {
      this.trace(() => `host of ${m.id} snapshots after applying a member addition`);
      this.takeSnapshot(m.id, policy.keep);
    }
  }

  /** A payload reached a state machine: the client's proposal is acknowledged. */
  private acknowledge(payload: string, index: number): void {
    const p = this.proposals.get(payload);
    if (!p) throw new SafetyViolation('stateMachineSafety', `payload ${payload} was applied at ${index} but nobody proposed it`);
    if (p.status === 'acknowledged') return;
    if (p.status === 'dropped') {
      throw new SafetyViolation('stateMachineSafety', `payload ${payload} was applied at ${index} although the core refused its proposal`);
    }
    p.status = 'acknowledged';
    p.index = index;
    this.stats.acknowledged++;
  }

  private adoptConf(index: number, cs: ConfState, by: NodeId, isChange: boolean): void {
    this.confIndex = index;
    this.conf = { ...cs, voters: [...cs.voters], learners: [...cs.learners], votersOutgoing: [...cs.votersOutgoing], learnersNext: [...cs.learnersNext] };
    if (isChange) this.stats.confChangesApplied++;
    this.trace(() => `configuration at ${index} (applied by ${by}): ${describeConf(cs)}`);
    const inConf = confMembers(cs);
    for (const m of this.members.values()) {
      if (inConf.has(m.id)) {
        this.everInConf.add(m.id);
      } else if (this.everInConf.has(m.id) && m.status !== 'stopped') {
        // The group applied this member's removal: like etcd, its peers stop talking to it and
        // the process shuts down (otherwise its elections would disrupt the group forever).
        this.stop(m.id, `removed by the configuration at index ${index}`);
      }
    }
  }

  private send(from: SimMember, msg: Message): void {
    if (msg.type === 'MsgSnap') msg = this.freshenSnapshot(from, msg);
    const outcome = this.net.send(msg, from.incarnation, this.now, this.netRng);
    if (outcome.kind === 'lost') {
      this.stats.lost++;
      this.trace(() => `lose ${describeMessage(msg)}`);
      if (msg.type === 'MsgSnap') this.reports.push({ to: from.id, incarnation: from.incarnation, kind: 'snapFailure', peer: msg.to });
    } else if (outcome.copies > 1) {
      this.stats.duplicated++;
    }
  }

  /**
   * The core's MsgSnap carries the last snapshot in storage, which may predate the recipient's
   * own addition: a member added after it is not in its ConfState and must refuse it, and the
   * leader would offer it again forever. etcd's server therefore sends a snapshot of its state at
   * the current applied index instead (a "merged" snapshot, not saved to the raft storage); so
   * does this host under the 'fresh' policy. The core treats pendingSnapshot as a lower bound,
   * so a newer snapshot is fine for it.
   */
  private freshenSnapshot(from: SimMember, msg: Message): Message {
    const snap = msg.snapshot;
    const tm = from.tm;
    if (!snap || tm.appliedIndex <= snap.metadata.index) return msg;
    if ((this.opts.snapshotPolicy ?? { kind: 'fresh' }).kind !== 'fresh') return msg;
    const fresh: Snapshot = {
      metadata: { index: tm.appliedIndex, term: tm.node.raft.raftLog.term(tm.appliedIndex), confState: tm.confState },
      data: utf8(JSON.stringify(tm.applied)),
    };
    this.stats.snapshotsFreshened++;
    this.trace(() => `host of ${from.id} sends a fresh snapshot at ${fresh.metadata.index} instead of ${snap.metadata.index}`);
    return { ...msg, snapshot: fresh };
  }

  /** Hand owed reports to their cores (each may produce more Readys, hence more reports). */
  private flushReports(): void {
    for (let n = 0; this.reports.length > 0; n++) {
      if (n > 10_000) throw new Error('sim: report loop does not end');
      const rep = this.reports.shift()!;
      const m = this.members.get(rep.to);
      // A host that crashed since the send is a new process: it knows nothing of that send.
      if (!m || m.status !== 'up' || m.incarnation !== rep.incarnation) continue;
      if (rep.kind === 'unreachable') {
        m.tm.node.reportUnreachable(rep.peer);
      } else {
        this.trace(() => `report snapshot to ${rep.peer} ${rep.kind === 'snapFinish' ? 'finish' : 'failure'} to ${rep.to}`);
        m.tm.node.reportSnapshot(rep.peer, rep.kind === 'snapFinish' ? 'finish' : 'failure');
      }
      this.settle(m);
    }
  }

  trace(line: () => string): void {
    if (this.traceFn) this.traceFn(`[${this.now}] ${line()}`);
  }
}
