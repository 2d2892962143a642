// The Raft log, hard state and snapshot on disk, in LevelDB (classic-level).
//
// Layout (binary keys, so LevelDB's byte order is index order):
//   'h'                 hard state          crc32 | term u64 | vote u64 | commit u64
//   's'                 latest snapshot     crc32 | index u64 | term u64 | confLen u32 | conf JSON | data
//   'e' + index u64 BE  one log entry       crc32 | term u64 | type u8 | data
// Every record carries a CRC-32 of the rest of its value. A Ready is written as one batch with
// sync: true (unless only the commit index moved), so it is on disk before the host sends the
// messages that depend on it.
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
const SNAPSHOT_KEY = Buffer.from('s');
const ENTRY_PREFIX = 0x65; // 'e'

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

function encodeSnapshot(s: Snapshot): Buffer {
  const conf = Buffer.from(JSON.stringify(s.metadata.confState));
  const body = Buffer.alloc(20 + conf.length + s.data.length);
  body.writeBigUInt64BE(BigInt(s.metadata.index), 0);
  body.writeBigUInt64BE(BigInt(s.metadata.term), 8);
  body.writeUInt32BE(conf.length, 16);
  conf.copy(body, 20);
  Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength).copy(body, 20 + conf.length);
  return withCrc(body);
}

function decodeSnapshot(body: Buffer): Snapshot {
  const confLen = body.readUInt32BE(16);
  const confState = JSON.parse(body.subarray(20, 20 + confLen).toString()) as ConfState;
  return {
    metadata: { index: Number(body.readBigUInt64BE(0)), term: Number(body.readBigUInt64BE(8)), confState },
    data: new Uint8Array(body.subarray(20 + confLen)),
  };
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
    const body = raw === undefined ? undefined : checked(raw);
    if (!body) throw new CorruptDataError(this.dir, 'snapshot record missing or its checksum mismatches');
    return decodeSnapshot(body).data;
  }

  /** Is there any Raft state here (a member restarting), or is this a new member? */
  isEmpty(): boolean {
    return this.storage.lastIndex() === 0 && this.storage.hardStateNow().term === 0;
  }

  private async load(logger: DiskLogger): Promise<void> {
    const snapRaw = await this.db.get(SNAPSHOT_KEY);
    let snapIndex = 0;
    if (snapRaw !== undefined) {
      const body = checked(snapRaw);
      if (!body) throw new CorruptDataError(this.dir, 'snapshot record checksum mismatch');
      const snap = decodeSnapshot(body);
      this.storage.applySnapshot(snap);
      snapIndex = snap.metadata.index;
    }
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
        batch.put(SNAPSHOT_KEY, encodeSnapshot(b.snapshot));
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

    if (b.snapshot) this.storage.applySnapshot(b.snapshot);
    if (b.entries.length > 0) this.storage.append(b.entries);
    if (b.hardState) this.storage.setHardState(b.hardState);
    this.lastIndex = this.storage.lastIndex();
  }

  /**
   * Record a snapshot the host made of its own state at `index`, and drop log entries up to
   * `compactTo` (which may be lower than index, to keep some entries for slow followers).
   */
  async saveSnapshot(snap: Snapshot, compactTo: number): Promise<void> {
    const ops: ({ type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer })[] = [
      { type: 'put', key: SNAPSHOT_KEY, value: encodeSnapshot(snap) },
    ];
    const from = this.storage.firstIndex();
    for (let i = from; i <= compactTo; i++) ops.push({ type: 'del', key: entryKey(i) });
    await this.db.batch(ops, { sync: true });
    this.storage.createSnapshot(snap.metadata.index, snap.metadata.confState, snap.data);
    if (compactTo >= from) this.storage.compact(compactTo);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
