// The Raft log, hard state and snapshot on disk, in LevelDB (classic-level).
//
// Layout (binary keys, so LevelDB's byte order is index order):
//   'h'                 hard state          crc32 | term u64 | vote u64 | commit u64
//   'S'                 latest snapshot     crc32 | index u64 | term u64 | confLen u32 | conf JSON
//                                           | dataLen u64 | dataCrc32 u32 | chunkSize u32
//   'c' + index u64 BE + chunk u32 BE       its data, chunkSize bytes per record (the last shorter)
//   'e' + index u64 BE  one log entry       crc32 | term u64 | type u8 | data
//   's'                 a snapshot written by an older version, data inline (read, never written)
// Every record carries a CRC-32 of the rest of its value; a snapshot's chunks are covered by the
// CRC of the whole data in 'S'. A Ready is written as one batch with sync: true (unless only the
// commit index moved), so it is on disk before the host sends the messages that depend on it.
//
// A snapshot's data is stored in chunks so that a member's own snapshot can be written a chunk at
// a time beside the Ready writes: LevelDB applies writes one after another, and a single 100 MB
// value held every Ready behind it while it went to disk. 'S' is written last: it is what makes a
// snapshot exist, and chunks without it are leftovers, removed on open.
//
// On open, records are verified: a damaged last entry is what a crash in the middle of a write
// leaves, so it is dropped (with a warning); damage anywhere else means the disk cannot be trusted
// and the member refuses to start, naming the directory.

import { crc32 } from 'node:zlib';
import { ClassicLevel } from 'classic-level';
import { MemoryStorage } from '../raft/storage.js';
import type { ConfState, Entry, EntryType, HardState, Snapshot } from '../raft/types.js';

export interface DiskLogger {
  warn(msg: string): void;
}

export class CorruptDataError extends Error {
  constructor(dir: string, what: string) {
    super(`raft data in ${dir} is corrupt: ${what}; refusing to start (restore from a snapshot or remove this member's data and re-add it)`);
    this.name = 'CorruptDataError';
  }
}

const HARD_STATE_KEY = Buffer.from('h');
const LEGACY_SNAPSHOT_KEY = Buffer.from('s');
const SNAPSHOT_KEY = Buffer.from('S');
const CHUNK_PREFIX = 0x63; // 'c'
const ENTRY_PREFIX = 0x65; // 'e'
/** A snapshot's data per LevelDB record. */
const CHUNK_SIZE = 1024 * 1024;

function chunkKey(index: number, chunk: number): Buffer {
  const k = Buffer.alloc(13);
  k[0] = CHUNK_PREFIX;
  k.writeBigUInt64BE(BigInt(index), 1);
  k.writeUInt32BE(chunk, 9);
  return k;
}

function entryKey(index: number): Buffer {
  const k = Buffer.alloc(9);
  k[0] = ENTRY_PREFIX;
  k.writeBigUInt64BE(BigInt(index), 1);
  return k;
}

function withCrc(body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeUInt32BE(crc32(body) >>> 0, 0);
  body.copy(out, 4);
  return out;
}

/** The record's body, or undefined when its checksum does not match. */
function checked(value: Buffer): Buffer | undefined {
  if (value.length < 4) return undefined;
  const body = value.subarray(4);
  return (crc32(body) >>> 0) === value.readUInt32BE(0) ? body : undefined;
}

export function encodeEntry(e: Entry): Buffer {
  const body = Buffer.alloc(9 + e.data.length);
  body.writeBigUInt64BE(BigInt(e.term), 0);
  body.writeUInt8(e.type === 'confChange' ? 1 : 0, 8);
  Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength).copy(body, 9);
  return withCrc(body);
}

function decodeEntry(index: number, body: Buffer): Entry {
  const type: EntryType = body.readUInt8(8) === 1 ? 'confChange' : 'normal';
  return { index, term: Number(body.readBigUInt64BE(0)), type, data: new Uint8Array(body.subarray(9)) };
}

