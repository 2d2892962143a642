import { describe, expect, it } from 'vitest';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { FakeCluster } from '../../client/testing/fake.js';
import { RESOURCES, type KubeObject } from '../../client/types.js';
import { JobController } from './controller.js';

type Job = V1Job & KubeObject;
type Pod = V1Pod & KubeObject;
const T0 = Date.parse('2026-01-01T00:00:00Z');

function job(spec: Partial<NonNullable<V1Job['spec']>>): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'ns', uid: 'job-uid' },
    spec: { backoffLimit: 6, parallelism: 1, completions: 1, ...spec, template: { metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } },
  };
}

function setup(j: Job) {
  const cluster = new FakeCluster();
  cluster.nowMs = T0;
  cluster.seed(RESOURCES.jobs, [j]);
  const cs = cluster.clientSet();
  const c = new JobController(cs, { clock: { now: () => cluster.nowMs } });
  c.register(cs, () => undefined);
  const pods = () => cluster.list<Pod>(RESOURCES.pods).sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  const jobNow = () => cluster.get<Job>(RESOURCES.jobs, 'ns/pi')!;
  const setPhase = async (p: Pod, phase: string) => {
    const cur = cluster.get<Pod>(RESOURCES.pods, `ns/${p.metadata.name}`)!;
    await cs.client<Pod>(RESOURCES.pods).updateStatus({ ...cur, status: { phase } });
  };
  const conditions = () => (jobNow().status?.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason ?? ''}`);
  return { cluster, c, pods, jobNow, setPhase, conditions, reconcile: () => c.reconcile('ns/pi') };
}

describe('JobController', () => {
  it('creates parallelism pods with the job finalizer, labels and controller reference', async () => {
    const { cluster, pods, jobNow, reconcile } = setup(job({ completions: 3, parallelism: 2 }));
    expect(await reconcile()).toBeUndefined();
    expect(pods()).toHaveLength(2);
    const p = pods()[0]!;
    expect(p.metadata.generateName).toBe('pi-');
    expect(p.metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    expect(p.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'pi', 'job-name': 'pi', 'controller-uid': 'job-uid' });
    expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true, blockOwnerDeletion: true }]);
    expect(jobNow().status).toEqual({ startTime: '2026-01-01T00:00:00Z', active: 2, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(cluster.events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(2);
    // Nothing changed: no write.
    const n = cluster.actions.length;
    await reconcile();
    expect(cluster.actions.length).toBe(n);
  });

  it('counts successes through the finalizer, replaces them, and completes (SuccessCriteriaMet, then Complete)', async () => {
    const { cluster, pods, jobNow, setPhase, conditions, reconcile } = setup(job({ completions: 3, parallelism: 2 }));
    await reconcile();
    await setPhase(pods()[0]!, 'Succeeded');
    await reconcile();
    expect(jobNow().status).toMatchObject({ succeeded: 1, active: 2, uncountedTerminatedPods: {} });
    expect(pods().filter((p) => p.status?.phase === 'Succeeded')[0]!.metadata.finalizers).toEqual([]);
    expect(pods()).toHaveLength(3);

    for (const p of pods()) if (p.status?.phase !== 'Succeeded') await setPhase(p, 'Succeeded');
    cluster.nowMs = T0 + 60_000;
    await reconcile();
    const s = jobNow().status!;
    expect(s).toMatchObject({ succeeded: 3, active: 0, terminating: 0, completionTime: '2026-01-01T00:01:00Z' });
    expect(conditions()).toEqual(['SuccessCriteriaMet=True/', 'Complete=True/']);
    expect(cluster.events).toContainEqual({ object: 'Job/ns/pi', type: 'Normal', reason: 'Completed', message: 'Job completed' });
    expect(pods().every((p) => (p.metadata.finalizers ?? []).length === 0)).toBe(true);
    // Finished: nothing more happens.
    const n = cluster.actions.length;
    await reconcile();
    expect(cluster.actions.length).toBe(n);
  });

  it('backs off after a failure, then fails with BackoffLimitExceeded', async () => {
    const { cluster, pods, jobNow, setPhase, conditions, reconcile } = setup(job({ backoffLimit: 1 }));
    await reconcile();
    await setPhase(pods()[0]!, 'Failed');
    expect(await reconcile()).toEqual({ requeueAfterMs: 10_000 });
    expect(jobNow().status).toMatchObject({ failed: 1, active: 0 });
    expect(pods()).toHaveLength(1);

    cluster.nowMs = T0 + 10_000;
    await reconcile();
    expect(pods()).toHaveLength(2);
    await setPhase(pods().find((p) => p.status?.phase !== 'Failed')!, 'Failed');
    await reconcile();
    expect(conditions()).toEqual(['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded']);
    expect(jobNow().status!.conditions!.at(-1)!.message).toBe('Job has reached the specified backoff limit');
    expect(jobNow().status).toMatchObject({ failed: 2, active: 0 });
    expect(jobNow().status!.completionTime).toBeUndefined();
    expect(cluster.events).toContainEqual({ object: 'Job/ns/pi', type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds, deleting its pods first', async () => {
    const { cluster, pods, jobNow, conditions, reconcile } = setup(job({ activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
    expect(await reconcile()).toEqual({ requeueAfterMs: 30_000 });
    cluster.nowMs = T0 + 30_000;
    await reconcile();
    expect(pods()).toEqual([]);
    // The deleted pods are terminating until seen gone: only the interim condition so far.
    expect(conditions()).toEqual(['FailureTarget=True/DeadlineExceeded']);
    expect(jobNow().status).toMatchObject({ active: 0, terminating: 2, failed: 2 });
    await reconcile();
    expect(conditions()).toEqual(['FailureTarget=True/DeadlineExceeded', 'Failed=True/DeadlineExceeded']);
    expect(jobNow().status!.conditions!.at(-1)!.message).toBe('Job was active longer than specified deadline');
    expect(jobNow().status).toMatchObject({ active: 0, terminating: 0, failed: 2 });
  });

  it('deletes surplus pods without counting them as failures', async () => {
    const { cluster, c, pods, jobNow, reconcile } = setup(job({ parallelism: 3, completions: 10 }));
    await reconcile();
    const j = jobNow();
    await cluster.clientSet().client<Job>(RESOURCES.jobs).update({ ...j, spec: { ...j.spec!, parallelism: 1 } });
    await c.reconcile('ns/pi');
    expect(pods()).toHaveLength(1);
    expect(jobNow().status).toMatchObject({ active: 1 });
    expect(jobNow().status!.failed).toBeUndefined();
    const patched = cluster.actions.filter((a) => a.verb === 'patch').map((a) => a.key);
    const deleted = cluster.actions.filter((a) => a.verb === 'delete').map((a) => a.key);
    expect(patched.sort()).toEqual(deleted.sort());
  });

  it('frees the pods of a deleted job from the tracking finalizer', async () => {
    const { cluster, pods, reconcile } = setup(job({}));
    await reconcile();
    await cluster.clientSet().client(RESOURCES.jobs).delete('ns', 'pi');
    await reconcile();
    expect(pods()[0]!.metadata.finalizers).toEqual([]);
  });
});
