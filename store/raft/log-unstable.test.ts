// UnstableLog: the not-yet-persisted tail (and maybe a pending snapshot) of the log.

import { describe, expect, it } from 'vitest';
import { UnstableLog } from './log-unstable.js';
import { emptyConfState, type Entry, type Snapshot } from './types.js';

const ent = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: new Uint8Array() });

const snap = (index: number, term: number): Snapshot => ({
  metadata: { index, term, confState: emptyConfState() },
  data: new Uint8Array(),
});

/** An UnstableLog in a given shape; entries are given as [index, term] and must start at offset. */
function unstable(shape: { offset: number; ents?: Array<[number, number]>; snap?: [number, number] }): UnstableLog {
  const u = new UnstableLog(shape.offset);
  u.entries = (shape.ents ?? []).map(([i, t]) => ent(i, t));
  if (shape.snap) u.snapshot = snap(shape.snap[0], shape.snap[1]);
  return u;
}

const pairs = (ents: readonly Entry[]): Array<[number, number]> => ents.map((e) => [e.index, e.term]);

describe('UnstableLog.maybeFirstIndex', () => {
  const cases: Array<{ name: string; u: UnstableLog; want: number | undefined }> = [
    { name: 'entries, no snapshot', u: unstable({ offset: 5, ents: [[5, 1]] }), want: undefined },
    { name: 'empty', u: unstable({ offset: 0 }), want: undefined },
    { name: 'entries and snapshot', u: unstable({ offset: 5, ents: [[5, 1]], snap: [4, 1] }), want: 5 },
    { name: 'snapshot only', u: unstable({ offset: 5, snap: [4, 1] }), want: 5 },
  ];
  it.each(cases)('$name', ({ u, want }) => expect(u.maybeFirstIndex()).toBe(want));
});

describe('UnstableLog.maybeLastIndex', () => {
  const cases: Array<{ name: string; u: UnstableLog; want: number | undefined }> = [
    { name: 'entries, no snapshot', u: unstable({ offset: 5, ents: [[5, 1]] }), want: 5 },
    { name: 'several entries', u: unstable({ offset: 5, ents: [[5, 1], [6, 1], [7, 2]] }), want: 7 },
    { name: 'entries and snapshot', u: unstable({ offset: 5, ents: [[5, 1]], snap: [4, 1] }), want: 5 },
    { name: 'snapshot only', u: unstable({ offset: 5, snap: [4, 1] }), want: 4 },
    { name: 'empty', u: unstable({ offset: 0 }), want: undefined },
    { name: 'empty at a later offset', u: unstable({ offset: 9 }), want: undefined },
  ];
  it.each(cases)('$name', ({ u, want }) => expect(u.maybeLastIndex()).toBe(want));
});

describe('UnstableLog.maybeTerm', () => {
  const cases: Array<{ name: string; u: UnstableLog; i: number; want: number | undefined }> = [
    { name: 'entry', u: unstable({ offset: 5, ents: [[5, 1]] }), i: 5, want: 1 },
    { name: 'past the last entry', u: unstable({ offset: 5, ents: [[5, 1]] }), i: 6, want: undefined },
    { name: 'before the offset, no snapshot', u: unstable({ offset: 5, ents: [[5, 1]] }), i: 4, want: undefined },
    { name: 'entry, with snapshot', u: unstable({ offset: 5, ents: [[5, 1]], snap: [4, 1] }), i: 5, want: 1 },
    { name: 'past the last, with snapshot', u: unstable({ offset: 5, ents: [[5, 1]], snap: [4, 1] }), i: 6, want: undefined },
    { name: 'the snapshot index', u: unstable({ offset: 5, ents: [[5, 1]], snap: [4, 1] }), i: 4, want: 1 },
    { name: 'before the snapshot', u: unstable({ offset: 5, ents: [[5, 1]], snap: [4, 1] }), i: 3, want: undefined },
    { name: 'snapshot only: at offset', u: unstable({ offset: 5, snap: [4, 1] }), i: 5, want: undefined },
    { name: 'snapshot only: its index', u: unstable({ offset: 5, snap: [4, 2] }), i: 4, want: 2 },
    { name: 'empty', u: unstable({ offset: 0 }), i: 5, want: undefined },
    { name: 'empty, at offset', u: unstable({ offset: 5 }), i: 5, want: undefined },
    { name: 'middle entry', u: unstable({ offset: 5, ents: [[5, 1], [6, 2], [7, 3]] }), i: 6, want: 2 },
  ];
  it.each(cases)('$name: maybeTerm($i)', ({ u, i, want }) => expect(u.maybeTerm(i)).toBe(want));
});

