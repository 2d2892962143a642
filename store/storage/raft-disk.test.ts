import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it } from 'vitest';
import type { Entry, Snapshot } from '../raft/types.js';
import { CorruptDataError, RaftDisk } from './raft-disk.js';

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'raft-disk-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ent = (index: number, term: number, data = `d${index}`): Entry => ({ index, term, type: 'normal', data: new TextEncoder().encode(data) });
const warnings: string[] = [];
const logger = { warn: (m: string) => warnings.push(m) };

async function reopen(dir: string) {
  return RaftDisk.open(dir, logger);
}

/** Overwrite one raw record, as bit rot or a torn write would. */
async function damage(dir: string, key: Buffer) {
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const v = (await db.get(key))!;
  v[v.length - 1] ^= 0xff;
  await db.put(key, v);
  await db.close();
}
const entryKey = (i: number) => {
  const k = Buffer.alloc(9);
  k[0] = 0x65;
  k.writeBigUInt64BE(BigInt(i), 1);
  return k;
};

const chunkKey = (index: number, n: number) => {
  const k = Buffer.alloc(13);
  k[0] = 0x63;
  k.writeBigUInt64BE(BigInt(index), 1);
  k.writeUInt32BE(n, 9);
  return k;
};

/** Compared without a deep walk over megabytes of data, byte by byte. */
function expectSnapshot(got: Snapshot, want: Snapshot) {
  expect(got.metadata).toEqual(want.metadata);
  expect(Buffer.compare(Buffer.from(got.data), Buffer.from(want.data))).toBe(0);
}

/** The snapshot indexes that have chunk records on disk. */
async function chunkIndexes(dir: string): Promise<number[]> {
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const seen = new Set<number>();
  for await (const k of db.keys({ gte: Buffer.from('c'), lt: Buffer.from('d') })) seen.add(Number(k.readBigUInt64BE(1)));
  await db.close();
  return [...seen];
}

