// Inflights: the ring buffer of in-flight append indexes that bounds a follower's window.

import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights.js';

/** The internals, read for assertions only (etcd's tests compare the struct likewise). */
interface Raw {
  start: number;
  count: number;
  buffer: number[];
}
const raw = (inf: Inflights): Raw => inf as unknown as Raw;

/** The in-flight indexes, oldest first. */
function contents(inf: Inflights): number[] {
  const r = raw(inf);
  const out: number[] = [];
  for (let i = 0; i < r.count; i++) out.push(r.buffer[(r.start + i) % inf.size]!);
  return out;
}

function filled(size: number, indexes: number[]): Inflights {
  const inf = new Inflights(size);
  for (const i of indexes) inf.add(i);
  return inf;
}

const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);

describe('Inflights.add', () => {
  const cases: Array<{ size: number; add: number[]; length: number; full: boolean }> = [
    { size: 10, add: [], length: 0, full: false },
    { size: 10, add: range(1, 5), length: 5, full: false },
    { size: 10, add: range(1, 9), length: 9, full: false },
    { size: 10, add: range(1, 10), length: 10, full: true },
    { size: 1, add: [7], length: 1, full: true },
  ];
  it.each(cases)('size $size, add $add', ({ size, add, length, full }) => {
    const inf = filled(size, add);
    expect(inf.length()).toBe(length);
    expect(inf.full()).toBe(full);
    expect(contents(inf)).toEqual(add);
    if (full) {
      expect(() => inf.add(100)).toThrow(/full/);
      expect(contents(inf)).toEqual(add);
    } else {
      inf.add(100);
      expect(inf.length()).toBe(length + 1);
    }
  });
});

describe('Inflights.freeLE', () => {
  const cases: Array<{ name: string; add: number[]; free: number[]; want: number[]; start: number }> = [
    { name: 'below the oldest: nothing', add: range(1, 10), free: [0], want: range(1, 10), start: 0 },
    { name: 'a prefix', add: range(1, 10), free: [4], want: range(5, 10), start: 4 },
    { name: 'the oldest only', add: range(1, 10), free: [1], want: range(2, 10), start: 1 },
    { name: 'everything (start resets)', add: range(1, 10), free: [10], want: [], start: 0 },
    { name: 'past the newest', add: range(1, 10), free: [100], want: [], start: 0 },
    { name: 'a stale (smaller) ack after a larger one', add: range(1, 10), free: [6, 3], want: range(7, 10), start: 6 },
    { name: 'the same ack twice', add: range(1, 10), free: [6, 6], want: range(7, 10), start: 6 },
    { name: 'an index between two in-flight ones', add: [2, 4, 6, 8], free: [5], want: [6, 8], start: 2 },
    { name: 'empty window', add: [], free: [5], want: [], start: 0 },
  ];
  it.each(cases)('$name', ({ add, free, want, start }) => {
    const inf = filled(10, add);
    for (const f of free) inf.freeLE(f);
    expect(contents(inf)).toEqual(want);
    expect(inf.length()).toBe(want.length);
    expect(raw(inf).start).toBe(start);
    expect(inf.full()).toBe(want.length === 10);
  });
});

describe('Inflights: wrap-around', () => {
  it('reuses freed slots at the front of the buffer', () => {
    const inf = filled(10, range(1, 10));
    inf.freeLE(5);
    expect(raw(inf).start).toBe(5);
    expect(inf.full()).toBe(false);
    for (const i of range(11, 15)) inf.add(i);
    expect(inf.full()).toBe(true);
    expect(contents(inf)).toEqual(range(6, 15));
    // 11..15 went into slots 0..4.
    expect(raw(inf).buffer.slice(0, 5)).toEqual(range(11, 15));
    expect(() => inf.add(16)).toThrow(/full/);

    const steps: Array<{ free: number; want: number[]; start: number }> = [
      { free: 9, want: range(10, 15), start: 9 },
      { free: 12, want: range(13, 15), start: 2 }, // freeing crosses the end of the buffer
      { free: 14, want: [15], start: 4 },
      { free: 15, want: [], start: 0 },
    ];
    for (const s of steps) {
      inf.freeLE(s.free);
      expect([s.free, contents(inf), raw(inf).start]).toEqual([s.free, s.want, s.start]);
    }
  });

  it('fills and drains a window of one repeatedly', () => {
    const inf = new Inflights(1);
    for (const i of range(1, 5)) {
      inf.add(i);
      expect(inf.full()).toBe(true);
      inf.freeLE(i);
      expect(inf.length()).toBe(0);
    }
  });
});

describe('Inflights.reset and clone', () => {
  it('reset empties the window', () => {
    const inf = filled(5, range(1, 5));
    inf.freeLE(2);
    inf.add(6);
    inf.add(7);
    inf.reset();
    expect(inf.length()).toBe(0);
    expect(inf.full()).toBe(false);
    expect(raw(inf).start).toBe(0);
    for (const i of range(10, 14)) inf.add(i);
    expect(contents(inf)).toEqual(range(10, 14));
  });

  it('clone copies a wrapped window and is independent of the original', () => {
    const inf = filled(4, range(1, 4));
    inf.freeLE(2);
    inf.add(5);
    inf.add(6); // wrapped: slots hold 5 6 3 4, start 2
    const c = inf.clone();
    expect(c.size).toBe(4);
    expect(contents(c)).toEqual([3, 4, 5, 6]);
    expect(c.full()).toBe(true);
    c.freeLE(4);
    expect(contents(c)).toEqual([5, 6]);
    expect(contents(inf)).toEqual([3, 4, 5, 6]);
    inf.reset();
    expect(contents(c)).toEqual([5, 6]);
  });
});