describe('UnstableLog.stableTo', () => {
  const cases: Array<{
    name: string;
    u: UnstableLog;
    at: [number, number];
    offset: number;
    ents: Array<[number, number]>;
  }> = [
    { name: 'empty log', u: unstable({ offset: 0 }), at: [5, 1], offset: 0, ents: [] },
    { name: 'the only entry', u: unstable({ offset: 5, ents: [[5, 1]] }), at: [5, 1], offset: 6, ents: [] },
    { name: 'a prefix', u: unstable({ offset: 5, ents: [[5, 1], [6, 1]] }), at: [5, 1], offset: 6, ents: [[6, 1]] },
    { name: 'stale term (entry replaced meanwhile)', u: unstable({ offset: 6, ents: [[6, 2]] }), at: [6, 1], offset: 6, ents: [[6, 2]] },
    { name: 'below the offset', u: unstable({ offset: 5, ents: [[5, 1]] }), at: [4, 1], offset: 5, ents: [[5, 1]] },
    { name: 'below the offset, other term', u: unstable({ offset: 5, ents: [[5, 1]] }), at: [4, 2], offset: 5, ents: [[5, 1]] },
    { name: 'past the last entry', u: unstable({ offset: 5, ents: [[5, 1], [6, 1]] }), at: [7, 1], offset: 5, ents: [[5, 1], [6, 1]] },
    // With a pending snapshot.
    { name: 'snap: the only entry', u: unstable({ offset: 5, ents: [[5, 1]], snap: [4, 1] }), at: [5, 1], offset: 6, ents: [] },
    { name: 'snap: a prefix', u: unstable({ offset: 5, ents: [[5, 1], [6, 1]], snap: [4, 1] }), at: [5, 1], offset: 6, ents: [[6, 1]] },
    { name: 'snap: stale term', u: unstable({ offset: 6, ents: [[6, 2]], snap: [5, 1] }), at: [6, 1], offset: 6, ents: [[6, 2]] },
    // Matching the snapshot (not an entry) stabilises nothing: stableSnapTo does that.
    { name: 'snap: at the snapshot', u: unstable({ offset: 5, ents: [[5, 1]], snap: [4, 1] }), at: [4, 1], offset: 5, ents: [[5, 1]] },
    { name: 'snap: at the snapshot, other term', u: unstable({ offset: 5, ents: [[5, 2]], snap: [4, 2] }), at: [4, 1], offset: 5, ents: [[5, 2]] },
  ];
  it.each(cases)('$name', ({ u, at, offset, ents }) => {
    const hadSnap = u.snapshot;
    u.stableTo(at[0], at[1]);
    expect(u.offset).toBe(offset);
    expect(pairs(u.entries)).toEqual(ents);
    expect(u.snapshot).toBe(hadSnap);
  });
});

describe('UnstableLog.stableSnapTo', () => {
  const cases: Array<{ name: string; snap?: [number, number]; i: number; kept: boolean }> = [
    { name: 'the pending snapshot', snap: [4, 1], i: 4, kept: false },
    { name: 'an older index', snap: [4, 1], i: 3, kept: true },
    { name: 'a newer index', snap: [4, 1], i: 5, kept: true },
    { name: 'no snapshot', i: 4, kept: false },
  ];
  it.each(cases)('$name', ({ snap: s, i, kept }) => {
    const u = unstable(s ? { offset: 5, ents: [[5, 1]], snap: s } : { offset: 5, ents: [[5, 1]] });
    u.stableSnapTo(i);
    expect(u.snapshot !== undefined).toBe(kept);
    // Entries are untouched either way.
    expect(pairs(u.entries)).toEqual([[5, 1]]);
    expect(u.offset).toBe(5);
  });
});

