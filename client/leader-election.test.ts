import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaderElector, microTime, type Lease } from './leader-election.js';
import { silentLogger } from './log.js';
import { FakeCluster } from './testing/fake.js';
import { RESOURCES, type ResourceClient } from './types.js';

const TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** A leases client that can be made to fail (an apiserver we cannot reach) or to hang. */
function breakable(inner: ResourceClient<Lease>) {
  const state = { mode: 'ok' as 'ok' | 'fail' | 'hang' };
  const guard = async <R>(fn: () => Promise<R>): Promise<R> => {
    if (state.mode === 'fail') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (state.mode === 'hang') return new Promise<R>(() => undefined);
    return fn();
  };
  const client: ResourceClient<Lease> = {
    ...inner,
    get: (ns, name) => guard(() => inner.get(ns, name)),
    create: (ns, obj) => guard(() => inner.create(ns, obj)),
    update: (obj) => guard(() => inner.update(obj)),
  };
  return { client, state };
}

describe('LeaderElector', () => {
  let cluster: FakeCluster;
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    cluster = new FakeCluster();
  });
  afterEach(() => void vi.useRealTimers());

  const lease = () => cluster.get<Lease>(RESOURCES.leases, 'kube-system/kcm');

  function candidate(identity: string, leases: ResourceClient<Lease> = cluster.client<Lease>(RESOURCES.leases)) {
    const events: string[] = [];
    let leadingSignal: AbortSignal | undefined;
    const elector = new LeaderElector({
      leases,
      namespace: 'kube-system',
      name: 'kcm',
      identity,
      ...TIMING,
      log: silentLogger,
      onStartedLeading: (signal) => {
        leadingSignal = signal;
        events.push(`started@${Date.now()}`);
      },
      onStoppedLeading: () => void events.push(`stopped@${Date.now()}`),
    });
    const stop = new AbortController();
    const done = elector.run(stop.signal);
    return { elector, events, stop, done, signal: () => leadingSignal };
  }

  it('creates the Lease, then renews it every retryPeriod keeping acquireTime (MicroTime)', async () => {
    const t0 = Date.now();
    const a = candidate('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(a.events).toEqual([`started@${t0}`]);
    expect(lease()?.spec).toEqual({ holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 0 });
    expect(lease()?.spec?.renewTime).toBe('2026-01-01T00:00:00.000000Z');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(lease()?.spec?.renewTime).toBe(microTime(t0 + 2_000));
    expect(lease()?.spec?.acquireTime).toBe(microTime(t0));
    a.stop.abort();
    await a.done;
    expect(a.signal()?.aborted).toBe(true);
  });

  it('of two candidates one leads; the other waits as long as the lease is renewed', async () => {
    const a = candidate('a');
    await vi.advanceTimersByTimeAsync(0);
    const b = candidate('b');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.events.length).toBe(1);
    expect(b.events).toEqual([]);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.getLeader()).toBe('a');
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  });

  it('a leader that cannot renew stops within renewDeadline, before its lease ends; the other takes over after it ends', async () => {
    const broken = breakable(cluster.client<Lease>(RESOURCES.leases));
    const a = candidate('a', broken.client);
    await vi.advanceTimersByTimeAsync(0);
    const b = candidate('b');
    await vi.advanceTimersByTimeAsync(4_000);
    const lastRenew = Date.parse(lease()!.spec!.renewTime!);
    broken.state.mode = 'fail';
    await vi.advanceTimersByTimeAsync(30_000);

    const stoppedAt = Number(a.events[1]!.split('@')[1]);
    expect(a.events[1]).toMatch(/^stopped@/);
    expect(a.signal()?.aborted).toBe(true);
    expect(stoppedAt - lastRenew).toBeLessThanOrEqual(TIMING.renewDeadlineMs);
    const startedAt = Number(b.events[0]!.split('@')[1]);
    expect(b.events[0]).toMatch(/^started@/);
    // b saw the last renewal within a retry period of it, and waits a whole lease from then.
    expect(startedAt).toBeGreaterThanOrEqual(lastRenew + TIMING.leaseDurationMs);
    expect(startedAt).toBeLessThan(stoppedAt + TIMING.leaseDurationMs);
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await a.done;
    b.stop.abort();
    await b.done;
  });

  it('a renewal that hangs counts as failed at the deadline', async () => {
    const broken = breakable(cluster.client<Lease>(RESOURCES.leases));
    const a = candidate('a', broken.client);
    await vi.advanceTimersByTimeAsync(0);
    const t0 = Date.now();
    broken.state.mode = 'hang';
    await vi.advanceTimersByTimeAsync(20_000);
    expect(a.events).toEqual([`started@${t0}`, `stopped@${t0 + TIMING.renewDeadlineMs}`]);
    await a.done;
  });

  it('releaseOnCancel hands the lease over at once', async () => {
    const cluster2 = cluster;
    const leases = cluster2.client<Lease>(RESOURCES.leases);
    const stop = new AbortController();
    const a = new LeaderElector({ leases, namespace: 'kube-system', name: 'kcm', identity: 'a', ...TIMING, log: silentLogger, releaseOnCancel: true, onStartedLeading: () => undefined });
    const done = a.run(stop.signal);
    await vi.advanceTimersByTimeAsync(0);
    const b = candidate('b');
    await vi.advanceTimersByTimeAsync(1_000);
    stop.abort();
    await done;
    expect(lease()?.spec?.holderIdentity).toBe('');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.events.length).toBe(1);
    b.stop.abort();
    await b.done;
  });

  it('refuses timings where the leader could outlive its lease', () => {
    expect(() => new LeaderElector({ leases: cluster.client<Lease>(RESOURCES.leases), namespace: 'n', name: 'l', leaseDurationMs: 10_000, renewDeadlineMs: 10_000, onStartedLeading: () => undefined })).toThrow('leaseDuration must be greater than renewDeadline');
  });
});
