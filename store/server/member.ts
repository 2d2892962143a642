// One store member: its identity, its disk, its Raft node, and the replicated state it applies
// (keyspace, leases, membership). Request handlers (gRPC, JSON gateway) call write() and read();
// everything that changes state goes through the log and is applied in log order on every member.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, openSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Lessor } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import { decodeConfChange, encodeConfChange, ProposalDroppedError, type ConfChange, type ConfChangeSingle, type Entry, type Message, type Snapshot, type SoftState } from '../raft/index.js';
import { RaftDisk } from '../storage/raft-disk.js';
import { WatchHub } from '../watch/hub.js';
import { AutoCompactor, policyFor, realClock, type AutoCompactionSetting } from './auto-compaction.js';
import { decodeConfContext, encodeConfContext } from './conf-context.js';
import { clusterIdFor, hexToId, idToHex, memberIdFor, parseInitialCluster, raftIdOf } from './identity.js';
import { fetchClusterMembers, findSelf } from './join.js';
import { Membership, type MemberRecord } from './membership.js';
import { validateChange, type MemberChange, type ReconfigView } from './reconfig.js';
import type { PeerMembersInfo } from './transport/index.js';
import { RaftNode, ReadTimeoutError, NoLeaderError, type NodeLogger, type RaftTransport } from './raft-node.js';
import { EtcdError, Errors } from './state/errors.js';
import { collectGarbage, collectGarbageWhenIdle } from './gc.js';
import { encodeImage, SnapshotAbortedError, type FrozenImage, type SnapshotImage } from './snapshot-image.js';
import { decodeEnvelope, decodeStored, encodeEnvelope, type AlarmType, type KvLogRequest, type LogRequest, type RangeRequest, type RangeResponse, type RequestOp, type TxnRequest } from './state/requests.js';
import { StateMachine, type LogResponse } from './state/state-machine.js';

export type { SnapshotImage } from './snapshot-image.js';

export interface MemberConfig {
  name: string;
  dataDir: string;
  /** This member's peer URLs as the others reach it. */
  advertisePeerUrls: string[];
  advertiseClientUrls: string[];
  /** name=url,... of the founding members. */
  initialCluster: string;
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  heartbeatMs: number;
  electionMs: number;
  snapshotCount: number;
  /** How long a request waits for its entry to apply. */
  requestTimeoutMs: number;
  /** Writes that would grow the keyspace past this many bytes raise the NOSPACE alarm (default 2 GiB, etcd's). */
  quotaBytes?: number;
  /** Raft entries the leader keeps after a snapshot for slow followers (etcd's --experimental-snapshot-catchup-entries). */
  snapshotCatchUpEntries?: number;
  /** --auto-compaction-mode/--auto-compaction-retention; absent = off. */
  autoCompaction?: AutoCompactionSetting;
  /** --strict-reconfig-check (default true): refuse membership changes that risk the quorum. */
  strictReconfigCheck?: boolean;
}

/** What the member needs from the peer transport. */
export type MemberTransport = RaftTransport & {
  addPeer?(id: number, urls: string[]): void;
  removePeer?(id: number): void;
  /** Since when the stream to a peer has been up (ms since the epoch), undefined if down. */
  activeSince?(id: number): number | undefined;
};

/** What the member persists about itself beside the Raft data (also written by an offline restore). */
export interface Identity {
  memberId: string;
  clusterId: string;
  name: string;
}

export interface ActiveAlarm {
  memberId: bigint;
  alarm: AlarmType;
}

/** Requests that make the keyspace bigger: refused while the NOSPACE alarm is raised. */
function growsKeyspace(req: LogRequest): boolean {
  if ('put' in req || 'leaseGrant' in req) return true;
  if (!('txn' in req)) return false;
  const hasPut = (ops: RequestOp[]): boolean => ops.some((op) => 'put' in op || ('txn' in op && (hasPut(op.txn.success) || hasPut(op.txn.failure))));
  return hasPut(req.txn.success) || hasPut(req.txn.failure);
}

/** etcd's estimates (etcdserver/quota.go) of what a key's metadata and a lease take in the db. */
const KV_OVERHEAD = 256;
const LEASE_OVERHEAD = 64;

