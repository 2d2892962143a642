// MemoryStorage: the sentinel entry, the error contract (compacted / unavailable / out of date),
// size limiting, compaction, snapshots, and append's overlap rules.

import { describe, expect, it } from 'vitest';
import { MemoryStorage, limitSize } from './storage.js';
import {
  CompactedError,
  SnapshotOutOfDateError,
  UnavailableError,
  emptyConfState,
  type ConfState,
  type Entry,
  type Snapshot,
} from './types.js';

/** An entry whose data is `size` bytes, so that its accounted size is size + 16. */
const ent = (index: number, term: number, size = 0): Entry => ({ index, term, type: 'normal', data: new Uint8Array(size) });

const snap = (index: number, term: number, confState: ConfState = emptyConfState()): Snapshot => ({
  metadata: { index, term, confState },
  data: new Uint8Array([index]),
});

/** A storage whose sentinel is (3, 3), holding 4/4 and 5/5 (the shape etcd's tests use). */
function storage345(): MemoryStorage {
  const s = new MemoryStorage();
  s.applySnapshot(snap(3, 3));
  s.append([ent(4, 4), ent(5, 5)]);
  return s;
}

/** [index, term] for the sentinel and every held entry. */
function dump(s: MemoryStorage): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = s.firstIndex() - 1; i <= s.lastIndex(); i++) out.push([i, s.term(i)]);
  return out;
}

const ids = (ents: readonly Entry[]) => ents.map((e) => e.index);

type ErrorClass = typeof CompactedError | typeof UnavailableError | typeof SnapshotOutOfDateError;

describe('MemoryStorage: a fresh storage', () => {
  it('holds only the sentinel (0, 0)', () => {
    const s = new MemoryStorage();
    expect(s.firstIndex()).toBe(1);
    expect(s.lastIndex()).toBe(0);
    expect(s.term(0)).toBe(0);
    expect(() => s.term(1)).toThrow(UnavailableError);
    expect(() => s.entries(1, 1, Infinity)).toThrow(UnavailableError);
    expect(s.snapshot().metadata.index).toBe(0);
    expect(s.initialState()).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, confState: emptyConfState() });
  });

  it('copies the hard state in and out', () => {
    const s = new MemoryStorage();
    const hs = { term: 2, vote: 1, commit: 1 };
    s.setHardState(hs);
    hs.term = 99;
    expect(s.hardStateNow()).toEqual({ term: 2, vote: 1, commit: 1 });
    s.hardStateNow().term = 42;
    expect(s.initialState().hardState).toEqual({ term: 2, vote: 1, commit: 1 });
  });
});

describe('MemoryStorage.term', () => {
  const cases: Array<{ i: number; want?: number; err?: ErrorClass }> = [
    { i: 2, err: CompactedError },
    { i: 3, want: 3 }, // the sentinel: the snapshot's term
    { i: 4, want: 4 },
    { i: 5, want: 5 },
    { i: 6, err: UnavailableError },
  ];
  it.each(cases)('term($i)', ({ i, want, err }) => {
    const s = storage345();
    if (err) expect(() => s.term(i)).toThrow(err);
    else expect(s.term(i)).toBe(want);
  });
});

describe('MemoryStorage.entries', () => {
  // Sentinel 3, entries 4..6, each 16 bytes (empty data).
  const cases: Array<{ lo: number; hi: number; maxSize: number; want?: number[]; err?: ErrorClass | RegExp }> = [
    { lo: 2, hi: 6, maxSize: Infinity, err: CompactedError },
    { lo: 3, hi: 4, maxSize: Infinity, err: CompactedError }, // the sentinel is not an entry
    { lo: 4, hi: 4, maxSize: Infinity, want: [] },
    { lo: 4, hi: 5, maxSize: Infinity, want: [4] },
    { lo: 4, hi: 6, maxSize: Infinity, want: [4, 5] },
    { lo: 4, hi: 7, maxSize: Infinity, want: [4, 5, 6] },
    { lo: 5, hi: 7, maxSize: Infinity, want: [5, 6] },
    { lo: 7, hi: 7, maxSize: Infinity, want: [] },
    // maxSize: always at least one entry, then as many as fit.
    { lo: 4, hi: 7, maxSize: 0, want: [4] },
    { lo: 4, hi: 7, maxSize: 16, want: [4] },
    { lo: 4, hi: 7, maxSize: 31, want: [4] },
    { lo: 4, hi: 7, maxSize: 32, want: [4, 5] },
    { lo: 4, hi: 7, maxSize: 47, want: [4, 5] },
    { lo: 4, hi: 7, maxSize: 48, want: [4, 5, 6] },
    { lo: 4, hi: 8, maxSize: Infinity, err: /out of bound/ },
  ];
  it.each(cases)('entries($lo, $hi, $maxSize)', ({ lo, hi, maxSize, want, err }) => {
    const s = storage345();
    s.append([ent(6, 6)]);
    if (err) expect(() => s.entries(lo, hi, maxSize)).toThrow(err);
    else expect(ids(s.entries(lo, hi, maxSize))).toEqual(want);
  });

  it('counts data bytes in the size limit', () => {
    const s = new MemoryStorage();
    s.append([ent(1, 1, 10), ent(2, 1, 10), ent(3, 1, 10)]); // 26 bytes each
    expect(ids(s.entries(1, 4, 51))).toEqual([1]);
    expect(ids(s.entries(1, 4, 52))).toEqual([1, 2]);
    expect(ids(s.entries(1, 4, 78))).toEqual([1, 2, 3]);
    // A single entry larger than the limit is still returned.
    expect(ids(s.entries(2, 4, 5))).toEqual([2]);
  });
});