function encodeHardState(hs: HardState): Buffer {
  const body = Buffer.alloc(24);
  body.writeBigUInt64BE(BigInt(hs.term), 0);
  body.writeBigUInt64BE(BigInt(hs.vote), 8);
  body.writeBigUInt64BE(BigInt(hs.commit), 16);
  return withCrc(body);
}

/** What 'S' records: a snapshot's metadata and how to find and check its data. */
interface SnapshotManifest {
  metadata: Snapshot['metadata'];
  dataLength: number;
  dataCrc: number;
  chunkSize: number;
}

function encodeManifest(m: SnapshotManifest): Buffer {
  const conf = Buffer.from(JSON.stringify(m.metadata.confState));
  const body = Buffer.alloc(20 + conf.length + 16);
  body.writeBigUInt64BE(BigInt(m.metadata.index), 0);
  body.writeBigUInt64BE(BigInt(m.metadata.term), 8);
  body.writeUInt32BE(conf.length, 16);
  conf.copy(body, 20);
  body.writeBigUInt64BE(BigInt(m.dataLength), 20 + conf.length);
  body.writeUInt32BE(m.dataCrc, 28 + conf.length);
  body.writeUInt32BE(m.chunkSize, 32 + conf.length);
  return withCrc(body);
}

function decodeManifest(body: Buffer): SnapshotManifest {
  const confLen = body.readUInt32BE(16);
  const confState = JSON.parse(body.subarray(20, 20 + confLen).toString()) as ConfState;
  return {
    metadata: { index: Number(body.readBigUInt64BE(0)), term: Number(body.readBigUInt64BE(8)), confState },
    dataLength: Number(body.readBigUInt64BE(20 + confLen)),
    dataCrc: body.readUInt32BE(28 + confLen),
    chunkSize: body.readUInt32BE(32 + confLen),
  };
}

/** The snapshot record older versions wrote: metadata and data in one value. */
function decodeLegacySnapshot(body: Buffer): Snapshot {
  const confLen = body.readUInt32BE(16);
  const confState = JSON.parse(body.subarray(20, 20 + confLen).toString()) as ConfState;
  return {
    metadata: { index: Number(body.readBigUInt64BE(0)), term: Number(body.readBigUInt64BE(8)), confState },
    data: new Uint8Array(body.subarray(20 + confLen)),
  };
}

/** A snapshot's data cut into chunk records (views, not copies). */
function chunksOf(data: Uint8Array, index: number): { key: Buffer; value: Buffer }[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: { key: Buffer; value: Buffer }[] = [];
  for (let at = 0, n = 0; at < buf.length; at += CHUNK_SIZE, n++) out.push({ key: chunkKey(index, n), value: buf.subarray(at, at + CHUNK_SIZE) });
  return out;
}

const manifestFor = (snap: Snapshot, dataCrc: number): SnapshotManifest => ({ metadata: snap.metadata, dataLength: snap.data.length, dataCrc, chunkSize: CHUNK_SIZE });

