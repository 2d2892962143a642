// ReadOnly: the queue of pending ReadIndex requests, their heartbeat acks, and their release order.

import { describe, expect, it } from 'vitest';
import { ReadOnly } from './readonly.js';
import { message, type Message } from './types.js';

const ctx = (s: string) => new TextEncoder().encode(s);
const req = (c: string | Uint8Array | undefined, from = 1): Message =>
  message({ type: 'MsgReadIndex', from, context: typeof c === 'string' ? ctx(c) : c });

const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

/** Adds requests [ctx, index] in order. */
function withRequests(reqs: Array<[string, number]>): ReadOnly {
  const ro = new ReadOnly();
  for (const [c, index] of reqs) ro.addRequest(index, req(c));
  return ro;
}

describe('ReadOnly.addRequest', () => {
  const cases: Array<{ name: string; add: Array<[string, number]>; pending: number; last: string | undefined }> = [
    { name: 'nothing', add: [], pending: 0, last: undefined },
    { name: 'one', add: [['a', 5]], pending: 1, last: 'a' },
    { name: 'several', add: [['a', 5], ['b', 5], ['c', 7]], pending: 3, last: 'c' },
    { name: 'a duplicate context is ignored', add: [['a', 5], ['b', 6], ['a', 9]], pending: 2, last: 'b' },
  ];
  it.each(cases)('$name', ({ add, pending, last }) => {
    const ro = withRequests(add);
    expect(ro.pendingCount()).toBe(pending);
    expect(dec(ro.lastPendingRequestCtx())).toBe(last);
  });

  it('keeps the first index of a duplicated context', () => {
    const ro = withRequests([['a', 5], ['a', 9]]);
    const [rs] = ro.advance(ctx('a'));
    expect(rs!.index).toBe(5);
  });
});

describe('ReadOnly.recvAck', () => {
  const cases: Array<{ name: string; acks: Array<[number, string]>; ask: string; want: number[] | undefined }> = [
    { name: 'unknown context', acks: [], ask: 'zz', want: undefined },
    { name: 'one ack', acks: [[2, 'a']], ask: 'a', want: [2] },
    { name: 'acks add up', acks: [[2, 'a'], [3, 'a']], ask: 'a', want: [2, 3] },
    { name: 'a repeated ack counts once', acks: [[2, 'a'], [2, 'a']], ask: 'a', want: [2] },
    { name: 'acks are per request', acks: [[2, 'a'], [3, 'b']], ask: 'b', want: [3] },
  ];
  it.each(cases)('$name', ({ acks, ask, want }) => {
    const ro = withRequests([['a', 5], ['b', 6]]);
    let last: Map<number, boolean> | undefined;
    for (const [id, c] of acks) last = ro.recvAck(id, ctx(c));
    if (want === undefined) {
      expect(ro.recvAck(9, ctx(ask))).toBeUndefined();
    } else {
      expect(last).toBeDefined();
      const got = ro.recvAck(1, ctx(ask))!; // the leader's own ack, say
      expect([...got.keys()].sort()).toEqual([1, ...want].sort());
      expect([...got.values()].every((v) => v)).toBe(true);
    }
  });

  it('knows nothing of a request once it was released', () => {
    const ro = withRequests([['a', 5]]);
    ro.advance(ctx('a'));
    expect(ro.recvAck(2, ctx('a'))).toBeUndefined();
  });
});

describe('ReadOnly.advance', () => {
  // Requests a@5, b@6, c@6, d@8 in this order; advance the given contexts one after the other.
  const cases: Array<{ name: string; advance: string[]; released: string[][]; left: number }> = [
    { name: 'the first', advance: ['a'], released: [['a']], left: 3 },
    { name: 'a later one releases the earlier ones, in order', advance: ['c'], released: [['a', 'b', 'c']], left: 1 },
    { name: 'the last releases everything', advance: ['d'], released: [['a', 'b', 'c', 'd']], left: 0 },
    { name: 'an already released one: nothing', advance: ['c', 'b'], released: [['a', 'b', 'c'], []], left: 1 },
    { name: 'the same twice', advance: ['a', 'a'], released: [['a'], []], left: 3 },
    { name: 'step by step', advance: ['a', 'b', 'c', 'd'], released: [['a'], ['b'], ['c'], ['d']], left: 0 },
    { name: 'unknown context', advance: ['zz'], released: [[]], left: 4 },
  ];
  it.each(cases)('$name', ({ advance, released, left }) => {
    const ro = withRequests([['a', 5], ['b', 6], ['c', 6], ['d', 8]]);
    const got = advance.map((c) => ro.advance(ctx(c)).map((rs) => dec(rs.req.context)));
    expect(got).toEqual(released);
    expect(ro.pendingCount()).toBe(left);
  });

  it('returns each request with its index, message and acks', () => {
    const ro = new ReadOnly();
    const m = req('a', 3);
    ro.addRequest(5, m);
    ro.recvAck(2, ctx('a'));
    const [rs, ...rest] = ro.advance(ctx('a'));
    expect(rest).toEqual([]);
    expect(rs!.index).toBe(5);
    expect(rs!.req).toBe(m);
    expect([...rs!.acks.keys()]).toEqual([2]);
  });

  it('lets a released context be used again by a new request', () => {
    const ro = withRequests([['a', 5]]);
    ro.advance(ctx('a'));
    ro.addRequest(9, req('a'));
    expect(ro.pendingCount()).toBe(1);
    expect(ro.advance(ctx('a')).map((rs) => rs.index)).toEqual([9]);
  });

  it('updates the last pending context as requests are released', () => {
    const ro = withRequests([['a', 5], ['b', 6]]);
    ro.advance(ctx('a'));
    expect(dec(ro.lastPendingRequestCtx())).toBe('b');
    ro.advance(ctx('b'));
    expect(ro.lastPendingRequestCtx()).toBeUndefined();
  });
});

describe('ReadOnly: context identity', () => {
  const cases: Array<{ name: string; a: Uint8Array | undefined; b: Uint8Array | undefined; same: boolean }> = [
    { name: 'equal bytes, different arrays', a: ctx('abc'), b: ctx('abc'), same: true },
    { name: 'different bytes', a: ctx('abc'), b: ctx('abd'), same: false },
    { name: 'prefix', a: ctx('ab'), b: ctx('abc'), same: false },
    // Binary contexts are compared byte for byte, not as (lossy) text.
    { name: 'bytes that are not UTF-8', a: new Uint8Array([0xff]), b: new Uint8Array([0xfe]), same: false },
    { name: 'a byte vs its UTF-8 spelling', a: new Uint8Array([0xff]), b: new Uint8Array([0xc3, 0xbf]), same: false },
    { name: 'zero bytes', a: new Uint8Array([0, 0]), b: new Uint8Array([0]), same: false },
    // No context and an empty context are the same (empty) key.
    { name: 'undefined vs empty', a: undefined, b: new Uint8Array(), same: true },
  ];
  it.each(cases)('$name', ({ a, b, same }) => {
    const ro = new ReadOnly();
    ro.addRequest(5, req(a));
    ro.addRequest(6, req(b));
    expect(ro.pendingCount()).toBe(same ? 1 : 2);
    expect(ro.recvAck(2, b) !== undefined).toBe(true);
    expect(ro.advance(b).map((rs) => rs.index)).toEqual(same ? [5] : [5, 6]);
  });
});
