// One store member: its identity, its disk, its Raft node, and the replicated state it applies
// (keyspace, leases, membership). Request handlers (gRPC, JSON gateway) call write() and read();
// everything that changes state goes through the log and is applied in log order on every member.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, openSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Lessor } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import { decodeConfChange, encodeConfChange, ProposalDroppedError, type ConfChange, type Entry, type Message, type Snapshot, type SoftState } from '../raft/index.js';
import { RaftDisk } from '../storage/raft-disk.js';
import { WatchHub } from '../watch/hub.js';
import { clusterIdFor, hexToId, idToHex, memberIdFor, parseInitialCluster, raftIdOf } from './identity.js';
import { decodeMember, encodeMember, Membership, type MemberRecord } from './membership.js';
import { RaftNode, ReadTimeoutError, NoLeaderError, type NodeLogger, type RaftTransport } from './raft-node.js';
import { EtcdError, Errors } from './state/errors.js';
import { collectGarbage } from './gc.js';
import { encodeBinary } from './state/binary.js';
import { decodeEnvelope, decodeStored, encodeEnvelope, type AlarmType, type KvLogRequest, type LogRequest, type RangeRequest, type RangeResponse, type RequestOp, type TxnRequest } from './state/requests.js';
import { StateMachine, type LogResponse } from './state/state-machine.js';

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
}

/** What the member needs from the peer transport. */
export type MemberTransport = RaftTransport & { addPeer?(id: number, urls: string[]): void; removePeer?(id: number): void };

/** What the member persists about itself beside the Raft data (also written by an offline restore). */
export interface Identity {
  memberId: string;
  clusterId: string;
  name: string;
}

