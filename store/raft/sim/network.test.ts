// The simulated network and the PRNG on their own.

import { describe, expect, it } from 'vitest';
import { message, type Message } from '../types.js';
import { SimNetwork, cloneMessage } from './network.js';
import { Rng, deriveSeed } from './prng.js';

const app = (from: number, to: number): Message => message({ type: 'MsgApp', from, to, term: 1, entries: [{ term: 1, index: 1, type: 'normal', data: new Uint8Array([1]) }] });

describe('Rng', () => {
  it('is reproducible from its seed and forks are independent of consumption', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.int(0, 1000));
    expect(Array.from({ length: 5 }, () => b.int(0, 1000))).toEqual(xs);
    expect(new Rng(42).fork('net').float()).toBe(a.fork('net').float());
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
  });

  it('int, pick, weighted and shuffle stay in range', () => {
    const r = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
    expect(['x']).toContain(r.pick(['x']));
    expect(r.weighted({ a: 0, b: 1 })).toBe('b');
    expect(r.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('SimNetwork', () => {
  it('delivers a message only once it is due, and partitions cut both ways while one-way cuts do not', () => {
    const net = new SimNetwork({ minDelay: 2, maxDelay: 2, loss: 0, duplicate: 0 });
    const rng = new Rng(1);
    net.send(app(1, 2), 0, 0, rng);
    expect(net.takeDue(1, rng, 10)).toEqual([]);
    expect(net.takeDue(2, rng, 10).map((e) => e.to)).toEqual([2]);
    net.partition([1], [2, 3]);
    expect(net.isBlocked(1, 2) && net.isBlocked(3, 1)).toBe(true);
    net.heal();
    net.blockOneWay(1, 2);
    expect([net.isBlocked(1, 2), net.isBlocked(2, 1)]).toEqual([true, false]);
  });

  it('loses and duplicates at the configured rates, but never duplicates a proposal', () => {
    const rng = new Rng(3);
    const lossy = new SimNetwork({ minDelay: 1, maxDelay: 1, loss: 1, duplicate: 0 });
    expect(lossy.send(app(1, 2), 0, 0, rng).kind).toBe('lost');
    const dup = new SimNetwork({ minDelay: 1, maxDelay: 1, loss: 0, duplicate: 1 });
    expect(dup.send(app(1, 2), 0, 0, rng)).toEqual({ kind: 'queued', copies: 2 });
    expect(dup.send(message({ type: 'MsgProp', from: 1, to: 2, entries: [] }), 0, 0, rng)).toEqual({ kind: 'queued', copies: 1 });
  });

  it('only the original of a duplicated MsgSnap owes the sender a snapshot report', () => {
    const net = new SimNetwork({ minDelay: 1, maxDelay: 1, loss: 0, duplicate: 1 });
    net.send(message({ type: 'MsgSnap', from: 1, to: 2, term: 1 }), 0, 0, new Rng(1));
    expect(net.pending().map((e) => e.reportsSnapshot)).toEqual([true, false]);
  });

  it('carries copies: the receiver shares no entry object with the sender', () => {
    const m = app(1, 2);
    const c = cloneMessage(m);
    c.entries[0]!.term = 9;
    expect(m.entries[0]!.term).toBe(1);
  });

  it('reorders among due messages', () => {
    const net = new SimNetwork({ minDelay: 1, maxDelay: 1, loss: 0, duplicate: 0 });
    const rng = new Rng(5);
    for (let i = 0; i < 20; i++) net.send({ ...app(1, 2), index: i }, 0, 0, rng);
    const order = net.takeDue(1, rng, 100).map((e) => e.msg.index);
    expect(order.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
