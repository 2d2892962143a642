import { describe, expect, it } from 'vitest';
import { AutoCompactor, PeriodicPolicy, RevisionPolicy, parseAutoCompaction, policyFor, type Clock } from './auto-compaction.js';
import { parseGoDuration } from './go-duration.js';

describe('parseGoDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0],
    ['5s', 5e9],
    ['30m', 1800e9],
    ['1.5h', 5400e9],
    ['2h45m', 9900e9],
    ['300ms', 3e8],
    ['1us', 1e3],
    ['1µs', 1e3],
    ['-2s', -2e9],
    ['+.5s', 5e8],
  ])('%s = %d ns', (text, ns) => expect(parseGoDuration(text)).toBe(ns));

  // The messages are Go's (etcd prints them after "error parsing CompactionRetention: ").
  it.each([
    ['abc', 'time: invalid duration "abc"'],
    ['1.5', 'time: missing unit in duration "1.5"'],
    ['-1', 'time: missing unit in duration "-1"'],
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['', 'time: invalid duration ""'],
    ['.s', 'time: invalid duration ".s"'],
  ])('%j is refused: %s', (text, msg) => expect(() => parseGoDuration(text)).toThrow(msg));
});

describe('parseAutoCompaction (etcd embed.parseCompactionRetention)', () => {
  it('a bare number is hours in periodic mode and revisions in revision mode; 0 is off', () => {
    expect(parseAutoCompaction('periodic', '1')).toEqual({ mode: 'periodic', periodMs: 3600_000 });
    expect(parseAutoCompaction('revision', '1000')).toEqual({ mode: 'revision', retention: 1000 });
    expect(parseAutoCompaction('periodic', '0')).toBeUndefined();
    expect(parseAutoCompaction('revision', '0')).toBeUndefined();
    expect(parseAutoCompaction('periodic', '0s')).toBeUndefined();
  });
  it('a Go duration is the period; in revision mode etcd takes its nanoseconds as the count', () => {
    expect(parseAutoCompaction('periodic', '30m')).toEqual({ mode: 'periodic', periodMs: 1800_000 });
    expect(parseAutoCompaction('periodic', '5s')).toEqual({ mode: 'periodic', periodMs: 5000 });
    expect(parseAutoCompaction('revision', '1us')).toEqual({ mode: 'revision', retention: 1000 });
  });
  it("refuses what etcd refuses, with etcd's words", () => {
    expect(() => parseAutoCompaction('periodic', 'abc')).toThrow('error parsing CompactionRetention: time: invalid duration "abc"');
    expect(() => parseAutoCompaction('periodic', '-1')).toThrow('error parsing CompactionRetention: time: missing unit in duration "-1"');
    expect(() => parseAutoCompaction('periodic', '-5s')).toThrow('error parsing CompactionRetention: negative retention');
  });
});

/** Run a policy the way the driver does, over sampled revisions, with times in ms. */
function drive(policy: PeriodicPolicy | RevisionPolicy, steps: number, revAt: (t: number) => number, leaderAt: (t: number) => boolean = () => true, fails: (t: number) => boolean = () => false) {
  const compactions: { at: number; rev: number }[] = [];
  let t = 0;
  for (let i = 0; i < steps; i++) {
    policy.beforeWait(revAt(t));
    t += policy.waitMs;
    const target = policy.decide(t, !leaderAt(t), revAt(t));
    if (target === undefined) continue;
    const ok = !fails(t);
    if (ok) compactions.push({ at: t, rev: target });
    policy.finished(t, target, ok);
  }
  return compactions;
}

describe('PeriodicPolicy (etcd v3compactor.Periodic)', () => {
  // As in etcd, the oldest sample kept is one period plus one sample interval old when a later
  // compaction is decided (etcd 3.4 with 2s: compactions to the revisions of ~2.2 s before).
  it('retention 1h: samples every 6 minutes, first compaction after 1h to the revision of start, then hourly to the revision of 66 minutes before', () => {
    const p = new PeriodicPolicy(3600_000, 0);
    expect(p.waitMs).toBe(360_000);
    // one revision per minute of wall time
    const got = drive(p, 30, (t) => 1 + Math.floor(t / 60_000));
    expect(got).toEqual([
      { at: 3600_000, rev: 1 },
      { at: 7200_000, rev: 55 },
      { at: 10_800_000, rev: 115 },
    ]);
  });

  it('retention 24h: waits a full day, then compacts every hour to the revision of 24h before', () => {
    const p = new PeriodicPolicy(24 * 3600_000, 0);
    expect(p.waitMs).toBe(360_000); // 1/10 of an hour: the interval is capped at 1h
    const got = drive(p, 260, (t) => 1 + Math.floor(t / 60_000));
    expect(got[0]).toEqual({ at: 24 * 3600_000, rev: 1 });
    expect(got[1]).toEqual({ at: 25 * 3600_000, rev: 55 }); // the revision of 24h06m before
    expect(p.samples()).toHaveLength(241); // 24h / 6min + 1
  });

  it('retention 5s: samples every 500 ms; compacts every 5 s to the revision of 5.5 s before', () => {
    const p = new PeriodicPolicy(5000, 0);
    expect(p.waitMs).toBe(500);
    const got = drive(p, 40, (t) => 10 + t / 500);
    expect(got).toEqual([
      { at: 5000, rev: 10 },
      { at: 10_000, rev: 19 },
      { at: 15_000, rev: 29 },
      { at: 20_000, rev: 39 },
    ]);
  });

  it('a follower samples but never compacts; once leader it compacts to the revision of one period before', () => {
    const p = new PeriodicPolicy(5000, 0);
    const got = drive(p, 40, (t) => 10 + t / 500, (t) => t >= 12_000);
    // Due since 5 s, paused until 12 s: at 12 s the oldest sample is from 12 s - 5.5 s.
    expect(got[0]).toEqual({ at: 12_000, rev: 23 });
    expect(got[1]).toEqual({ at: 17_000, rev: 33 });
  });

  it('a failed compaction is retried at the next sample, with the then oldest sample', () => {
    const p = new PeriodicPolicy(5000, 0);
    const got = drive(p, 40, (t) => 10 + t / 500, () => true, (t) => t === 10_000);
    expect(got.slice(0, 3)).toEqual([
      { at: 5000, rev: 10 },
      { at: 10_500, rev: 20 },
      { at: 15_500, rev: 30 },
    ]);
  });
});

