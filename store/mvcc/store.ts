// The revisioned keyspace: every change ever made (until compacted), addressable by revision.
//
// Two structures, as in etcd: `revisions` holds the changes by revision (etcd's "key bucket",
// ordered by revision), and `index` maps each key to the revisions that changed it. A read at
// revision R asks the index which revision of each key was current at R, then fetches those.
// A write transaction gets one new main revision; each of its changes gets the next sub revision.
//
// Everything here is synchronous and deterministic: the server applies committed Raft entries one
// at a time, so two members applying the same entries hold the same keyspace (and the same hash).

import { crc32 } from 'node:zlib';
import { BTree } from './btree.js';
import { CompactedRevisionError, FutureRevisionError, type Event, type KeyValue } from './kv.js';
import { fromKeyString, keyRange, toKeyString, type KeyRange } from './keys.js';
import { revisionKey, type Revision } from './revision.js';
import { TreeIndex } from './tree-index.js';

/** One stored change: a new version of a key, or its deletion (tombstone). */
export interface StoredChange {
  /** Position within its main revision (the transaction's n-th change). */
  sub: number;
  kv: KeyValue;
  tombstone: boolean;
}

export interface RangeOptions {
  /** Read at this revision; 0 or absent means the current one. */
  rev?: number;
  /** At most this many keys (0 = no limit); `count` still counts them all. */
  limit?: number;
  /** Only count. */
  countOnly?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** All keys in the range at the revision, regardless of limit. */
  count: number;
  /** The store's current revision (what etcd puts in the response header). */
  rev: number;
}

/** Everything a snapshot must carry to rebuild the keyspace exactly. */
export interface KeyspaceDump {
  currentRev: number;
  compactRev: number;
  /** Every stored change, in revision order. */
  changes: StoredChange[];
}

/**
 * The keyspace as it was at one moment, readable while writes go on: what a snapshot is encoded
 * from a slice at a time. The changes are a copy-on-write clone of the store's revision tree, so
 * taking it costs nothing and later writes and compactions copy the nodes they touch instead of
 * changing the ones it sees.
 */
export interface FrozenKeyspace {
  currentRev: number;
  compactRev: number;
  /** Every stored change as of the freeze, in revision order. */
  changes(): Iterable<StoredChange>;
}

const EMPTY = new Uint8Array(0);
/** Fixed per-change overhead used in the size estimate (revision, versions, lease). */
const CHANGE_OVERHEAD = 48;

export class MvccStore {
  private index = new TreeIndex();
  private revisions: BTree<number, StoredChange[]> = new BTree<number, StoredChange[]>();
  /** The revision of the last write. A fresh keyspace is at revision 1, like etcd's. */
  private currentRev = 1;
  /** Reads below this revision are refused; -1 before the first compaction. */
  private compactRev = -1;
  private bytes = 0;
  /**
   * The high-water mark of `bytes` since the last defragmentation, recorded when a compaction
   * lowers `bytes`. etcd's db size is bbolt's high-water page mark: compaction frees pages for
   * reuse but keeps the size, only a defragmentation (a rewrite) shrinks it, and the quota is
   * checked against it. Local to each member, like etcd's file.
   */
  private allocated = 0;

  get revision(): number {
    return this.currentRev;
  }

  get compactRevision(): number {
    return this.compactRev;
  }

  /** Approximate bytes held (keys, values and per-change overhead): etcd's db size "in use". */
  get size(): number {
    return this.bytes;
  }

  /** etcd's db size: what was ever held since the last defragment (the quota's measure). */
  get dbSize(): number {
    return Math.max(this.allocated, this.bytes);
  }

  /** What etcd's defragment does to the db size: it shrinks to what is in use. */
  defragment(): void {
    this.allocated = 0;
  }

  range(key: Uint8Array, rangeEnd: Uint8Array | undefined, opts: RangeOptions = {}): RangeResult {
    return this.rangeAt(keyRange(key, rangeEnd), this.readRevision(opts.rev ?? 0), opts);
  }

  /** Begin a write transaction: one new revision for all its changes (none if it changes nothing). */
  write(): WriteTxn {
    return new WriteTxn(this);
  }