/** What a request may add to the db, as etcd's quota charges it: a transaction costs its dearer branch. */
function requestCost(req: LogRequest): number {
  const branch = (list: RequestOp[]): number => list.reduce((n, op) => n + ('put' in op ? KV_OVERHEAD + op.put.key.length + op.put.value.length : 'txn' in op ? txnCost(op.txn) : 0), 0);
  const txnCost = (t: TxnRequest): number => Math.max(branch(t.success), branch(t.failure));
  if ('put' in req) return KV_OVERHEAD + req.put.key.length + req.put.value.length;
  if ('txn' in req) return txnCost(req.txn);
  if ('leaseGrant' in req) return LEASE_OVERHEAD;
  return 0;
}

const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

/** Entries the leader keeps after a snapshot so slightly slow followers catch up from the log (etcd's default). */
const CATCH_UP_ENTRIES = 5000;

export class Member {
  readonly config: MemberConfig;
  readonly kv = new MvccStore();
  readonly lessor: Lessor;
  readonly sm: StateMachine;
  readonly hub: WatchHub;
  readonly membership = new Membership();
  /** Raised alarms, replicated: keyed by member id and type. */
  private readonly alarms = new Map<string, ActiveAlarm>();
  memberId = 0n;
  clusterId = 0n;
  raftId = 0;
  node!: RaftNode;
  private disk!: RaftDisk;
  private readonly logger: NodeLogger;
  private transport: MemberTransport = { send: () => {} };
  private readonly waiters = new Map<string, { resolve(r: LogResponse | undefined): void; reject(e: unknown): void }>();
  private nextRequest = 0;
  private snapshotIndex = 0;
  /**
   * Set when a member was added: a new member refuses a snapshot whose membership does not list
   * it, so the next snapshot must be taken after the addition, not whenever the count says.
   */
  private snapshotDue = false;
  /** The snapshot being encoded and saved in the background, if any. */
  private snapshotting: Promise<void> | undefined;
  private stopping = false;
  private cancelIdleCollection: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private compactor: AutoCompactor | undefined;
  /** After a restart: the commit index the log is replayed up to, and how many entries that took. */
  private replay: { upTo: number; from: number; count: number } | undefined;
  private revoking = new Set<bigint>();
  private fatal: ((err: unknown) => void) | undefined;
  /** Members of the cluster this member joined, learnt from a peer before the log says so. */
  private joinPeers: { raftId: number; peerUrls: string[] }[] = [];
  /** Set once this member applied its own removal (or a peer said it was removed). */
  removed = false;
  /** Called once when this member learns it was removed from the cluster: the process must stop. */
  onRemoved: (() => void) | undefined;

  constructor(config: MemberConfig, logger: NodeLogger) {
    this.config = config;
    this.logger = logger;
    this.lessor = new Lessor({ minTtlSeconds: Math.ceil((1.5 * config.electionMs) / 1000), now: () => Date.now() });
    this.sm = new StateMachine(this.kv, this.lessor);
    this.hub = new WatchHub(this.kv);
    this.sm.onWrite((rev, events) => this.hub.notify(rev, events));
  }