/** CRC-32 of a large buffer, a chunk per turn of the event loop. */
async function crc32InSlices(data: Uint8Array): Promise<number> {
  let crc = 0;
  for (let at = 0; at < data.length; at += CHUNK_SIZE * 4) {
    crc = crc32(data.subarray(at, at + CHUNK_SIZE * 4), crc);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return crc >>> 0;
}

/**
 * The MemoryStorage the Raft core reads, except that a snapshot's data is not held in memory: it
 * is on disk already, and holding it would double the memory of a member with a large keyspace
 * (a 100 MB image stayed referenced until the next snapshot). The core asks for the snapshot only
 * to send it to a follower that fell behind; its data is then read from disk, once per call.
 */
class DiskSnapshotStorage extends MemoryStorage {
  constructor(private readonly readData: () => Uint8Array) {
    super();
  }

  override applySnapshot(snap: Snapshot): void {
    super.applySnapshot({ metadata: snap.metadata, data: EMPTY });
  }

  override createSnapshot(i: number, confState: ConfState | undefined, _data: Uint8Array): Snapshot {
    return this.withData(super.createSnapshot(i, confState, EMPTY));
  }

  override snapshot(): Snapshot {
    return this.withData(super.snapshot());
  }

  /** The snapshot with its data read from disk when first asked for (and kept by that object only). */
  private withData(s: Snapshot): Snapshot {
    if (s.metadata.index === 0) return s;
    const read = this.readData;
    let data: Uint8Array | undefined;
    return {
      metadata: s.metadata,
      get data(): Uint8Array {
        data ??= read();
        return data;
      },
    };
  }
}

const EMPTY = new Uint8Array(0);
/** Obsolete log entries deleted per LevelDB write, and the pause between two such writes. */
const DELETE_CHUNK = 2000;
const DELETE_PAUSE_MS = 20;

/** What a Ready asks to persist. */
export interface PersistBatch {
  hardState?: HardState;
  entries: readonly Entry[];
  snapshot?: Snapshot;
  /**
   * Ready.mustSync: false when only the commit index moved. Such a write skips the fsync (as
   * etcd's WAL does): a lost commit index is learned again from the leader, and LevelDB's log is
   * ordered, so it can never be durable without the synced entries written before it. Absent
   * means sync.
   */
  sync?: boolean;
}

export class RaftDisk {
  /** The persisted log, mirrored in memory for the Raft core's synchronous reads. */
  readonly storage: MemoryStorage = new DiskSnapshotStorage(() => this.readSnapshotData());
  private lastIndex = 0;
  /**
   * The index of the newest snapshot whose write was started (own or received). Checked and set
   * when a write is issued: LevelDB applies writes in the order they were issued, so an older
   * snapshot finishing late can never overwrite a newer one.
   */
  private snapshotIssued = 0;
  private closing = false;
  /** Deletions nothing waits for (obsolete log entries and snapshot chunks), in order. */
  private housekeeping: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: ClassicLevel<Buffer, Buffer>,
    readonly dir: string,
  ) {}

  /** Open (or create) the data directory and load everything it holds into `storage`. */
  static async open(dir: string, logger: DiskLogger): Promise<RaftDisk> {
    const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const disk = new RaftDisk(db, dir);
    try {
      await disk.load(logger);
    } catch (e) {
      await db.close();
      throw e;
    }
    return disk;
  }

  /** The data of the snapshot on disk (synchronous: the Raft core's storage reads are). */
  private readSnapshotData(): Uint8Array {
    const raw = this.db.getSync(SNAPSHOT_KEY);
    if (raw === undefined) {
      const legacy = this.db.getSync(LEGACY_SNAPSHOT_KEY);
      const body = legacy === undefined ? undefined : checked(legacy);
      if (!body) throw new CorruptDataError(this.dir, 'snapshot record missing or its checksum mismatches');
      return decodeLegacySnapshot(body).data;
    }
    const body = checked(raw);
    if (!body) throw new CorruptDataError(this.dir, 'snapshot record checksum mismatch');
    const m = decodeManifest(body);
    const data = new Uint8Array(m.dataLength);
    for (let at = 0, n = 0; at < m.dataLength; at += m.chunkSize, n++) {
      const chunk = this.db.getSync(chunkKey(m.metadata.index, n));
      if (chunk === undefined || chunk.length !== Math.min(m.chunkSize, m.dataLength - at)) throw new CorruptDataError(this.dir, `snapshot ${m.metadata.index}: chunk ${n} missing or of the wrong size`);
      data.set(chunk, at);
    }
    if ((crc32(data) >>> 0) !== m.dataCrc) throw new CorruptDataError(this.dir, `snapshot ${m.metadata.index}: data checksum mismatch`);
    return data;
  }

  /** Is there any Raft state here (a member restarting), or is this a new member? */
  isEmpty(): boolean {
    return this.storage.lastIndex() === 0 && this.storage.hardStateNow().term === 0;
  }

  private async load(logger: DiskLogger): Promise<void> {
    let snapIndex = 0;
    const manifestRaw = await this.db.get(SNAPSHOT_KEY);
    const legacyRaw = manifestRaw === undefined ? await this.db.get(LEGACY_SNAPSHOT_KEY) : undefined;
    if (manifestRaw !== undefined || legacyRaw !== undefined) {
      const body = checked((manifestRaw ?? legacyRaw)!);
      if (!body) throw new CorruptDataError(this.dir, 'snapshot record checksum mismatch');
      const metadata = manifestRaw !== undefined ? decodeManifest(body).metadata : decodeLegacySnapshot(body).metadata;
      this.storage.applySnapshot({ metadata, data: EMPTY });
      snapIndex = metadata.index;
    }
    this.snapshotIssued = snapIndex;
    // Chunks of any other snapshot: an older one's not yet deleted, or a newer one's whose 'S'
    // was never written (a crash while it was being saved).
    await this.db.clear({ gte: chunkKey(0, 0), lt: chunkKey(snapIndex, 0) });
    await this.db.clear({ gte: chunkKey(snapIndex + 1, 0), lt: Buffer.from([CHUNK_PREFIX + 1]) });
    // Entries a snapshot covers may remain when compaction kept a tail for slow followers; after a
    // restart the log starts at the snapshot, so they are only clutter now.
    const covered: Buffer[] = [];
    for await (const k of this.db.keys({ gt: entryKey(0), lte: entryKey(snapIndex) })) covered.push(k);
    if (covered.length > 0) await this.db.batch(covered.map((key) => ({ type: 'del' as const, key })), { sync: true });

    const entries: Entry[] = [];
    let expected = snapIndex + 1;
    let torn: number | undefined;
    for await (const [k, v] of this.db.iterator({ gt: entryKey(snapIndex), lt: entryKey(Number.MAX_SAFE_INTEGER) })) {
      const index = Number(k.readBigUInt64BE(1));
      if (torn !== undefined) {
        throw new CorruptDataError(this.dir, `log entry ${torn} checksum mismatch (entries follow it)`);
      }
      if (index !== expected) throw new CorruptDataError(this.dir, `log gap: expected entry ${expected}, found ${index}`);
      const body = checked(v);
      if (!body) {
        torn = index;
        continue;
      }
      entries.push(decodeEntry(index, body));
      expected++;
    }
    if (torn !== undefined) {
      // Only the very last record is damaged: an interrupted write. Drop it.
      logger.warn(`raft log in ${this.dir}: last entry ${torn} is torn (checksum mismatch); truncating it`);
      await this.db.del(entryKey(torn), { sync: true });
    }
    this.storage.append(entries);
    this.lastIndex = this.storage.lastIndex();

    const hsRaw = await this.db.get(HARD_STATE_KEY);
    if (hsRaw !== undefined) {
      const body = checked(hsRaw);
      if (!body) throw new CorruptDataError(this.dir, 'hard state record checksum mismatch');
      const hs: HardState = {
        term: Number(body.readBigUInt64BE(0)),
        vote: Number(body.readBigUInt64BE(8)),
        commit: Number(body.readBigUInt64BE(16)),
      };
      if (hs.commit > this.lastIndex) {
        // The commit index is only ever persisted with (or after) the entries it covers, so a
        // commit beyond the log means entries were lost: the torn one was acknowledged.
        throw new CorruptDataError(this.dir, `hard state commit ${hs.commit} is beyond the last log entry ${this.lastIndex}`);
      }
      this.storage.setHardState(hs);
    }
  }

  /**
   * Persist a Ready durably (one synced batch), then mirror it into `storage`. Entries that
   * overlap the log replace it from their first index on (a new leader overwrote a suffix).
   */
  async save(b: PersistBatch): Promise<void> {
    if (b.snapshot || b.entries.length > 0 || b.hardState) {
      // A chained batch, not db.batch(array): abstract-level clones and re-validates every
      // operation of an array batch on the main thread, which cost 2-3 × as much per Ready (one
      // of the largest items in a loaded member's profile).
      const batch = this.db.batch();
      if (b.snapshot) {
        this.snapshotIssued = Math.max(this.snapshotIssued, b.snapshot.metadata.index);
        for (const c of chunksOf(b.snapshot.data, b.snapshot.metadata.index)) batch.put(c.key, c.value);
        batch.put(SNAPSHOT_KEY, encodeManifest(manifestFor(b.snapshot, crc32(b.snapshot.data) >>> 0)));
        batch.del(LEGACY_SNAPSHOT_KEY);
        // Everything the snapshot covers (and any log beyond it from an old leader) is replaced.
        for (let i = this.storage.firstIndex(); i <= this.lastIndex; i++) batch.del(entryKey(i));
      }
      if (b.entries.length > 0) {
        const first = b.entries[0]!.index;
        const last = b.entries[b.entries.length - 1]!.index;
        for (const e of b.entries) batch.put(entryKey(e.index), encodeEntry(e));
        // A conflicting suffix beyond the new entries must not survive a restart.
        for (let i = last + 1; i <= this.lastIndex; i++) if (i >= first) batch.del(entryKey(i));
      }
      if (b.hardState) batch.put(HARD_STATE_KEY, encodeHardState(b.hardState));
      await batch.write({ sync: b.sync ?? true });
    }

    if (b.snapshot) {
      this.storage.applySnapshot(b.snapshot);
      this.dropChunks(0, b.snapshot.metadata.index);
    }
    if (b.entries.length > 0) this.storage.append(b.entries);
    if (b.hardState) this.storage.setHardState(b.hardState);
    this.lastIndex = this.storage.lastIndex();
  }

  /**
   * Record a snapshot the host made of its own state, and drop log entries up to `compactTo`
   * (which may be lower than its index, to keep some entries for slow followers). Returns false,
   * leaving the disk as it was, when a newer snapshot was saved meanwhile (one received from the
   * leader while this one was being made or written).
   *
   * Nothing here holds the Raft loop: the data's checksum is computed a slice at a time, the data
   * is written a chunk per LevelDB write (Ready writes go in between), and the entries dropped are
   * deleted from disk in the background (deleting 100,000 entries in one batch held the loop for
   * over a second). Entries left behind by a crash are removed when the log is next opened.
   */
  async saveSnapshot(snap: Snapshot, compactTo: number): Promise<boolean> {
    const index = snap.metadata.index;
    if (index <= this.snapshotIssued) return false;
    this.snapshotIssued = index;
    const superseded = () => this.snapshotIssued !== index;
    const manifest = manifestFor(snap, await crc32InSlices(snap.data));
    for (const c of chunksOf(snap.data, index)) {
      if (superseded()) break;
      await this.db.put(c.key, c.value);
    }
    if (superseded()) {
      this.dropChunks(index, index + 1);
      return false;
    }
    // The synced write makes the unsynced chunk writes before it durable too: one log, in order.
    await this.db.batch().put(SNAPSHOT_KEY, encodeManifest(manifest)).del(LEGACY_SNAPSHOT_KEY).write({ sync: true });
    this.dropChunks(0, index);
    if (index <= this.storage.snapshot().metadata.index) return false;
    const from = this.storage.firstIndex();
    this.storage.createSnapshot(index, snap.metadata.confState, snap.data);
    if (compactTo >= from) {
      this.storage.compact(compactTo);
      this.background(() => this.deleteEntries(from, compactTo));
    }
    return true;
  }

  /** Delete, in the background, the chunks of the snapshots with an index in [fromIndex, toIndex). */
  private dropChunks(fromIndex: number, toIndex: number): void {
    this.background(() => this.db.clear({ gte: chunkKey(fromIndex, 0), lt: chunkKey(toIndex, 0) }));
  }

  /** Housekeeping nothing waits for, one job after another; close() waits for all of it. */
  private background(job: () => Promise<void>): void {
    this.housekeeping = this.housekeeping.then(job).catch(() => undefined);
  }

  /**
   * Delete log entries [from, to] from disk a chunk at a time, pausing between chunks: the
   * deletion competes for the disk and the CPU with the writes the member is acknowledging, and
   * nothing waits for it.
   */
  private async deleteEntries(from: number, to: number): Promise<void> {
    for (let start = from; start <= to; start += DELETE_CHUNK) {
      await this.db.clear({ gte: entryKey(start), lte: entryKey(Math.min(to, start + DELETE_CHUNK - 1)) });
      // A member shutting down finishes the job without resting: nothing else competes now.
      if (!this.closing) await new Promise((resolve) => setTimeout(resolve, DELETE_PAUSE_MS));
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.housekeeping;
    await this.db.close();
  }
}