  /** Drop every version that no read at or after `rev` can see. */
  compact(rev: number): void {
    if (rev <= this.compactRev) throw new CompactedRevisionError();
    if (rev > this.currentRev) throw new FutureRevisionError();
    this.compactRev = rev;
    this.allocated = this.dbSize;
    const available = this.index.compact(rev);
    // editRange is the B+ tree's way to change entries while scanning them. Deletions made at
    // the compact revision itself stay until the next compaction: a watch may start at it.
    this.revisions.editRange(0, rev, true, (main, changes) => {
      const kept = changes.filter((c) => (main === rev && c.tombstone) || available.has(revisionKey({ main, sub: c.sub })));
      if (kept.length === changes.length) return undefined;
      for (const c of changes) if (!kept.includes(c)) this.bytes -= changeSize(c);
      return kept.length === 0 ? { delete: true } : { value: kept };
    });
  }

  /**
   * A checksum of the keyspace as of `rev` (0 = current): every stored change up to rev. Members
   * that applied the same history agree on it; a differing hash means divergence.
   */
  hash(rev = 0): { hash: number; rev: number; compactRev: number } {
    const at = this.readRevision(rev);
    let h = 0;
    for (const [main, changes] of this.revisions.entries()) {
      if (main > at) break;
      for (const c of changes) h = crc32(encodeChangeForHash(main, c), h);
    }
    return { hash: h >>> 0, rev: this.currentRev, compactRev: this.compactRev };
  }

  /** Every change with a revision in [from, to], grouped by revision, in order (watch catch-up). */
  changesBetween(from: number, to: number): { rev: number; events: Event[] }[] {
    const out: { rev: number; events: Event[] }[] = [];
    if (from > to) return out;
    this.revisions.forRange(from, to, true, (main, changes) => {
      out.push({ rev: main, events: changes.map(toEvent) });
    });
    return out;
  }

  dump(): KeyspaceDump {
    const changes: StoredChange[] = [];
    for (const list of this.revisions.values()) changes.push(...list);
    return { currentRev: this.currentRev, compactRev: this.compactRev, changes };
  }

  freeze(): FrozenKeyspace {
    const revisions = this.revisions.clone();
    return {
      currentRev: this.currentRev,
      compactRev: this.compactRev,
      *changes() {
        for (const list of revisions.values()) yield* list;
      },
    };
  }

  /** Replace the whole keyspace with a dump (a snapshot being restored). */
  load(d: KeyspaceDump): void {
    this.index = new TreeIndex();
    this.revisions = new BTree<number, StoredChange[]>();
    this.bytes = 0;
    // A member rebuilt from a snapshot holds only what is in use, as after etcd's defragment.
    this.allocated = 0;
    for (const c of d.changes) {
      const key = toKeyString(c.kv.key);
      const rev: Revision = { main: c.kv.modRevision, sub: c.sub };
      if (c.tombstone) {
        // The put it ends may be in the same transaction (same main revision, lower sub).
        if (this.index.get(key, rev.main)) this.index.tombstone(key, rev);
      } else {
        this.index.restore(key, { main: c.kv.createRevision, sub: 0 }, rev, c.kv.version);
      }
      this.storeChange(c);
    }
    this.currentRev = d.currentRev;
    this.compactRev = d.compactRev;
  }

  // ---- internals shared with WriteTxn ----

  /** @internal */
  rangeAt(r: KeyRange, rev: number, opts: RangeOptions): RangeResult {
    const found = this.index.range(r, rev, opts.countOnly ? 0 : opts.limit ?? 0);
    if (opts.countOnly) return { kvs: [], count: found.total, rev: this.currentRev };
    const kvs = found.revs.map((rv) => this.changeAt(rv).kv);
    return { kvs, count: found.total, rev: this.currentRev };
  }

  /** @internal */
  changeAt(rv: Revision): StoredChange {
    const c = this.revisions.get(rv.main)?.find((x) => x.sub === rv.sub);
    if (!c) throw new Error(`mvcc: revision ${rv.main}_${rv.sub} is indexed but not stored`);
    return c;
  }

  /** @internal */
  get treeIndex(): TreeIndex {
    return this.index;
  }

  /** @internal */
  storeChange(c: StoredChange): void {
    const main = c.kv.modRevision;
    const list = this.revisions.get(main);
    if (list) list.push(c);
    else this.revisions.set(main, [c]);
    this.bytes += changeSize(c);
  }