  /**
   * Open the data directory, recover or bootstrap, and get ready to start. The transport is made
   * once the member knows who it is (its ids come from the data directory or the bootstrap).
   */
  async open(
    makeTransport: (ids: { raftId: number; memberId: bigint; clusterId: bigint }) => MemberTransport,
    onFatal: (err: unknown) => void,
    /** How a joining member asks the others for the member table (tests without sockets pass their own). */
    fetchMembers: (peerUrls: string[], timeoutMs: number) => Promise<PeerMembersInfo> = fetchClusterMembers,
  ): Promise<void> {
    this.fatal = onFatal;
    const dir = join(this.config.dataDir, 'member');
    mkdirSync(dir, { recursive: true });
    this.disk = await RaftDisk.open(join(dir, 'raft'), { warn: (msg) => this.logger.warn({}, msg) });
    const identityFile = join(dir, 'identity.json');
    const restarting = !this.disk.isEmpty();

    if (!restarting && this.config.initialClusterState === 'existing') {
      // Joining: the ids come from the cluster (written first, so a crash before any entry arrives
      // joins again as the same member); the log, or a snapshot, brings everything else.
      await this.join(fetchMembers, (memberId, clusterId) =>
        writeDurably(identityFile, JSON.stringify({ memberId: idToHex(memberId), clusterId: idToHex(clusterId), name: this.config.name } satisfies Identity)),
      );
    } else if (!restarting) {
      // The identity is written first: a crash before the bootstrap entries are on disk leaves an
      // empty log, and the next start bootstraps again to the same ids.
      await this.bootstrap((memberId, clusterId) =>
        writeDurably(identityFile, JSON.stringify({ memberId: idToHex(memberId), clusterId: idToHex(clusterId), name: this.config.name } satisfies Identity)),
      );
    } else {
      if (!existsSync(identityFile)) throw new Error(`${dir} holds Raft data but no identity.json: refusing to guess which member this is`);
      const id = JSON.parse(readFileSync(identityFile, 'utf8')) as Identity;
      this.memberId = hexToId(id.memberId);
      this.clusterId = hexToId(id.clusterId);
      this.logger.info({ memberId: id.memberId, clusterId: id.clusterId }, 'restarting member from its data directory');
    }
    this.raftId = raftIdOf(this.memberId);
    this.transport = makeTransport({ raftId: this.raftId, memberId: this.memberId, clusterId: this.clusterId });
    for (const p of this.joinPeers) this.transport.addPeer?.(p.raftId, p.peerUrls);

    // The state machine starts from the last snapshot; the log after it is re-applied.
    this.snapshotIndex = this.restoreFromDisk();
    // The image read from disk and its decoded form are garbage now, each as big as the keyspace.
    if (this.snapshotIndex > 0) collectGarbage();
    const commit = this.disk.storage.hardStateNow().commit;
    if (restarting && commit > this.snapshotIndex) this.replay = { upTo: commit, from: this.snapshotIndex, count: 0 };
    else if (restarting) this.logger.info({ snapshotIndex: this.snapshotIndex, replayed: 0 }, 'replayed 0 entries of the raft log after the snapshot');
    this.node = new RaftNode({
      raftId: this.raftId,
      disk: this.disk,
      transport: this.transport,
      tickMs: this.config.heartbeatMs,
      electionTicks: Math.max(2, Math.round(this.config.electionMs / this.config.heartbeatMs)),
      applied: this.snapshotIndex,
      logger: this.logger,
      onApply: (entries) => this.applyEntries(entries),
      onSnapshot: (s) => {
        this.restoreImage(s);
        this.logger.info({ index: s.metadata.index, term: s.metadata.term, revision: this.kv.revision }, 'applied incoming raft snapshot');
      },
      onSoftState: (s) => this.leadershipChanged(s),
      afterApply: (applied) => this.maybeSnapshot(applied),
      onFatal: (e) => this.fatal?.(e),
    });
  }

  /** Start ticking, expiring leases, catching up watchers; publish this member's client URLs. */
  start(): void {
    this.node.start();
    this.timers.push(setInterval(() => this.hub.syncWatchers(), 100));
    this.timers.push(setInterval(() => this.revokeExpiredLeases(), 500));
    const auto = this.config.autoCompaction;
    if (auto) {
      this.compactor = new AutoCompactor({
        policy: policyFor(auto, Date.now()),
        mode: auto.mode,
        clock: realClock,
        currentRevision: () => this.kv.revision,
        isLeader: () => this.isLeader(),
        // Through the log like a client's Compact, so every member compacts at the same entry.
        compact: async (revision) => void (await this.write({ compaction: { revision } })),
        logger: this.logger,
      });
      this.compactor.start();
    }
    void this.publish();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.cancelIdleCollection?.();
    await this.compactor?.stop();
    await this.node.stop();
    await this.snapshotting;
    for (const w of this.waiters.values()) w.reject(Errors.stopped());
    this.waiters.clear();
    await this.disk.close();
  }

  // ---- requests ----

