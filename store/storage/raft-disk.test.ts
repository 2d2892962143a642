import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
