import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BucketRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter } from './rate-limiter.js';
import { createWorkQueue } from './workqueue.js';
import { runWorkers } from './workers.js';
import { silentLogger } from './log.js';

describe('work queue', () => {
  it('dedups a key that is already queued', async () => {
    const q = createWorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('a key added while processing is not handed to a second worker, but again after done()', async () => {
    const q = createWorkQueue();
    q.add('a');
    const key = await q.get();
    expect(key).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done('a');
    await Promise.resolve();
    expect(second).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('a waiting worker is woken by add', async () => {
    const q = createWorkQueue();
    const got = q.get();
    q.add('x');
    expect(await got).toBe('x');
  });

  it('shutDown wakes every waiting worker with undefined, ignores new adds, still hands out queued keys', async () => {
    const q = createWorkQueue();
    const w1 = q.get();
    const w2 = q.get();
    q.shutDown();
    expect(await w1).toBeUndefined();
    expect(await w2).toBeUndefined();
    q.add('late');
    expect(q.len()).toBe(0);

    const q2 = createWorkQueue();
    q2.add('queued');
    q2.shutDown();
    expect(await q2.get()).toBe('queued');
    expect(await q2.get()).toBeUndefined();
  });

  describe('with fake timers', () => {
    beforeEach(() => void vi.useFakeTimers());
    afterEach(() => void vi.useRealTimers());

    it('addAfter waits, and of two waits for one key keeps the earlier', async () => {
      const q = createWorkQueue();
      q.addAfter('a', 1000);
      q.addAfter('a', 300);
      q.addAfter('a', 2000);
      await vi.advanceTimersByTimeAsync(299);
      expect(q.len()).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(q.len()).toBe(1);
      await vi.advanceTimersByTimeAsync(5000);
      expect(q.len()).toBe(1);
    });

    it('addRateLimited backs off 5 ms, 10 ms, 20 ms ... per key until forget', async () => {
      const q = createWorkQueue();
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = Date.now();
        q.addRateLimited('k');
        while (q.len() === 0) await vi.advanceTimersByTimeAsync(1);
        delays.push(Date.now() - start);
        const k = (await q.get())!;
        q.done(k);
      }
      expect(delays).toEqual([5, 10, 20, 40, 80]);
      expect(q.numRequeues('k')).toBe(5);
      q.forget('k');
      expect(q.numRequeues('k')).toBe(0);
      const start = Date.now();
      q.addRateLimited('k');
      while (q.len() === 0) await vi.advanceTimersByTimeAsync(1);
      expect(Date.now() - start).toBe(5);
    });
  });
});

describe('rate limiters', () => {
  it('per-item exponential backoff is capped (client-go: 5 ms .. 1000 s)', () => {
    const r = new ItemExponentialRateLimiter(5, 1_000_000);
    const seq = Array.from({ length: 30 }, () => r.when('x'));
    expect(seq.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(seq.at(-1)).toBe(1_000_000);
    expect(r.when('y')).toBe(5);
  });

  it('the token bucket allows a burst, then 1/qps apart', () => {
    let now = 0;
    const b = new BucketRateLimiter(10, 3, () => now);
    expect([b.when(), b.when(), b.when()]).toEqual([0, 0, 0]);
    expect(b.when()).toBe(100);
    expect(b.when()).toBe(200);
    now = 1000;
    expect(b.when()).toBe(0);
  });

  it('the controller limiter takes the longer of both', () => {
    let now = 0;
    const r = new MaxOfRateLimiter(new ItemExponentialRateLimiter(5, 1000), new BucketRateLimiter(10, 1, () => now));
    expect(r.when('a')).toBe(5);
    expect(r.when('b')).toBe(100);
  });
});

describe('runWorkers', () => {
  it('forgets on success, retries failures rate-limited, honours requeueAfterMs, stops at shutdown', async () => {
    const q = createWorkQueue({ baseDelayMs: 1, maxDelayMs: 4 });
    const calls: string[] = [];
    let failures = 2;
    const done = runWorkers(
      q,
      2,
      async (key) => {
        calls.push(key);
        if (key === 'flaky' && failures-- > 0) throw new Error('boom');
        if (key === 'again' && calls.filter((c) => c === 'again').length === 1) return { requeueAfterMs: 5 };
        return undefined;
      },
      silentLogger,
    );
    q.add('flaky');
    q.add('again');
    while (calls.filter((c) => c === 'flaky').length < 3 || calls.filter((c) => c === 'again').length < 2) await new Promise((r) => setTimeout(r, 2));
    expect(q.numRequeues('flaky')).toBe(0);
    q.shutDown();
    await done;
  });
});
