import { describe, expect, it } from 'vitest';
import { podSpecChanged, SchedulingQueue } from './queue.js';
import { pod } from './test-helpers.js';

function setup(maxUnschedulableMs = 60_000) {
  const clock = { t: 1_000_000, now() { return this.t; } };
  const q = new SchedulingQueue({ clock, maxUnschedulableMs });
  return { clock, q };
}

describe('SchedulingQueue', () => {
  it('pops by priority, then first in first out', () => {
    const { clock, q } = setup();
    q.add(pod('low-1', { priority: 0 }));
    clock.t++;
    q.add(pod('high', { priority: 100 }));
    clock.t++;
    q.add(pod('low-2'));
    clock.t++;
    q.add(pod('mid', { priority: 10 }));
    const order: string[] = [];
    for (let qp = q.tryPop(); qp; qp = q.tryPop()) order.push(qp.pod.metadata!.name!);
    expect(order).toEqual(['high', 'mid', 'low-1', 'low-2']);
  });

  it('keeps a pod once however often it is added', () => {
    const { q } = setup();
    q.add(pod('a'));
    q.add(pod('a'));
    expect(q.lengths().active).toBe(1);
    const qp = q.tryPop()!;
    q.add(pod('a'));
    expect(q.lengths()).toMatchObject({ active: 0, inFlight: 1 });
    q.done(qp.key);
  });

  it('parks an unschedulable pod until the cluster changes, then honours its backoff', () => {
    const { clock, q } = setup();
    q.add(pod('a'));
    const qp = q.tryPop()!;
    q.addUnschedulable(qp);
    q.done(qp.key);
    expect(q.where('default/a')).toBe('unschedulable');
    q.flush();
    expect(q.where('default/a')).toBe('unschedulable');
    q.moveAllToActiveOrBackoff('NodeAdd');
    expect(q.where('default/a')).toBe('backoff'); // attempt 1 → 1 s backoff, not over yet
    clock.t += 999;
    q.flush();
    expect(q.where('default/a')).toBe('backoff');
    clock.t += 1;
    q.flush();
    expect(q.where('default/a')).toBe('active');
  });

  it('moves a parked pod straight to active once its backoff is over', () => {
    const { clock, q } = setup();
    q.add(pod('a'));
    const qp = q.tryPop()!;
    q.addUnschedulable(qp);
    q.done(qp.key);
    clock.t += 5_000;
    q.moveAllToActiveOrBackoff('NodeAdd');
    expect(q.where('default/a')).toBe('active');
  });

  it('a change during the attempt sends the failed pod to backoff, not to the parking lot', () => {
    const { q } = setup();
    q.add(pod('a'));
    const qp = q.tryPop()!;
    q.moveAllToActiveOrBackoff('NodeAdd'); // while "a" is being tried
    q.addUnschedulable(qp);
    q.done(qp.key);
    expect(q.where('default/a')).toBe('backoff');
  });

  it('a spec update of the pod during its attempt counts as a change too', () => {
    const { q } = setup();
    const p = pod('a');
    q.add(p);
    const qp = q.tryPop()!;
    q.update(p, pod('a', { tolerations: [{ operator: 'Exists' }] }));
    q.addUnschedulable(qp);
    q.done(qp.key);
    expect(q.where('default/a')).toBe('backoff');
  });

  it('retries parked pods after maxUnschedulableMs without any change', () => {
    const { clock, q } = setup(60_000);
    q.add(pod('a'));
    const qp = q.tryPop()!;
    q.addUnschedulable(qp);
    q.done(qp.key);
    clock.t += 59_999;
    q.flush();
    expect(q.where('default/a')).toBe('unschedulable');
    clock.t += 1;
    q.flush();
    expect(q.where('default/a')).toBe('active');
  });

  it('backoff doubles per attempt from 1 s up to 10 s', () => {
    const { q } = setup();
    q.add(pod('a'));
    const qp = q.tryPop()!;
    const got = [1, 2, 3, 4, 5, 6].map((attempts) => q.backoffDuration({ ...qp, attempts }));
    expect(got).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('a parked pod whose spec changes is retried; a status-only change does not retry it', () => {
    const { clock, q } = setup();
    const p = pod('a');
    q.add(p);
    const qp = q.tryPop()!;
    q.addUnschedulable(qp);
    q.done(qp.key);
    clock.t += 2_000;
    const statusOnly = { ...p, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] }, metadata: { ...p.metadata, resourceVersion: '99' } };
    q.update(p, statusOnly);
    expect(q.where('default/a')).toBe('unschedulable');
    q.update(statusOnly, pod('a', { nodeSelector: { zone: 'b' } }));
    expect(q.where('default/a')).toBe('active');
  });

  it('holds gated pods until their gates are removed', () => {
    const { q } = setup();
    const gated = pod('g');
    gated.spec!.schedulingGates = [{ name: 'wait' }];
    q.add(gated);
    expect(q.where('default/g')).toBe('gated');
    q.moveAllToActiveOrBackoff('NodeAdd');
    expect(q.tryPop()).toBeUndefined();
    q.update(gated, pod('g'));
    expect(q.tryPop()?.key).toBe('default/g');
  });

  it('forgets deleted pods wherever they are; a deleted in-flight pod is not requeued', () => {
    const { q } = setup();
    q.add(pod('a'));
    q.add(pod('b'));
    q.delete(pod('a'));
    const qp = q.tryPop()!;
    expect(qp.key).toBe('default/b');
    q.delete(pod('b'));
    q.addUnschedulable(qp);
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0, inFlight: 0 });
  });

  it('pop waits for a pod and resolves undefined when closed', async () => {
    const { q } = setup();
    const waiting = q.pop();
    q.add(pod('a'));
    expect((await waiting)?.key).toBe('default/a');
    const next = q.pop();
    q.close();
    expect(await next).toBeUndefined();
  });

  it('podSpecChanged ignores status and bookkeeping', () => {
    const p = pod('a');
    expect(podSpecChanged(p, { ...p, status: { phase: 'Running' }, metadata: { ...p.metadata, resourceVersion: '7', managedFields: [] } })).toBe(false);
    expect(podSpecChanged(p, pod('a', { priority: 5 }))).toBe(true);
    expect(podSpecChanged(p, { ...p, metadata: { ...p.metadata, labels: { a: 'b' } } })).toBe(true);
  });
});
