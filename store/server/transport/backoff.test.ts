import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { RateLimiter } from './rate-limit.js';

describe('Backoff', () => {
  it('doubles, caps, and keeps jitter within [base/2, base]', () => {
    const lo = new Backoff(100, 1000, () => 0);
    const hi = new Backoff(100, 1000, () => 0.999999);
    expect(Array.from({ length: 7 }, () => lo.next())).toEqual([50, 100, 200, 400, 500, 500, 500]);
    expect(Array.from({ length: 7 }, () => hi.next())).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('starts over after reset, and never overflows however long it runs', () => {
    const b = new Backoff(10, 5000, () => 0.5);
    for (let i = 0; i < 10_000; i++) b.next();
    expect(b.next()).toBe(3750);
    b.reset();
    expect(b.next()).toBe(8);
  });
});

describe('RateLimiter', () => {
  it('lets one event per key through per interval', () => {
    let now = 0;
    const r = new RateLimiter<number>(100, () => now);
    expect([r.allow(1), r.allow(1), r.allow(2)]).toEqual([true, false, true]);
    now = 99;
    expect(r.allow(1)).toBe(false);
    now = 100;
    expect(r.allow(1)).toBe(true);
    r.forget(1);
    expect(r.allow(1)).toBe(true);
  });
});