describe('limitSize', () => {
  const e3 = [ent(1, 1, 4), ent(2, 1, 0), ent(3, 1, 8)]; // sizes 20, 16, 24
  const cases: Array<{ maxSize: number; want: number[] }> = [
    { maxSize: 0, want: [1] },
    { maxSize: 20, want: [1] },
    { maxSize: 35, want: [1] },
    { maxSize: 36, want: [1, 2] },
    { maxSize: 59, want: [1, 2] },
    { maxSize: 60, want: [1, 2, 3] },
    { maxSize: Infinity, want: [1, 2, 3] },
  ];
  it.each(cases)('limitSize(maxSize=$maxSize)', ({ maxSize, want }) => {
    expect(ids(limitSize(e3, maxSize))).toEqual(want);
  });

  it('returns the same array when nothing is cut, and handles empty input', () => {
    expect(limitSize(e3, Infinity)).toBe(e3);
    expect(limitSize([], 0)).toEqual([]);
  });
});

describe('MemoryStorage.firstIndex/lastIndex through a lifetime', () => {
  it('tracks the sentinel', () => {
    const s = new MemoryStorage();
    const steps: Array<{ what: string; run: () => void; first: number; last: number }> = [
      { what: 'fresh', run: () => {}, first: 1, last: 0 },
      { what: 'append 1..3', run: () => s.append([ent(1, 1), ent(2, 1), ent(3, 2)]), first: 1, last: 3 },
      { what: 'compact 2', run: () => s.compact(2), first: 3, last: 3 },
      { what: 'append 4', run: () => s.append([ent(4, 2)]), first: 3, last: 4 },
      { what: 'compact 4', run: () => s.compact(4), first: 5, last: 4 },
      { what: 'apply snapshot 10', run: () => s.applySnapshot(snap(10, 3)), first: 11, last: 10 },
      { what: 'append 11', run: () => s.append([ent(11, 3)]), first: 11, last: 11 },
    ];
    for (const step of steps) {
      step.run();
      expect([step.what, s.firstIndex(), s.lastIndex()]).toEqual([step.what, step.first, step.last]);
    }
    expect(s.term(10)).toBe(3);
  });
});

describe('MemoryStorage.compact', () => {
  const cases: Array<{ i: number; want?: Array<[number, number]>; err?: ErrorClass | RegExp }> = [
    { i: 2, err: CompactedError },
    { i: 3, err: CompactedError }, // already the sentinel
    { i: 4, want: [[4, 4], [5, 5]] },
    { i: 5, want: [[5, 5]] }, // everything compacted: only the sentinel remains
    { i: 6, err: /out of bound/ },
  ];
  it.each(cases)('compact($i)', ({ i, want, err }) => {
    const s = storage345();
    if (err) {
      expect(() => s.compact(i)).toThrow(err);
      expect(dump(s)).toEqual([[3, 3], [4, 4], [5, 5]]);
      return;
    }
    s.compact(i);
    expect(dump(s)).toEqual(want);
    expect(s.firstIndex()).toBe(i + 1);
    expect(() => s.term(i - 1)).toThrow(CompactedError);
    // Compaction does not touch the snapshot.
    expect(s.snapshot().metadata.index).toBe(3);
  });

  it('keeps the compacted entry term in the sentinel but drops its data', () => {
    const s = new MemoryStorage();
    s.append([ent(1, 1, 5), ent(2, 2, 5)]);
    s.compact(1);
    expect(s.term(1)).toBe(1);
    expect(() => s.entries(1, 2, Infinity)).toThrow(CompactedError);
    expect(s.entries(2, 3, Infinity)[0]!.data.length).toBe(5);
  });
});