describe('UnstableLog.restore', () => {
  it('drops every entry and starts after the snapshot', () => {
    const u = unstable({ offset: 5, ents: [[5, 1], [6, 1]], snap: [4, 1] });
    const s = snap(8, 2);
    u.restore(s);
    expect(u.offset).toBe(9);
    expect(u.entries).toEqual([]);
    expect(u.snapshot).toBe(s);
    expect(u.maybeFirstIndex()).toBe(9);
    expect(u.maybeLastIndex()).toBe(8);
    expect(u.maybeTerm(8)).toBe(2);
  });
});

describe('UnstableLog.truncateAndAppend', () => {
  const cases: Array<{
    name: string;
    u: UnstableLog;
    append: Array<[number, number]>;
    offset: number;
    ents: Array<[number, number]>;
  }> = [
    { name: 'append to empty', u: unstable({ offset: 5 }), append: [[5, 1]], offset: 5, ents: [[5, 1]] },
    { name: 'append', u: unstable({ offset: 5, ents: [[5, 1]] }), append: [[6, 1], [7, 1]], offset: 5, ents: [[5, 1], [6, 1], [7, 1]] },
    { name: 'replace all, at the offset', u: unstable({ offset: 5, ents: [[5, 1]] }), append: [[5, 2], [6, 2]], offset: 5, ents: [[5, 2], [6, 2]] },
    { name: 'replace all, before the offset', u: unstable({ offset: 5, ents: [[5, 1]] }), append: [[4, 2], [5, 2], [6, 2]], offset: 4, ents: [[4, 2], [5, 2], [6, 2]] },
    { name: 'replace all of empty, before the offset', u: unstable({ offset: 5 }), append: [[3, 2]], offset: 3, ents: [[3, 2]] },
    { name: 'truncate in the middle', u: unstable({ offset: 5, ents: [[5, 1], [6, 1], [7, 1]] }), append: [[6, 2]], offset: 5, ents: [[5, 1], [6, 2]] },
    { name: 'truncate the last entry', u: unstable({ offset: 5, ents: [[5, 1], [6, 1], [7, 1]] }), append: [[7, 2], [8, 2]], offset: 5, ents: [[5, 1], [6, 1], [7, 2], [8, 2]] },
  ];
  it.each(cases)('$name', ({ u, append, offset, ents }) => {
    const before = u.entries;
    const beforeCopy = pairs(before);
    const input = append.map(([i, t]) => ent(i, t));
    u.truncateAndAppend(input);
    expect(u.offset).toBe(offset);
    expect(pairs(u.entries)).toEqual(ents);
    // Neither the previous entries array (maybe handed out in a Ready) nor the input is shared.
    expect(pairs(before)).toEqual(beforeCopy);
    input.length = 0;
    expect(pairs(u.entries)).toEqual(ents);
  });

  it('keeps a pending snapshot when appending after it', () => {
    const u = unstable({ offset: 5, snap: [4, 1] });
    u.truncateAndAppend([ent(5, 1)]);
    expect(u.snapshot?.metadata.index).toBe(4);
    expect(u.maybeLastIndex()).toBe(5);
  });
});

describe('UnstableLog.slice', () => {
  // Entries 5..7.
  const cases: Array<{ lo: number; hi: number; want?: number[]; err?: RegExp }> = [
    { lo: 5, hi: 5, want: [] },
    { lo: 5, hi: 8, want: [5, 6, 7] },
    { lo: 6, hi: 7, want: [6] },
    { lo: 7, hi: 8, want: [7] },
    { lo: 8, hi: 8, want: [] }, // the upper bound itself is a valid empty slice
    { lo: 4, hi: 6, err: /out of bound/ },
    { lo: 5, hi: 9, err: /out of bound/ },
    { lo: 7, hi: 6, err: /invalid/ },
  ];
  it.each(cases)('slice($lo, $hi)', ({ lo, hi, want, err }) => {
    const u = unstable({ offset: 5, ents: [[5, 1], [6, 1], [7, 2]] });
    if (err) expect(() => u.slice(lo, hi)).toThrow(err);
    else expect(u.slice(lo, hi).map((e) => e.index)).toEqual(want);
  });
});