describe('RaftDisk', () => {
  it('a new directory is empty; what was saved is there after reopening', async () => {
    const dir = freshDir();
    let disk = await reopen(dir);
    expect(disk.isEmpty()).toBe(true);
    await disk.save({ hardState: { term: 2, vote: 3, commit: 2 }, entries: [ent(1, 1), ent(2, 2), ent(3, 2)] });
    await disk.close();
    disk = await reopen(dir);
    expect(disk.isEmpty()).toBe(false);
    expect(disk.storage.hardStateNow()).toEqual({ term: 2, vote: 3, commit: 2 });
    expect(disk.storage.entries(1, 4, Infinity)).toEqual([ent(1, 1), ent(2, 2), ent(3, 2)]);
    await disk.close();
  });

  it('entries from a new leader replace a conflicting suffix, on disk too', async () => {
    const dir = freshDir();
    let disk = await reopen(dir);
    await disk.save({ entries: [ent(1, 1), ent(2, 1), ent(3, 1), ent(4, 1)] });
    await disk.save({ entries: [ent(2, 2, 'new')] });
    expect(disk.storage.lastIndex()).toBe(2);
    await disk.close();
    disk = await reopen(dir);
    expect(disk.storage.entries(1, 3, Infinity)).toEqual([ent(1, 1), ent(2, 2, 'new')]);
    await disk.close();
  });

  it('snapshots survive restarts and compact the log', async () => {
    const dir = freshDir();
    let disk = await reopen(dir);
    await disk.save({ hardState: { term: 1, vote: 1, commit: 5 }, entries: [1, 2, 3, 4, 5].map((i) => ent(i, 1)) });
    const conf = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    const snap: Snapshot = { metadata: { index: 4, term: 1, confState: conf }, data: new TextEncoder().encode('state@4') };
    await disk.saveSnapshot(snap, 2); // keep 3 and 4 for slow followers
    expect(disk.storage.firstIndex()).toBe(3);
    await disk.close();
    disk = await reopen(dir);
    expect(disk.storage.snapshot()).toEqual(snap);
    expect(disk.storage.firstIndex()).toBe(5);
    expect(disk.storage.entries(5, 6, Infinity)).toEqual([ent(5, 1)]);
    expect(disk.storage.initialState().confState).toEqual(conf);
    await disk.close();
  });

  it("deletes the entries a snapshot made obsolete from disk, not only from memory", async () => {
    const dir = freshDir();
    const disk = await reopen(dir);
    await disk.save({ hardState: { term: 1, vote: 1, commit: 8 }, entries: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ent(i, 1)) });
    const conf = { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    expect(await disk.saveSnapshot({ metadata: { index: 6, term: 1, confState: conf }, data: new Uint8Array([6]) }, 4)).toBe(true);
    expect(disk.storage.firstIndex()).toBe(5);
    await disk.close(); // waits for the background deletion
    const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const indexes: number[] = [];
    for await (const k of db.keys({ gt: Buffer.from('e'), lt: Buffer.from('f') })) indexes.push(Number(k.readBigUInt64BE(1)));
    await db.close();
    expect(indexes).toEqual([5, 6, 7, 8]);
  });

  it("does not save its own snapshot over a newer one received while it was being made", async () => {
    const dir = freshDir();
    let disk = await reopen(dir);
    await disk.save({ hardState: { term: 1, vote: 1, commit: 5 }, entries: [1, 2, 3, 4, 5].map((i) => ent(i, 1)) });
    const conf = { voters: [1, 2], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    const received: Snapshot = { metadata: { index: 20, term: 2, confState: conf }, data: new Uint8Array([20]) };
    await disk.save({ snapshot: received, entries: [], hardState: { term: 2, vote: 0, commit: 20 } });
    expect(await disk.saveSnapshot({ metadata: { index: 4, term: 1, confState: conf }, data: new Uint8Array([4]) }, 2)).toBe(false);
    expect(disk.storage.snapshot().metadata.index).toBe(20);
    await disk.close();
    disk = await reopen(dir);
    expect(disk.storage.snapshot()).toEqual(received);
    await disk.close();
  });

  it('keeps a snapshot larger than one chunk record, made here or received, whole across a restart', async () => {
    const big = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
    const conf = { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    const dir = freshDir();
    let disk = await reopen(dir);
    await disk.save({ hardState: { term: 1, vote: 1, commit: 3 }, entries: [1, 2, 3].map((i) => ent(i, 1)) });
    const own: Snapshot = { metadata: { index: 3, term: 1, confState: conf }, data: big };
    expect(await disk.saveSnapshot(own, 2)).toBe(true);
    await disk.close();
    disk = await reopen(dir);
    expectSnapshot(disk.storage.snapshot(), own);
    const received: Snapshot = { metadata: { index: 9, term: 2, confState: conf }, data: big.map((v) => 255 - v) };
    await disk.save({ snapshot: received, entries: [], hardState: { term: 2, vote: 0, commit: 9 } });
    await disk.close();
    disk = await reopen(dir);
    expectSnapshot(disk.storage.snapshot(), received);
    await disk.close();
    // Only the latest snapshot's chunks are left.
    expect(await chunkIndexes(dir)).toEqual([9]);
  });

  it('a damaged snapshot chunk is refused when the snapshot is read, naming the directory', async () => {
    const conf = { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    const dir = freshDir();
    let disk = await reopen(dir);
    await disk.save({ hardState: { term: 1, vote: 1, commit: 2 }, entries: [ent(1, 1), ent(2, 1)] });
    await disk.saveSnapshot({ metadata: { index: 2, term: 1, confState: conf }, data: new TextEncoder().encode('state@2') }, 1);
    await disk.close();
    await damage(dir, chunkKey(2, 0));
    disk = await reopen(dir);
    expect(() => disk.storage.snapshot().data).toThrow(CorruptDataError);
    expect(() => disk.storage.snapshot().data).toThrow(/data checksum mismatch/);
    await disk.close();
  });

  it('reads the one-record snapshot older versions wrote, and removes chunks no snapshot names', async () => {
    const dir = freshDir();
    const conf = { voters: [1, 2], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const confJson = Buffer.from(JSON.stringify(conf));
    const body = Buffer.alloc(20 + confJson.length + 3);
    body.writeBigUInt64BE(7n, 0);
    body.writeBigUInt64BE(2n, 8);
    body.writeUInt32BE(confJson.length, 16);
    confJson.copy(body, 20);
    body.set([1, 2, 3], 20 + confJson.length);
    const record = Buffer.alloc(4 + body.length);
    record.writeUInt32BE(crc32(body) >>> 0, 0);
    body.copy(record, 4);
    await db.put(Buffer.from('s'), record);
    await db.put(chunkKey(12, 0), Buffer.from('a snapshot whose manifest was never written'));
    await db.close();
    const disk = await reopen(dir);
    expect(disk.storage.snapshot()).toEqual({ metadata: { index: 7, term: 2, confState: conf }, data: new Uint8Array([1, 2, 3]) });
    await disk.close();
    expect(await chunkIndexes(dir)).toEqual([]);
  });

  it('a snapshot received from the leader replaces the whole log', async () => {
    const dir = freshDir();
    let disk = await reopen(dir);
    await disk.save({ entries: [ent(1, 1), ent(2, 1)] });
    const conf = { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    await disk.save({ snapshot: { metadata: { index: 10, term: 3, confState: conf }, data: new Uint8Array([1]) }, entries: [], hardState: { term: 3, vote: 0, commit: 10 } });
    await disk.close();
    disk = await reopen(dir);
    expect(disk.storage.firstIndex()).toBe(11);
    expect(disk.storage.lastIndex()).toBe(10);
    expect(disk.storage.hardStateNow().commit).toBe(10);
    await disk.close();
  });

  it('a torn last entry is truncated with a warning', async () => {
    const dir = freshDir();
    let disk = await reopen(dir);
    await disk.save({ hardState: { term: 1, vote: 0, commit: 2 }, entries: [ent(1, 1), ent(2, 1), ent(3, 1)] });
    await disk.close();
    await damage(dir, entryKey(3));
    warnings.length = 0;
    disk = await reopen(dir);
    expect(disk.storage.lastIndex()).toBe(2);
    expect(warnings.join()).toMatch(/last entry 3 is torn/);
    await disk.close();
  });

  it('damage in the middle of the log refuses to start, naming the directory', async () => {
    const dir = freshDir();
    const disk = await reopen(dir);
    await disk.save({ entries: [ent(1, 1), ent(2, 1), ent(3, 1)] });
    await disk.close();
    await damage(dir, entryKey(2));
    await expect(reopen(dir)).rejects.toThrow(CorruptDataError);
    await expect(reopen(dir)).rejects.toThrow(dir);
  });

  it('a damaged hard state refuses to start; so does a commit index beyond the log', async () => {
    const dir = freshDir();
    let disk = await reopen(dir);
    await disk.save({ hardState: { term: 1, vote: 0, commit: 2 }, entries: [ent(1, 1), ent(2, 1)] });
    await disk.close();
    await damage(dir, Buffer.from('h'));
    await expect(reopen(dir)).rejects.toThrow(/hard state record checksum/);

    const dir2 = freshDir();
    disk = await reopen(dir2);
    await disk.save({ hardState: { term: 1, vote: 0, commit: 2 }, entries: [ent(1, 1), ent(2, 1)] });
    await disk.close();
    await damage(dir2, entryKey(2)); // the torn entry was committed: an acknowledged write is gone
    await expect(reopen(dir2)).rejects.toThrow(/commit 2 is beyond the last log entry 1/);
  });
});