describe('MemoryStorage.createSnapshot', () => {
  const cs: ConfState = { ...emptyConfState(), voters: [1, 2, 3] };
  const cases: Array<{ i: number; confState?: ConfState; wantTerm?: number; err?: ErrorClass | RegExp }> = [
    { i: 2, err: SnapshotOutOfDateError },
    { i: 3, err: SnapshotOutOfDateError }, // equal to the held snapshot
    { i: 4, confState: cs, wantTerm: 4 },
    { i: 5, confState: cs, wantTerm: 5 },
    { i: 5, wantTerm: 5 }, // no confState: keeps the previous one
    { i: 6, err: /out of bound/ },
  ];
  it.each(cases)('createSnapshot($i)', ({ i, confState, wantTerm, err }) => {
    const prevCs: ConfState = { ...emptyConfState(), voters: [7] };
    const s = new MemoryStorage();
    s.applySnapshot(snap(3, 3, prevCs));
    s.append([ent(4, 4), ent(5, 5)]);
    const data = new Uint8Array([42]);
    if (err) {
      expect(() => s.createSnapshot(i, confState, data)).toThrow(err);
      expect(s.snapshot().metadata.index).toBe(3);
      return;
    }
    const got = s.createSnapshot(i, confState, data);
    expect(got.metadata).toEqual({ index: i, term: wantTerm, confState: confState ?? prevCs });
    expect(got.data).toBe(data);
    expect(s.snapshot()).toBe(got);
    expect(s.initialState().confState).toEqual(confState ?? prevCs);
    // The log is not compacted by taking a snapshot.
    expect(dump(s)).toEqual([[3, 3], [4, 4], [5, 5]]);
  });

  it('may not go back after a newer snapshot was taken', () => {
    const s = storage345();
    s.createSnapshot(5, undefined, new Uint8Array());
    expect(() => s.createSnapshot(4, undefined, new Uint8Array())).toThrow(SnapshotOutOfDateError);
  });
});

describe('MemoryStorage.applySnapshot', () => {
  const cases: Array<{ held: number; apply: number; err?: boolean }> = [
    { held: 0, apply: 4 },
    { held: 4, apply: 4, err: true }, // the same snapshot again
    { held: 4, apply: 3, err: true }, // an older one
    { held: 4, apply: 5 },
  ];
  it.each(cases)('holding $held, apply $apply', ({ held, apply, err }) => {
    const s = new MemoryStorage();
    s.append([ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2), ent(5, 3), ent(6, 3)]);
    if (held > 0) s.applySnapshot(snap(held, 2));
    const cs: ConfState = { ...emptyConfState(), voters: [1, 2], learners: [3] };
    const next = snap(apply, 3, cs);
    if (err) {
      const before = dump(s);
      expect(() => s.applySnapshot(next)).toThrow(SnapshotOutOfDateError);
      expect(dump(s)).toEqual(before);
      expect(s.snapshot().metadata.index).toBe(held);
      return;
    }
    s.applySnapshot(next);
    // Everything is replaced: the snapshot becomes the sentinel, even entries after it are dropped.
    expect(dump(s)).toEqual([[apply, 3]]);
    expect(s.firstIndex()).toBe(apply + 1);
    expect(s.lastIndex()).toBe(apply);
    expect(s.snapshot()).toBe(next);
    expect(s.initialState().confState).toEqual(cs);
    expect(() => s.entries(apply + 1, apply + 1, Infinity)).toThrow(UnavailableError);
  });
});

describe('MemoryStorage.append', () => {
  // Start: sentinel 3/3, then 4/4, 5/5.
  const cases: Array<{ name: string; ents: Entry[]; want?: Array<[number, number]>; err?: RegExp }> = [
    { name: 'nothing', ents: [], want: [[3, 3], [4, 4], [5, 5]] },
    { name: 'the same entries (incl. the compacted one)', ents: [ent(3, 3), ent(4, 4), ent(5, 5)], want: [[3, 3], [4, 4], [5, 5]] },
    { name: 'overlap replacing the tail', ents: [ent(3, 3), ent(4, 6), ent(5, 6)], want: [[3, 3], [4, 6], [5, 6]] },
    { name: 'overlap then extend', ents: [ent(3, 3), ent(4, 4), ent(5, 5), ent(6, 5)], want: [[3, 3], [4, 4], [5, 5], [6, 5]] },
    { name: 'compacted prefix ignored, rest truncates', ents: [ent(2, 3), ent(3, 3), ent(4, 5)], want: [[3, 3], [4, 5]] },
    { name: 'truncate from the first entry', ents: [ent(4, 5)], want: [[3, 3], [4, 5]] },
    { name: 'truncate the last entry only', ents: [ent(5, 6)], want: [[3, 3], [4, 4], [5, 6]] },
    { name: 'directly after the last entry', ents: [ent(6, 5)], want: [[3, 3], [4, 4], [5, 5], [6, 5]] },
    { name: 'entirely compacted: ignored', ents: [ent(1, 1), ent(2, 2)], want: [[3, 3], [4, 4], [5, 5]] },
    { name: 'ending at the sentinel: ignored', ents: [ent(2, 2), ent(3, 9)], want: [[3, 3], [4, 4], [5, 5]] },
    { name: 'a gap after the last entry', ents: [ent(7, 5)], err: /missing log entry/ },
  ];
  it.each(cases)('$name', ({ ents, want, err }) => {
    const s = storage345();
    if (err) {
      expect(() => s.append(ents)).toThrow(err);
      expect(dump(s)).toEqual([[3, 3], [4, 4], [5, 5]]);
      return;
    }
    s.append(ents);
    expect(dump(s)).toEqual(want);
  });

  it('does not let the caller mutate the held log through its array', () => {
    const s = new MemoryStorage();
    const batch = [ent(1, 1), ent(2, 1)];
    s.append(batch);
    batch.push(ent(3, 1));
    batch.length = 0;
    expect(dump(s)).toEqual([[0, 0], [1, 1], [2, 1]]);
  });
});