/** The state machine image carried by Raft snapshots (also built by an offline restore). */
export interface SnapshotImage {
  kv: ReturnType<StateMachine['dump']>;
  members: ReturnType<Membership['dump']>;
  alarms?: { memberId: string; alarm: AlarmType }[];
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

/** Bytes a request adds at most (keys and values of its puts). */
function requestCost(req: LogRequest): number {
  const ops = (list: RequestOp[]): number => list.reduce((n, op) => n + ('put' in op ? op.put.key.length + op.put.value.length : 'txn' in op ? ops(op.txn.success) + ops(op.txn.failure) : 0), 0);
  if ('put' in req) return req.put.key.length + req.put.value.length;
  if ('txn' in req) return ops(req.txn.success) + ops(req.txn.failure);
  return 0;
}

const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

/** Entries the leader keeps after a snapshot so slightly slow followers catch up from the log. */
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
  private timers: NodeJS.Timeout[] = [];
  private revoking = new Set<bigint>();
  private fatal: ((err: unknown) => void) | undefined;

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
  async open(makeTransport: (ids: { raftId: number; memberId: bigint; clusterId: bigint }) => MemberTransport, onFatal: (err: unknown) => void): Promise<void> {
    this.fatal = onFatal;
    const dir = join(this.config.dataDir, 'member');
    mkdirSync(dir, { recursive: true });
    this.disk = await RaftDisk.open(join(dir, 'raft'), { warn: (msg) => this.logger.warn({}, msg) });
    const identityFile = join(dir, 'identity.json');

    if (this.disk.isEmpty()) {
      if (this.config.initialClusterState !== 'new') {
        throw new Error('--initial-cluster-state existing needs the member to have been added with MemberAdd first; joining an existing cluster is not supported by this version yet');
      }
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

    // The state machine starts from the last snapshot; the log after it is re-applied.
    this.snapshotIndex = this.restoreFromDisk();
    // The image read from disk and its decoded form are garbage now, each as big as the keyspace.
    if (this.snapshotIndex > 0) collectGarbage();
    this.node = new RaftNode({
      raftId: this.raftId,
      disk: this.disk,
      transport: this.transport,
      tickMs: this.config.heartbeatMs,
      electionTicks: Math.max(2, Math.round(this.config.electionMs / this.config.heartbeatMs)),
      applied: this.snapshotIndex,
      logger: this.logger,
      onApply: (entries) => this.applyEntries(entries),
      onSnapshot: (s) => this.restoreImage(s),
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
    void this.publish();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.node.stop();
    for (const w of this.waiters.values()) w.reject(Errors.stopped());
    this.waiters.clear();
    await this.disk.close();
  }

  // ---- requests ----

  /** Send a request through the log and wait for its result on this member. */
  async write(request: KvLogRequest): Promise<LogResponse> {
    // etcd checks the quota before a request enters the log; the first request that would exceed
    // it raises the NOSPACE alarm (through the log, so every member starts refusing writes).
    if (growsKeyspace(request) && this.kv.size + requestCost(request) > (this.config.quotaBytes ?? DEFAULT_QUOTA_BYTES)) {
      if (!this.hasAlarm('NOSPACE')) await this.propose({ alarm: { action: 'activate', memberId: this.memberId, alarm: 'NOSPACE' } }).catch(() => undefined);
      throw Errors.noSpace();
    }
    const resp = await this.propose(request);
    if (!resp) throw new Error('internal: no response for a keyspace request');
    return resp;
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

  private async propose(request: LogRequest): Promise<LogResponse | undefined> {
    const id = `${idToHex(this.memberId)}-${++this.nextRequest}`;
    const data = encodeEnvelope({ id, request });
    const deadline = Date.now() + this.config.requestTimeoutMs;
    const result = new Promise<LogResponse | undefined>((resolve, reject) => this.waiters.set(id, { resolve, reject }));
    // Proposals are dropped while there is no leader (an election is running): retry until it ends.
    for (;;) {
      try {
        this.node.propose(data);
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
        resp = this.sm.apply(req);
        if ('leaseRevoke' in req) this.revoking.delete(req.leaseRevoke.id);
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
    const record = cc.context && cc.context.length > 0 ? decodeMember(cc.context) : undefined;
    this.node.applyConfChange(cc);
    for (const change of cc.changes) {
      if (change.type === 'removeNode') {
        const m = this.membership.byRaft(change.nodeId);
        if (m) this.membership.remove(m.id);
        this.transport.removePeer?.(change.nodeId);
      } else if (record && raftIdOf(record.id) === change.nodeId) {
        this.snapshotDue = this.snapshotIndex > 0;
        const existing = this.membership.get(record.id);
        if (existing && change.type === 'addNode') this.membership.promote(record.id);
        else this.membership.add({ ...record, isLearner: change.type === 'addLearner' });
        if (record.id !== this.memberId) this.transport.addPeer?.(change.nodeId, record.peerUrls);
      }
    }
  }

  // ---- snapshots ----

  private async maybeSnapshot(applied: number): Promise<void> {
    if (!this.snapshotDue && applied - this.snapshotIndex < this.config.snapshotCount) return;
    this.snapshotDue = false;
    const image: SnapshotImage = { kv: this.sm.dump(), members: this.membership.dump(), alarms: this.alarmList().map((a) => ({ memberId: a.memberId.toString(), alarm: a.alarm })) };
    const conf = this.node.raw.status().config;
    const snap: Snapshot = { metadata: { index: applied, term: this.disk.storage.term(applied), confState: conf }, data: encodeBinary(image, this.kv.size + 4096) };
    await this.disk.saveSnapshot(snap, Math.max(0, applied - CATCH_UP_ENTRIES));
    this.snapshotIndex = applied;
    this.logger.info({ index: applied }, 'saved snapshot and compacted the raft log');
    collectGarbage();
  }

  private restoreImage(s: Snapshot): void {
    const image = decodeStored<SnapshotImage>(s.data);
    this.sm.load(image.kv);
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

  /** Raise or clear an alarm through the log (Maintenance.Alarm). */
  async setAlarm(action: 'activate' | 'deactivate', memberId: bigint, alarm: AlarmType): Promise<void> {
    await this.propose({ alarm: { action, memberId, alarm } });
  }

  /** Received from peers through the transport. */
  receive(msgs: Message[]): void {
    this.node.step(msgs);
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
      const cc: ConfChange = { transition: 'auto', changes: [{ type: 'addNode', nodeId: raftIdOf(r.id) }], context: encodeMember(r) };
      return { term: 1, index: i + 1, type: 'confChange', data: encodeConfChange(cc) };
    });
    await this.disk.save({ entries, hardState: { term: 1, vote: 0, commit: entries.length } });
    this.logger.info({ memberId: idToHex(this.memberId), clusterId: idToHex(this.clusterId), members: records.length }, 'bootstrapped a new cluster');
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