  /** @internal */
  commitRevision(rev: number): void {
    this.currentRev = rev;
  }

  private readRevision(rev: number): number {
    if (rev > this.currentRev) throw new FutureRevisionError();
    if (rev <= 0) return this.currentRev;
    if (rev < this.compactRev) throw new CompactedRevisionError();
    return rev;
  }
}

/**
 * A write transaction. Reads inside it see its own earlier writes (etcd's Txn semantics): they
 * read at the new revision once anything was written.
 */
export class WriteTxn {
  private readonly beginRev: number;
  readonly events: Event[] = [];

  constructor(private readonly store: MvccStore) {
    this.beginRev = store.revision;
  }

  /** The revision this transaction's changes get. */
  get rev(): number {
    return this.beginRev + 1;
  }

  range(key: Uint8Array, rangeEnd: Uint8Array | undefined, opts: RangeOptions = {}): RangeResult {
    const current = this.events.length > 0 ? this.beginRev + 1 : this.beginRev;
    let rev = opts.rev ?? 0;
    if (rev > current) throw new FutureRevisionError();
    if (rev <= 0) rev = current;
    if (rev < this.store.compactRevision) throw new CompactedRevisionError();
    const res = this.store.rangeAt(keyRange(key, rangeEnd), rev, opts);
    return { ...res, rev: current };
  }

  put(key: Uint8Array, value: Uint8Array, lease: bigint): KeyValue {
    const rev = this.beginRev + 1;
    const k = toKeyString(key);
    const prev = this.store.treeIndex.get(k, rev);
    const kv: KeyValue = {
      key: fromKeyString(k),
      value: new Uint8Array(value),
      createRevision: prev ? prev.created.main : rev,
      modRevision: rev,
      version: (prev?.version ?? 0) + 1,
      lease,
    };
    const idx: Revision = { main: rev, sub: this.events.length };
    this.store.storeChange({ sub: idx.sub, kv, tombstone: false });
    this.store.treeIndex.put(k, idx);
    this.events.push({ type: 'put', kv });
    return kv;
  }

  /** Delete every key in the range; returns the deleted keys' last versions (for prev_kv). */
  deleteRange(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeyValue[] {
    const readRev = this.events.length > 0 ? this.beginRev + 1 : this.beginRev;
    const r = keyRange(key, rangeEnd);
    const found = this.store.treeIndex.range(r, readRev);
    const prevs: KeyValue[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      prevs.push(this.store.changeAt(found.revs[i]!).kv);
      const idx: Revision = { main: this.beginRev + 1, sub: this.events.length };
      const kv: KeyValue = { key: fromKeyString(found.keys[i]!), value: EMPTY, createRevision: 0, modRevision: idx.main, version: 0, lease: 0n };
      this.store.storeChange({ sub: idx.sub, kv, tombstone: true });
      this.store.treeIndex.tombstone(found.keys[i]!, idx);
      this.events.push({ type: 'delete', kv });
    }
    return prevs;
  }

  /** Finish: the store moves to the new revision if anything changed. Returns the revision and events. */
  end(): { rev: number; events: Event[] } {
    if (this.events.length === 0) return { rev: this.beginRev, events: [] };
    this.store.commitRevision(this.beginRev + 1);
    return { rev: this.beginRev + 1, events: this.events };
  }
}

function changeSize(c: StoredChange): number {
  return c.kv.key.length + c.kv.value.length + CHANGE_OVERHEAD;
}

function toEvent(c: StoredChange): Event {
  return { type: c.tombstone ? 'delete' : 'put', kv: c.kv };
}

function encodeChangeForHash(main: number, c: StoredChange): Uint8Array {
  const head = Buffer.alloc(41);
  head.writeBigUInt64BE(BigInt(main), 0);
  head.writeBigUInt64BE(BigInt(c.sub), 8);
  head.writeBigUInt64BE(BigInt(c.kv.createRevision), 16);
  head.writeBigUInt64BE(BigInt(c.kv.version), 24);
  head.writeBigInt64BE(c.kv.lease, 32);
  head.writeUInt8(c.tombstone ? 1 : 0, 40);
  return Buffer.concat([head, Buffer.from(c.kv.key), Buffer.from([0]), Buffer.from(c.kv.value)]);
}