  /** Send a request through the log and wait for its result on this member. */
  async write(request: KvLogRequest): Promise<LogResponse> {
    // etcd checks the quota before a request enters the log; the first request that would exceed
    // it raises the NOSPACE alarm (through the log, so every member starts refusing writes).
    // The measure is etcd's db size (kept after a compaction until a defragment), as etcd's is.
    if (growsKeyspace(request) && this.overQuota(request)) {
      // The alarm names this member (etcd's quotaAlarmer): each member that refuses lists one.
      if (!this.alarms.has(`${this.memberId}:NOSPACE`)) await this.propose({ alarm: { action: 'activate', memberId: this.memberId, alarm: 'NOSPACE' } }).catch(() => undefined);
      throw Errors.noSpace();
    }
    const resp = await this.propose(request);
    if (!resp) throw new Error('internal: no response for a keyspace request');
    return resp;
  }

  /** etcd's backendQuota.Available, negated: the db size plus the request's cost reach the quota. */
  private overQuota(request: LogRequest): boolean {
    return this.kv.dbSize + requestCost(request) >= (this.config.quotaBytes ?? DEFAULT_QUOTA_BYTES);
  }

  /** A read: linearizable by default (ReadIndex through the leader), or served locally. */
  async read(req: RangeRequest): Promise<RangeResponse> {
    if (!req.serializable) await this.linearizableBarrier();
    return this.sm.range(req);
  }

  /** A transaction without writes, evaluated on local state after a read barrier (unless serializable). */
  async readOnlyTxn(txn: TxnRequest, serializable: boolean): Promise<LogResponse> {
    if (!serializable) await this.linearizableBarrier();
    return this.sm.apply({ txn });
  }

  /** Wait until this member has applied everything committed before now (cluster-wide). */
  async linearizableBarrier(): Promise<void> {
    const deadline = Date.now() + this.config.requestTimeoutMs;
    for (;;) {
      try {
        await this.node.readBarrier(Math.max(1, deadline - Date.now()));
        return;
      } catch (e) {
        if (e instanceof NoLeaderError && Date.now() < deadline) {
          await sleep(Math.min(50, this.config.heartbeatMs));
          continue;
        }
        if (e instanceof NoLeaderError || e instanceof ReadTimeoutError) throw Errors.timeout();
        throw e;
      }
    }
  }

  private propose(request: LogRequest): Promise<LogResponse | undefined> {
    const id = `${idToHex(this.memberId)}-${++this.nextRequest}`;
    const data = encodeEnvelope({ id, request });
    return this.submit(id, () => this.node.propose(data));
  }

  /**
   * Propose a membership change and wait until it is applied on this member. Rejects with the
   * apply-time refusal (etcd's ValidateConfigurationChange) if every member refused it.
   */
  async proposeMemberChange(change: MemberChange): Promise<void> {
    const id = `${idToHex(this.memberId)}-${++this.nextRequest}`;
    const cc: ConfChange = { transition: 'auto', changes: [raftChangeOf(change)], context: encodeConfContext({ change, requestId: id }) };
    await this.submit(id, () => this.node.proposeConfChange(cc));
  }

  /** The cluster as the pre-proposal checks of a membership change see it from this member. */
  reconfigView(): ReconfigView {
    return {
      selfId: this.memberId,
      members: this.membership.list(),
      strict: this.config.strictReconfigCheck ?? true,
      now: Date.now(),
      activeSince: (id) => this.transport.activeSince?.(raftIdOf(id)),
    };
  }

