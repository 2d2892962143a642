// The member's replicated state machine: etcd's request semantics over the MVCC keyspace and the
// lessor. Every member applies the same committed requests in the same order and must end in the
// same state, so everything here is deterministic: no clock, no randomness, sorted iteration.
//
// Reads (range) are served here too, outside the log, once the server has made them linearizable
// (ReadIndex) or decided to serve them locally (serializable).

import { toKeyString, fromKeyString } from '../../mvcc/keys.js';
import { CompactedRevisionError, FutureRevisionError, type Event, type KeyValue } from '../../mvcc/kv.js';
import type { FrozenKeyspace, MvccStore, WriteTxn } from '../../mvcc/store.js';
import { LeaseExistsError, LeaseNotFoundError, LeaseTtlTooLargeError, NO_LEASE, type LeaseDump, type Lessor } from '../../lease/lessor.js';
import { EtcdError, Errors } from './errors.js';
import type {
  Compare,
  CompactionRequest,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseRevokeRequest,
  KvLogRequest,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './requests.js';

export type LogResponse =
  | { put: PutResponse }
  | { deleteRange: DeleteRangeResponse }
  | { txn: TxnResponse }
  | { compaction: { revision: number } }
  | { leaseGrant: { revision: number; id: bigint; ttl: number } }
  | { leaseRevoke: { revision: number } };

/** Called after every write with its revision and events (the watch hub listens here). */
export type WriteListener = (rev: number, events: readonly Event[]) => void;

/** A read view: the store itself, or a write transaction that sees its own writes. */
type Reader = Pick<MvccStore, 'range'> | WriteTxn;

export class StateMachine {
  private readonly listeners: WriteListener[] = [];

  constructor(
    readonly kv: MvccStore,
    readonly lessor: Lessor,
  ) {}

  onWrite(l: WriteListener): void {
    this.listeners.push(l);
  }

  /** Apply one committed request. Throws EtcdError for requests etcd would reject at apply time. */
  apply(req: KvLogRequest): LogResponse {
    if ('put' in req) return { put: this.writeTxn((tx) => this.put(tx, req.put)) };
    if ('deleteRange' in req) return { deleteRange: this.writeTxn((tx) => this.deleteRange(tx, req.deleteRange)) };
    if ('txn' in req) return { txn: this.txn(req.txn) };
    if ('compaction' in req) return { compaction: this.compact(req.compaction) };
    if ('leaseGrant' in req) return { leaseGrant: this.leaseGrant(req.leaseGrant) };
    return { leaseRevoke: this.leaseRevoke(req.leaseRevoke) };
  }

  // ---- reads ----

  range(req: RangeRequest): RangeResponse {
    return this.rangeOn(this.kv, req);
  }

  private rangeOn(reader: Reader, r: RangeRequest): RangeResponse {
    const limit = r.limit ?? 0;
    const sortOrder = r.sortOrder ?? 'NONE';
    const sortTarget = r.sortTarget ?? 'KEY';
    const filtered = !!(r.minModRevision || r.maxModRevision || r.minCreateRevision || r.maxCreateRevision);
    // Sorting or filtering needs every key first; otherwise fetch one extra to know about `more`.
    const fetch = sortOrder !== 'NONE' || filtered ? 0 : limit > 0 ? limit + 1 : 0;
    let res;
    try {
      res = reader.range(r.key, r.rangeEnd, { rev: r.revision ?? 0, limit: fetch, countOnly: r.countOnly ?? false });
    } catch (e) {
      throw mapMvccError(e);
    }
    let kvs = res.kvs;
    if (r.maxModRevision) kvs = kvs.filter((kv) => kv.modRevision <= r.maxModRevision!);
    if (r.minModRevision) kvs = kvs.filter((kv) => kv.modRevision >= r.minModRevision!);
    if (r.maxCreateRevision) kvs = kvs.filter((kv) => kv.createRevision <= r.maxCreateRevision!);
    if (r.minCreateRevision) kvs = kvs.filter((kv) => kv.createRevision >= r.minCreateRevision!);
    // The keyspace returns keys in ascending order already; any other target sorts ascending by
    // default, as etcd does.
    const order = sortTarget !== 'KEY' && sortOrder === 'NONE' ? 'ASCEND' : sortOrder;
    if (order !== 'NONE') {
      const cmp = comparatorFor(sortTarget);
      kvs = [...kvs].sort(order === 'ASCEND' ? cmp : (a, b) => cmp(b, a));
    }
    let more = false;
    if (limit > 0 && kvs.length > limit) {
      kvs = kvs.slice(0, limit);
      more = true;
    }
    if (r.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: new Uint8Array(0) }));
    return { revision: res.rev, kvs, more, count: res.count };
  }

  // ---- writes ----

  private writeTxn<T>(f: (tx: WriteTxn) => T): T {
    const tx = this.kv.write();
    const out = f(tx);
    const { rev, events } = tx.end();
    if (events.length > 0) for (const l of this.listeners) l(rev, events);
    return out;
  }

  private put(tx: WriteTxn, p: PutRequest): PutResponse {
    const needPrev = p.ignoreValue || p.ignoreLease || p.prevKv;
    const prev = needPrev ? tx.range(p.key, undefined).kvs[0] : undefined;
    if ((p.ignoreValue || p.ignoreLease) && !prev) throw Errors.keyNotFound();
    const value = p.ignoreValue ? prev!.value : p.value;
    const lease = p.ignoreLease ? prev!.lease : p.lease ?? NO_LEASE;
    if (!p.ignoreLease && lease !== NO_LEASE && !this.lessor.lookup(lease)) throw Errors.leaseNotFound();
    const key = toKeyString(p.key);
    const kv = tx.put(p.key, value, lease);
    this.lessor.detach(key);
    if (lease !== NO_LEASE) this.lessor.attach(lease, key);
    const resp: PutResponse = { revision: kv.modRevision };
    if (p.prevKv && prev) resp.prevKv = prev;
    return resp;
  }

  private deleteRange(tx: WriteTxn, d: DeleteRangeRequest): DeleteRangeResponse {
    const prevs = tx.deleteRange(d.key, d.rangeEnd);
    for (const kv of prevs) this.lessor.detach(toKeyString(kv.key));
    const changed = prevs.length > 0 || tx.events.length > 0;
    return { revision: changed ? tx.rev : tx.rev - 1, deleted: prevs.length, prevKvs: d.prevKv ? prevs : [] };
  }

  /**
   * etcd decides every branch of a transaction, nested ones included, against the state before the
   * transaction (the "txn path"), checks the chosen operations, and only then writes.
   */
  private txn(t: TxnRequest): TxnResponse {
    const path = this.txnPath(this.kv, t);
    this.checkTxn(t, path.slice());
    const write = isWriteTxn(t, path.slice());
    if (!write) {
      const resp = this.applyTxn(this.kv, t, path.slice());
      return { ...resp, revision: this.kv.revision };
    }
    return this.writeTxn((tx) => {
      const resp = this.applyTxn(tx, t, path.slice());
      return { ...resp, revision: tx.events.length > 0 ? tx.rev : tx.rev - 1 };
    });
  }

  private txnPath(reader: Reader, t: TxnRequest): boolean[] {
    const ok = t.compare.every((c) => this.compare(reader, c));
    const out = [ok];
    for (const op of ok ? t.success : t.failure) if ('txn' in op) out.push(...this.txnPath(reader, op.txn));
    return out;
  }

  /** Reject, before writing anything, what etcd rejects: unknown leases, missing keys for ignore_*, bad revisions. */
  private checkTxn(t: TxnRequest, path: boolean[]): void {
    const ok = path.shift()!;
    for (const op of ok ? t.success : t.failure) {
      if ('put' in op) {
        const p = op.put;
        if (!p.ignoreLease && p.lease && p.lease !== NO_LEASE && !this.lessor.lookup(p.lease)) throw Errors.leaseNotFound();
        if ((p.ignoreValue || p.ignoreLease) && this.kv.range(p.key, undefined).kvs.length === 0) throw Errors.keyNotFound();
      } else if ('range' in op) {
        const rev = op.range.revision ?? 0;
        if (rev > this.kv.revision) throw Errors.futureRev();
        if (rev > 0 && rev < this.kv.compactRevision) throw Errors.compacted();
      } else if ('txn' in op) {
        this.checkTxn(op.txn, path);
      }
    }
  }

  private applyTxn(reader: Reader, t: TxnRequest, path: boolean[]): Omit<TxnResponse, 'revision'> {
    const ok = path.shift()!;
    const responses: ResponseOp[] = [];
    for (const op of ok ? t.success : t.failure) responses.push(this.applyOp(reader, op, path));
    return { succeeded: ok, responses };
  }

  private applyOp(reader: Reader, op: RequestOp, path: boolean[]): ResponseOp {
    if ('range' in op) return { range: this.rangeOn(reader, op.range) };
    if ('txn' in op) {
      const inner = this.applyTxn(reader, op.txn, path);
      const rev = isTxn(reader) ? (reader.events.length > 0 ? reader.rev : reader.rev - 1) : this.kv.revision;
      return { txn: { ...inner, revision: rev } };
    }
    if (!isTxn(reader)) throw new Error('write operation in a read-only transaction');
    if ('put' in op) return { put: this.put(reader, op.put) };
    return { deleteRange: this.deleteRange(reader, op.deleteRange) };
  }

  private compare(reader: Reader, c: Compare): boolean {
    let kvs: KeyValue[];
    try {
      kvs = reader.range(c.key, c.rangeEnd, {}).kvs;
    } catch {
      return false;
    }
    if (kvs.length === 0) {
      // A missing key compares as all zeros, except on value: there is no "missing value" to compare.
      if (c.target === 'VALUE') return false;
      return compareKv(c, undefined);
    }
    return kvs.every((kv) => compareKv(c, kv));
  }

  private compact(c: CompactionRequest): { revision: number } {
    try {
      this.kv.compact(c.revision);
    } catch (e) {
      throw mapMvccError(e);
    }
    return { revision: this.kv.revision };
  }

  private leaseGrant(g: LeaseGrantRequest): { revision: number; id: bigint; ttl: number } {
    try {
      const lease = this.lessor.grant(g.id, g.ttl);
      return { revision: this.kv.revision, id: lease.id, ttl: lease.ttl };
    } catch (e) {
      if (e instanceof LeaseExistsError) throw Errors.leaseExist();
      if (e instanceof LeaseTtlTooLargeError) throw Errors.leaseTtlTooLarge();
      if (e instanceof LeaseNotFoundError) throw Errors.leaseNotFound();
      throw e;
    }
  }

  private leaseRevoke(r: LeaseRevokeRequest): { revision: number } {
    let keys: string[];
    try {
      keys = this.lessor.revoke(r.id);
    } catch (e) {
      if (e instanceof LeaseNotFoundError) throw Errors.leaseNotFound();
      throw e;
    }
    // All of the lease's keys go in one revision, in key order on every member.
    return this.writeTxn((tx) => {
      for (const k of keys) tx.deleteRange(fromKeyString(k), undefined);
      return { revision: tx.events.length > 0 ? tx.rev : tx.rev - 1 };
    });
  }

  // ---- snapshots ----

  dump(): { leases: LeaseDump[] } & ReturnType<MvccStore['dump']> {
    return { ...this.kv.dump(), leases: this.lessor.dump() };
  }

  /** The keyspace and leases as they are now, for a snapshot encoded while applying goes on. */
  freeze(): { kv: FrozenKeyspace; leases: LeaseDump[] } {
    return { kv: this.kv.freeze(), leases: this.lessor.dump() };
  }

  load(d: ReturnType<StateMachine['dump']>): void {
    this.kv.load(d);
    const keyLeases: [string, bigint][] = [];
    for (const kv of this.kv.range(new Uint8Array([0]), new Uint8Array([0])).kvs) {
      if (kv.lease !== NO_LEASE) keyLeases.push([toKeyString(kv.key), kv.lease]);
    }
    this.lessor.load(d.leases, keyLeases);
  }
}