describe('RevisionPolicy (etcd v3compactor.Revision)', () => {
  it('every 5 minutes compacts to current - retention, skipping non-positive and repeated targets', () => {
    const p = new RevisionPolicy(100);
    expect(p.waitMs).toBe(300_000);
    let rev = 50;
    const seen: (number | undefined)[] = [];
    for (const next of [50, 120, 120, 400, 401]) {
      rev = next;
      const target = p.decide(0, false, rev);
      seen.push(target);
      if (target !== undefined) p.finished(0, target, true);
    }
    expect(seen).toEqual([undefined, 20, undefined, 300, 301]);
  });
  it('paused (not the leader): no compaction; a failure is retried with the same target', () => {
    const p = new RevisionPolicy(10);
    expect(p.decide(0, true, 100)).toBeUndefined();
    expect(p.decide(0, false, 100)).toBe(90);
    p.finished(0, 90, false);
    expect(p.decide(0, false, 100)).toBe(90);
  });
});

/** A clock the test advances; sleepers wake in time order. */
class FakeClock implements Clock {
  t = 0;
  private sleepers: { at: number; wake(): void }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ at: this.t + ms, wake: resolve });
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > end) break;
      this.sleepers.shift();
      this.t = next.at;
      next.wake();
    }
    this.t = end;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('AutoCompactor (the loop, on an injected clock)', () => {
  const silent = { info: () => {}, warn: () => {} };

  it('revision mode: at each 5-minute check the leader proposes current - retention; "already compacted" counts as done', async () => {
    const clock = new FakeClock();
    let rev = 1;
    let leader = false;
    const proposed: number[] = [];
    const c = new AutoCompactor({
      policy: policyFor({ mode: 'revision', retention: 10 }, clock.now()),
      mode: 'revision',
      clock,
      currentRevision: () => rev,
      isLeader: () => leader,
      compact: async (r) => {
        proposed.push(r);
        if (r === 40) throw new Error('etcdserver: mvcc: required revision has been compacted');
      },
      logger: silent,
    });
    c.start();
    rev = 30;
    await clock.advance(300_000);
    expect(proposed).toEqual([]); // a follower
    leader = true;
    await clock.advance(299_999);
    expect(proposed).toEqual([]); // not yet 5 minutes since the last check
    await clock.advance(1);
    expect(proposed).toEqual([20]);
    await clock.advance(300_000);
    expect(proposed).toEqual([20]); // nothing written since: same target, skipped
    rev = 50;
    await clock.advance(300_000);
    expect(proposed).toEqual([20, 40]);
    rev = 50;
    await clock.advance(300_000);
    expect(proposed).toEqual([20, 40]); // the compacted error was a success: 40 is not retried
    await c.stop();
  });

  it('periodic mode: the leader compacts one period after start to the revision then, and logs like etcd', async () => {
    const clock = new FakeClock();
    let rev = 5;
    const proposed: number[] = [];
    const lines: string[] = [];
    const c = new AutoCompactor({
      policy: policyFor({ mode: 'periodic', periodMs: 2000 }, clock.now()),
      mode: 'periodic',
      clock,
      currentRevision: () => rev,
      isLeader: () => true,
      compact: async (r) => {
        proposed.push(r);
      },
      logger: { info: (_o, m) => lines.push(m), warn: (_o, m) => lines.push(m) },
    });
    c.start();
    await clock.advance(200);
    rev = 9;
    await clock.advance(1799);
    expect(proposed).toEqual([]);
    await clock.advance(1);
    expect(proposed).toEqual([5]);
    expect(lines).toEqual(['starting auto periodic compaction', 'completed auto periodic compaction']);
    await clock.advance(2000);
    expect(proposed).toEqual([5, 9]);
    await c.stop();
    await clock.advance(10_000);
    expect(proposed).toEqual([5, 9]); // stopped
  });
});