  /** Send an entry through `send` (retried while there is no leader), then wait for its waiter. */
  private async submit(id: string, send: () => void): Promise<LogResponse | undefined> {
    const deadline = Date.now() + this.config.requestTimeoutMs;
    const result = new Promise<LogResponse | undefined>((resolve, reject) => this.waiters.set(id, { resolve, reject }));
    // stop() may reject the waiter while the proposal is still being retried (no leader yet),
    // before anything awaits `result`: the race below still sees the rejection.
    result.catch(() => undefined);
    // Proposals are dropped while there is no leader (an election is running): retry until it ends.
    for (;;) {
      try {
        send();
        break;
      } catch (e) {
        if (!(e instanceof ProposalDroppedError)) {
          this.waiters.delete(id);
          throw e;
        }
        if (Date.now() >= deadline) {
          this.waiters.delete(id);
          throw Errors.timeout();
        }
        await sleep(Math.min(50, this.config.heartbeatMs));
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.waiters.delete(id);
        // A forwarded proposal can be lost with a leader change: the client may retry.
        reject(Errors.timeout());
      }, Math.max(1, deadline - Date.now()));
    });
    try {
      return await Promise.race([result, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- applying the log ----

  private applyEntries(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.type === 'confChange') this.applyConfChange(e);
      else if (e.data.length > 0) this.applyRequest(e);
    }
    if (this.replay) this.countReplayed(entries);
  }

  /** A restart replays the log after the last snapshot: say how much (what bounds restart time). */
  private countReplayed(entries: readonly Entry[]): void {
    const r = this.replay!;
    for (const e of entries) if (e.index > r.from && e.index <= r.upTo) r.count++;
    if (entries.length === 0 || entries[entries.length - 1]!.index < r.upTo) return;
    this.logger.info({ snapshotIndex: r.from, replayed: r.count, appliedIndex: r.upTo }, `replayed ${r.count} entries of the raft log after the snapshot`);
    this.replay = undefined;
  }

  private applyRequest(e: Entry): void {
    const env = decodeEnvelope(e.data);
    const waiter = this.waiters.get(env.id);
    if (waiter) this.waiters.delete(env.id);
    try {
      const req = env.request;
      let resp: LogResponse | undefined;
      if ('memberAttributes' in req) {
        const a = req.memberAttributes;
        this.membership.setClientUrls(a.memberId, a.name, a.clientUrls);
      } else if ('alarm' in req) {
        const key = `${req.alarm.memberId}:${req.alarm.alarm}`;
        if (req.alarm.action === 'activate') this.alarms.set(key, { memberId: req.alarm.memberId, alarm: req.alarm.alarm });
        else this.alarms.delete(key);
      } else if (this.hasAlarm('NOSPACE') && growsKeyspace(req)) {
        // Every member refuses the same entries while the alarm is raised (etcd's capped applier).
        throw Errors.noSpace();
      } else {
        // etcd's quota applier: a write that takes this member's db past the quota is still
        // applied (members must not diverge), but answered NOSPACE, and this member raises its
        // own alarm. So each member that crosses the quota lists an alarm, as in etcd.
        const crossing = growsKeyspace(req) && this.overQuota(req);
        resp = this.sm.apply(req);
        if ('leaseRevoke' in req) this.revoking.delete(req.leaseRevoke.id);
        if (crossing) {
          this.logger.warn({ index: e.index, dbSize: this.kv.dbSize }, 'message exceeded backend quota; raising alarm');
          void this.propose({ alarm: { action: 'activate', memberId: this.memberId, alarm: 'NOSPACE' } }).catch(() => undefined);
          throw Errors.noSpace();
        }
      }
      waiter?.resolve(resp);
    } catch (err) {
      if (!(err instanceof EtcdError)) {
        // A bug, not a refused request: every member would hit it at this same entry.
        this.logger.error({ err, index: e.index }, 'applying a committed entry failed');
        throw err;
      }
      waiter?.reject(err);
    }
  }

  private applyConfChange(e: Entry): void {
    const cc = decodeConfChange(e.data);
    if (!cc.context || cc.context.length === 0) {
      // Leaving a joint configuration: the membership table does not change.
      this.node.applyConfChange(cc);
      return;
    }
    const { change, requestId } = decodeConfContext(cc.context);
    const waiter = requestId === undefined ? undefined : this.waiters.get(requestId);
    if (requestId !== undefined) this.waiters.delete(requestId);
    const refused = validateChange(this.membership, change);
    if (refused) {
      // As etcd applies a refused change with NodeID none: Raft's configuration stays as it is.
      this.node.applyConfChange({ ...cc, changes: cc.changes.map((c) => ({ ...c, nodeId: 0 })) });
      this.logger.warn({ index: e.index, change: change.kind, reason: refused.message }, 'refused a membership change');
      waiter?.reject(refused);
      return;
    }
    this.node.applyConfChange(cc);
    let removedSelf = false;
    switch (change.kind) {
      case 'add':
        this.snapshotDue = this.snapshotIndex > 0;
        this.membership.add(change.member);
        if (change.member.id !== this.memberId) this.transport.addPeer?.(raftIdOf(change.member.id), change.member.peerUrls);
        break;
      case 'promote':
        this.membership.promote(change.id);
        break;
      case 'remove':
        this.membership.remove(change.id);
        if (change.id === this.memberId) removedSelf = true;
        else this.transport.removePeer?.(raftIdOf(change.id));
        break;
      case 'update':
        this.membership.updatePeerUrls(change.id, change.peerUrls);
        if (change.id !== this.memberId) this.transport.addPeer?.(raftIdOf(change.id), change.peerUrls);
        break;
    }
    this.logger.info({ index: e.index, change: change.kind, member: idToHex(change.kind === 'add' ? change.member.id : change.id) }, 'applied a membership change');
    waiter?.resolve(undefined);
    if (removedSelf) this.learnRemoved();
  }

  /** This member is no longer part of the cluster: tell the process once (it stops, as etcd does). */
  learnRemoved(): void {
    if (this.removed) return;
    this.removed = true;
    this.onRemoved?.();
  }

  // ---- snapshots ----

  /**
   * Every snapshotCount applied entries, start a snapshot of the state as of `applied`. The state
   * is frozen here, synchronously, so the image is exactly the state at that index; it is encoded
   * and saved in the background while the member goes on applying (see snapshot-image.ts).
   */
  private maybeSnapshot(applied: number): void {
    if (this.snapshotting || this.stopping) return;
    if (!this.snapshotDue && applied - this.snapshotIndex < this.config.snapshotCount) return;
    this.snapshotDue = false;
    const frozen = this.sm.freeze();
    const image: FrozenImage = { ...frozen, members: this.membership.dump(), alarms: this.alarmList().map((a) => ({ memberId: a.memberId.toString(), alarm: a.alarm })) };
    const metadata = { index: applied, term: this.disk.storage.term(applied), confState: this.node.raw.status().config };
    this.snapshotting = this.saveSnapshot(image, metadata)
      .catch((e: unknown) => {
        if (!(e instanceof SnapshotAbortedError)) this.fatal?.(e);
      })
      .finally(() => {
        this.snapshotting = undefined;
        // A member added while this snapshot was being made is not in it: take the next one now,
        // not at the next applied entry (an idle cluster may have none for a long time).
        if (this.snapshotDue) this.maybeSnapshot(this.node.appliedIndex);
      });
  }

  private async saveSnapshot(image: FrozenImage, metadata: Snapshot['metadata']): Promise<void> {
    const started = performance.now();
    const data = await encodeImage(image, { sizeHint: this.kv.size + 4096, aborted: () => this.stopping });
    const compactTo = Math.max(0, metadata.index - (this.config.snapshotCatchUpEntries ?? CATCH_UP_ENTRIES));
    const saved = await this.disk.saveSnapshot({ metadata, data }, compactTo);
    if (!saved) return; // a newer snapshot arrived from the leader meanwhile
    this.snapshotIndex = Math.max(this.snapshotIndex, metadata.index);
    this.logger.info({ index: metadata.index, bytes: data.length, tookMs: Math.round(performance.now() - started) }, 'saved snapshot and compacted the raft log');
    this.cancelIdleCollection?.();
    this.cancelIdleCollection = collectGarbageWhenIdle(() => this.node.appliedIndex);
  }

  private restoreImage(s: Snapshot): void {
    const image = decodeStored<SnapshotImage>(s.data);
    this.sm.load(image.kv);
    // Watchers waiting for the revisions the snapshot jumped over get them from its history.
    this.hub.restored();
    this.membership.load(image.members);
    this.alarms.clear();
    for (const a of image.alarms ?? []) this.alarms.set(`${a.memberId}:${a.alarm}`, { memberId: BigInt(a.memberId), alarm: a.alarm });
    for (const m of this.membership.list()) if (m.id !== this.memberId) this.transport.addPeer?.(raftIdOf(m.id), m.peerUrls);
    this.snapshotIndex = Math.max(this.snapshotIndex, s.metadata.index);
  }

  /** Restore the state machine from the snapshot on disk, if any; returns its index. */
  private restoreFromDisk(): number {
    const snap = this.disk.storage.snapshot();
    if (snap.metadata.index > 0) this.restoreImage(snap);
    return snap.metadata.index;
  }

  // ---- leadership and leases ----

  private leadershipChanged(s: SoftState): void {
    this.logger.info({ leader: s.lead, role: s.role }, 'raft leadership changed');
    if (s.role === 'leader') this.lessor.promote(this.config.electionMs);
    else if (this.lessor.isPrimary) this.lessor.demote();
  }

  private revokeExpiredLeases(): void {
    for (const lease of this.lessor.expired(100)) {
      if (this.revoking.has(lease.id)) continue;
      this.revoking.add(lease.id);
      this.write({ leaseRevoke: { id: lease.id } }).catch(() => this.revoking.delete(lease.id));
    }
  }

  /** Announce this member's name and client URLs through the log, until it succeeds once. */
  private async publish(): Promise<void> {
    for (let attempt = 0; this.timers.length > 0; attempt++) {
      try {
        await this.propose({ memberAttributes: { memberId: this.memberId, name: this.config.name, clientUrls: this.config.advertiseClientUrls } });
        return;
      } catch {
        await sleep(Math.min(1000, 100 * (attempt + 1)));
      }
    }
  }

  hasAlarm(type: AlarmType): boolean {
    for (const a of this.alarms.values()) if (a.alarm === type) return true;
    return false;
  }

  alarmList(): ActiveAlarm[] {
    return [...this.alarms.values()].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : a.alarm < b.alarm ? -1 : 1));
  }

  /** Maintenance.Defragment: this member's db size shrinks to what is in use (local, like etcd's). */
  defragment(): void {
    this.kv.defragment();
    this.logger.info({ dbSize: this.kv.dbSize, dbSizeInUse: this.kv.size }, 'defragmented');
  }

  /** Raise or clear an alarm through the log (Maintenance.Alarm). */
  async setAlarm(action: 'activate' | 'deactivate', memberId: bigint, alarm: AlarmType): Promise<void> {
    await this.propose({ alarm: { action, memberId, alarm } });
  }

  /**
   * Received from peers through the transport. The Raft core throws where etcd's raft panics: a
   * state it cannot go on from, e.g. a leader's commit index beyond this member's last entry
   * ("tocommit(N) is out of range [lastIndex(M)]": this member lost entries it had acknowledged,
   * such as a wiped data dir restarted under its old id). The transport logs and swallows what its
   * callbacks throw, so the member would stay up, serving serializable reads from a store that lost
   * its data; it stops instead, as etcd does. Only a local message type sent by a peer (refused,
   * nothing changed) is not fatal.
   */
  receive(msgs: Message[]): void {
    try {
      this.node.step(msgs);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('raft: cannot step raft local message')) throw err;
      this.fatal?.(err);
      throw err;
    }
  }

  /**
   * On shutdown: if this member leads, hand leadership to the most caught-up voter and wait for the
   * handover, so the cluster does not wait an election timeout for a new leader.
   */
  async transferLeadershipAway(timeoutMs: number): Promise<void> {
    if (!this.isLeader()) return;
    const progress = this.node.raw.status().progress;
    if (!progress) return;
    let best: { id: number; match: number } | undefined;
    for (const [id, pr] of progress) {
      if (id === this.raftId || pr.isLearner) continue;
      if (!best || pr.match > best.match) best = { id, match: pr.match };
    }
    if (!best) return;
    this.logger.info({ to: best.id }, 'transferring leadership before shutdown');
    this.node.transferLeadership(best.id);
    const deadline = Date.now() + timeoutMs;
    while (this.isLeader() && Date.now() < deadline) await sleep(10);
  }

  /** The member table for a joining member's GET /members (see join.ts). */
  membersInfo(): PeerMembersInfo {
    return {
      clusterId: this.clusterId.toString(),
      members: this.membership.list().map((m) => ({ id: idToHex(m.id), name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner })),
    };
  }

  isLeader(): boolean {
    return this.node.softState.role === 'leader';
  }

  leaderMember(): MemberRecord | undefined {
    const lead = this.node.softState.lead;
    return lead ? this.membership.byRaft(lead) : undefined;
  }

  /** New lease ids are chosen by the proposing member, 63 bits, never 0. */
  newLeaseId(): bigint {
    const id = randomBytes(8).readBigUInt64BE(0) & ((1n << 63n) - 1n);
    return id === 0n ? 1n : id;
  }

  // ---- joining ----

  /** An added member's first start: learn the ids from the other members' peer /members. */
  private async join(fetchMembers: (peerUrls: string[], timeoutMs: number) => Promise<PeerMembersInfo>, persistIdentity: (memberId: bigint, clusterId: bigint) => void): Promise<void> {
    const cluster = parseInitialCluster(this.config.initialCluster);
    const mine = [...this.config.advertisePeerUrls].sort().join(',');
    const others = [...cluster.values()].filter((urls) => [...urls].sort().join(',') !== mine).flat();
    if (others.length === 0) throw new Error('--initial-cluster-state existing: --initial-cluster names no other member to join');
    const info = await fetchMembers(others, Math.max(1000, this.config.requestTimeoutMs));
    const me = findSelf(info, cluster, this.config.advertisePeerUrls);
    this.memberId = hexToId(me.id);
    this.clusterId = BigInt(info.clusterId);
    this.joinPeers = info.members.filter((m) => m.id !== me.id).map((m) => ({ raftId: raftIdOf(hexToId(m.id)), peerUrls: m.peerURLs }));
    persistIdentity(this.memberId, this.clusterId);
    this.logger.info({ memberId: me.id, clusterId: idToHex(this.clusterId), members: info.members.length }, 'joining an existing cluster');
  }

  // ---- bootstrap ----

  /** A new cluster: every founder computes the same ids and writes the same first entries. */
  private async bootstrap(persistIdentity: (memberId: bigint, clusterId: bigint) => void): Promise<void> {
    const founders = parseInitialCluster(this.config.initialCluster);
    const records: MemberRecord[] = [...founders].map(([name, urls]) => ({
      id: memberIdFor(urls, this.config.initialClusterToken),
      name,
      peerUrls: urls,
      clientUrls: [],
      isLearner: false,
    }));
    const me = records.find((r) => r.name === this.config.name);
    if (!me) throw new Error(`--initial-cluster has no member named ${JSON.stringify(this.config.name)}`);
    const mine = [...this.config.advertisePeerUrls].sort().join(',');
    if ([...me.peerUrls].sort().join(',') !== mine) {
      throw new Error(`--initial-advertise-peer-urls (${mine}) do not match --initial-cluster for ${this.config.name} (${me.peerUrls.join(',')})`);
    }
    this.memberId = me.id;
    this.clusterId = clusterIdFor(records.map((r) => r.id));
    const check = new Membership();
    for (const r of records) check.add(r); // refuses colliding raft ids
    persistIdentity(this.memberId, this.clusterId);
    const entries: Entry[] = records.map((r, i) => {
      const cc: ConfChange = { transition: 'auto', changes: [{ type: 'addNode', nodeId: raftIdOf(r.id) }], context: encodeConfContext({ change: { kind: 'add', member: r } }) };
      return { term: 1, index: i + 1, type: 'confChange', data: encodeConfChange(cc) };
    });
    await this.disk.save({ entries, hardState: { term: 1, vote: 0, commit: entries.length } });
    this.logger.info({ memberId: idToHex(this.memberId), clusterId: idToHex(this.clusterId), members: records.length }, 'bootstrapped a new cluster');
  }
}

/** The Raft core's side of a membership change; an update is a no-op there (node 0, as etcd's UpdateNode). */
function raftChangeOf(change: MemberChange): ConfChangeSingle {
  switch (change.kind) {
    case 'add':
      return { type: change.member.isLearner ? 'addLearner' : 'addNode', nodeId: raftIdOf(change.member.id) };
    case 'promote':
      return { type: 'addNode', nodeId: raftIdOf(change.id) };
    case 'remove':
      return { type: 'removeNode', nodeId: raftIdOf(change.id) };
    case 'update':
      return { type: 'addNode', nodeId: 0 };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Write a small file so that it is either entirely there after a crash or not at all. */
export function writeDurably(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, content);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}