function isTxn(r: Reader): r is WriteTxn {
  return 'events' in r;
}

function isWriteTxn(t: TxnRequest, path: boolean[]): boolean {
  const ok = path.shift()!;
  for (const op of ok ? t.success : t.failure) {
    if ('put' in op || 'deleteRange' in op) return true;
    if ('txn' in op && isWriteTxn(op.txn, path)) return true;
  }
  return false;
}

function compareKv(c: Compare, kv: KeyValue | undefined): boolean {
  let result: number;
  switch (c.target) {
    case 'VALUE':
      result = Buffer.compare(Buffer.from(kv?.value ?? []), Buffer.from(c.value ?? []));
      break;
    case 'CREATE':
      result = Math.sign((kv?.createRevision ?? 0) - (c.number ?? 0));
      break;
    case 'MOD':
      result = Math.sign((kv?.modRevision ?? 0) - (c.number ?? 0));
      break;
    case 'VERSION':
      result = Math.sign((kv?.version ?? 0) - (c.number ?? 0));
      break;
    case 'LEASE': {
      const a = kv?.lease ?? 0n;
      const b = c.lease ?? 0n;
      result = a < b ? -1 : a > b ? 1 : 0;
      break;
    }
  }
  switch (c.result) {
    case 'EQUAL':
      return result === 0;
    case 'NOT_EQUAL':
      return result !== 0;
    case 'GREATER':
      return result > 0;
    case 'LESS':
      return result < 0;
  }
}

function comparatorFor(target: RangeRequest['sortTarget']): (a: KeyValue, b: KeyValue) => number {
  switch (target) {
    case 'VERSION':
      return (a, b) => a.version - b.version;
    case 'CREATE':
      return (a, b) => a.createRevision - b.createRevision;
    case 'MOD':
      return (a, b) => a.modRevision - b.modRevision;
    case 'VALUE':
      return (a, b) => Buffer.compare(Buffer.from(a.value), Buffer.from(b.value));
    default:
      return (a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
  }
}

function mapMvccError(e: unknown): unknown {
  if (e instanceof CompactedRevisionError) return Errors.compacted();
  if (e instanceof FutureRevisionError) return Errors.futureRev();
  return e;
}

export { EtcdError };
