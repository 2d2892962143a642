import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../client/testing/fake.js';
import { ApiStatusError, RESOURCES, rfc3339, type KubeObject } from '../../client/types.js';
import { EXPECTATIONS_TIMEOUT_MS } from '../common/expectations.js';
import { laggingClientSet, podWithReadiness } from '../common/testing.js';
import { createReplicaSetController } from './controller.js';

type RS = V1ReplicaSet & KubeObject;
type Pod = V1Pod & KubeObject;

function rs(name: string, replicas: number, extra: Partial<V1ReplicaSet['spec']> = {}): RS {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...extra,
    },
  };
}

function pod(name: string, labels: Record<string, string>, owner?: RS): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels,
      creationTimestamp: rfc3339(Date.parse('2025-12-31T00:00:00Z')),
      ownerReferences: owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true }] : undefined,
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
}

function setup(objects: { sets?: RS[]; pods?: Pod[] }) {
  const cluster = new FakeCluster();
  cluster.seed(RESOURCES.replicasets, objects.sets ?? []);
  cluster.seed(RESOURCES.pods, objects.pods ?? []);
  const cs = cluster.clientSet();
  const clock = { now: () => cluster.nowMs };
  const ctrl = createReplicaSetController(cs, { clock });
  const queued: string[] = [];
  ctrl.register(cs, (k) => queued.push(k));
  return { cluster, ctrl, queued, pods: () => cluster.list<Pod>(RESOURCES.pods), get: (n: string) => cluster.get<RS>(RESOURCES.replicasets, `default/${n}`)! };
}

describe('ReplicaSet controller', () => {
  it('creates the missing pods from the template with a controller ownerReference and events', async () => {
    const t = setup({ sets: [rs('web', 3)] });
    await t.ctrl.reconcile('default/web');
    const pods = t.pods();
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.generateName).toBe('web-');
      expect(p.metadata.name).toMatch(/^web-/);
      expect(p.metadata.labels).toEqual({ app: 'web', tier: 'web' });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    }
    expect(t.cluster.events.map((e) => [e.object, e.reason, e.message])).toEqual(pods.map((p) => ['ReplicaSet/default/web', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`]));
    // Like Kubernetes, status counts the pods seen before this pass's creates; the pod events requeue it.
    expect(t.get('web').status).toMatchObject({ replicas: 0, observedGeneration: 1 });
    expect(t.queued.filter((k) => k === 'default/web').length).toBeGreaterThanOrEqual(3);
    await t.ctrl.reconcile('default/web');
    expect(t.get('web').status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
    // Level-triggered: another pass changes nothing.
    const n = t.cluster.actions.length;
    await t.ctrl.reconcile('default/web');
    expect(t.cluster.actions.length).toBe(n);
  });

  it('does not create again while its creates are unobserved (expectations), nor after they expire too early', async () => {
    const cluster = new FakeCluster();
    cluster.seed(RESOURCES.replicasets, [rs('web', 3)]);
    const { cs, flush } = laggingClientSet(cluster, [RESOURCES.pods]);
    const ctrl = createReplicaSetController(cs, { clock: { now: () => cluster.nowMs } });
    ctrl.register(cs, () => undefined);
    await ctrl.reconcile('default/web');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(3);
    expect(ctrl.expectations.pending('default/web')).toEqual({ add: 3, del: 0 });
    // The cache still shows 0 pods; without expectations this would create 3 more.
    await ctrl.reconcile('default/web');
    await ctrl.reconcile('default/web');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(3);
    flush();
    expect(ctrl.expectations.pending('default/web')).toEqual({ add: 0, del: 0 });
    await ctrl.reconcile('default/web');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(3);
  });

  it('acts again once expectations expire after 5 minutes (a lost watch event)', async () => {
    const cluster = new FakeCluster();
    cluster.seed(RESOURCES.replicasets, [rs('web', 2)]);
    const { cs } = laggingClientSet(cluster, [RESOURCES.pods]);
    const ctrl = createReplicaSetController(cs, { clock: { now: () => cluster.nowMs } });
    await ctrl.reconcile('default/web');
    cluster.nowMs += EXPECTATIONS_TIMEOUT_MS;
    await ctrl.reconcile('default/web');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(2);
    cluster.nowMs += 1;
    await ctrl.reconcile('default/web');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(4); // the cache never caught up: it trusts it again
  });

  it('does not delete again while its deletes are unobserved', async () => {
    const set = rs('web', 1);
    const cluster = new FakeCluster();
    cluster.seed(RESOURCES.replicasets, [set]);
    cluster.seed(RESOURCES.pods, [pod('a', { app: 'web' }, set), pod('b', { app: 'web' }, set), pod('c', { app: 'web' }, set)]);
    const { cs, flush } = laggingClientSet(cluster, [RESOURCES.pods]);
    const ctrl = createReplicaSetController(cs, { clock: { now: () => cluster.nowMs } });
    ctrl.register(cs, () => undefined);
    await ctrl.reconcile('default/web');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(1);
    await ctrl.reconcile('default/web');
    expect(cluster.actions.filter((a) => a.verb === 'delete')).toHaveLength(2);
    flush();
    expect(ctrl.expectations.pending('default/web')).toEqual({ add: 0, del: 0 });
    await ctrl.reconcile('default/web');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(1);
  });

  it('deletes extras in Kubernetes order: unscheduled, pending, not ready, then newest', async () => {
    const set = rs('web', 2);
    const now = Date.parse('2026-01-01T00:00:00Z');
    const running = (name: string, readyAt: number) => podWithReadiness(pod(name, { app: 'web' }, set), true, readyAt, `node-${name}`) as Pod;
    const unscheduled = pod('unscheduled', { app: 'web' }, set);
    const pending: Pod = { ...pod('pending', { app: 'web' }, set), spec: { nodeName: 'node-p', containers: [] }, status: { phase: 'Pending' } };
    const notReady = podWithReadiness(pod('notready', { app: 'web' }, set), false, now - 1000, 'node-n') as Pod;
    const t = setup({ sets: [set], pods: [running('old', now - 86_400_000), running('young', now - 1000), notReady, pending, unscheduled] });
    await t.ctrl.reconcile('default/web');
    expect(t.cluster.actions.filter((a) => a.verb === 'delete').map((a) => a.key).sort()).toEqual(['default/notready', 'default/pending', 'default/unscheduled']);
    expect(t.cluster.events.map((e) => e.message).sort()).toEqual(['Deleted pod: notready', 'Deleted pod: pending', 'Deleted pod: unscheduled']);
    t.get('web');
    // One more: the pod ready for less time goes first.
    await t.cluster.client<RS>(RESOURCES.replicasets).update({ ...t.get('web'), spec: { ...t.get('web').spec!, replicas: 1 } });
    await t.ctrl.reconcile('default/web');
    expect(t.pods().map((p) => p.metadata.name)).toEqual(['old']);
  });

  it('adopts matching orphans, releases owned pods that stopped matching, ignores pods of other controllers', async () => {
    const set = rs('web', 2);
    const other = rs('other', 1);
    const t = setup({
      sets: [set, other],
      pods: [pod('orphan', { app: 'web' }), pod('mine-relabelled', { app: 'db' }, set), pod('theirs', { app: 'web' }, other), pod('mine', { app: 'web' }, set)],
    });
    await t.ctrl.reconcile('default/web');
    const byName = new Map(t.pods().map((p) => [p.metadata.name, p]));
    expect(byName.get('orphan')!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    expect(byName.get('mine-relabelled')!.metadata.ownerReferences).toBeUndefined();
    expect(byName.get('theirs')!.metadata.ownerReferences![0]!.uid).toBe('uid-other');
    // orphan + mine = 2 = replicas: nothing created, nothing deleted.
    expect(t.cluster.actions.filter((a) => a.verb === 'create' || a.verb === 'delete')).toEqual([]);
    expect(t.get('web').status?.replicas).toBe(2);
  });

  it('does not adopt when the apiserver says the ReplicaSet is being deleted', async () => {
    const set = rs('web', 1);
    const t = setup({ sets: [set], pods: [pod('orphan', { app: 'web' })] });
    // The cache has not seen the deletion yet; the fresh read has.
    const stored = t.get('web');
    stored.metadata.deletionTimestamp = rfc3339(t.cluster.nowMs);
    const cached = { ...stored, metadata: { ...stored.metadata, deletionTimestamp: undefined } };
    const ctrl = createReplicaSetController({ ...t.cluster.clientSet(), informer: ((r: typeof RESOURCES.replicasets) => {
      const inf = t.cluster.informer(r);
      return r.plural === 'replicasets' ? { ...inf, lister: { ...inf.lister, get: () => cached } } : inf;
    }) as never }, { clock: { now: () => t.cluster.nowMs } });
    await ctrl.reconcile('default/web');
    expect(t.pods()[0]!.metadata.ownerReferences).toBeUndefined();
  });

  it('skips terminating and finished pods and replaces them', async () => {
    const set = rs('web', 2);
    const gone: Pod = { ...pod('terminating', { app: 'web' }, set), metadata: { ...pod('terminating', { app: 'web' }, set).metadata, deletionTimestamp: rfc3339(0) } };
    const done: Pod = { ...pod('done', { app: 'web' }, set), status: { phase: 'Succeeded' } };
    const t = setup({ sets: [set], pods: [gone, done, pod('live', { app: 'web' }, set)] });
    await t.ctrl.reconcile('default/web');
    expect(t.cluster.actions.filter((a) => a.verb === 'create')).toHaveLength(1);
    expect(t.cluster.actions.filter((a) => a.verb === 'delete')).toHaveLength(0);
  });

  it('reports ReplicaFailure and FailedCreate on create errors, slow-starting (one attempt, not N)', async () => {
    const t = setup({ sets: [rs('web', 5)] });
    const cs = t.cluster.clientSet();
    let attempts = 0;
    const failing = {
      ...cs,
      client: ((r: typeof RESOURCES.pods) => {
        const c = cs.client(r);
        if (r.plural !== 'pods') return c;
        return { ...c, create: async () => { attempts++; throw new ApiStatusError(403, 'Forbidden', 'pods "web-" is forbidden: exceeded quota: compute'); } };
      }) as never,
    };
    const ctrl = createReplicaSetController(failing, { clock: { now: () => t.cluster.nowMs } });
    await expect(ctrl.reconcile('default/web')).rejects.toThrow('exceeded quota');
    expect(attempts).toBe(1);
    expect(t.cluster.events).toEqual([{ object: 'ReplicaSet/default/web', type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "web-" is forbidden: exceeded quota: compute' }]);
    expect(t.get('web').status?.conditions).toEqual([{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-" is forbidden: exceeded quota: compute', lastTransitionTime: rfc3339(t.cluster.nowMs) }]);
    expect(ctrl.expectations.satisfied('default/web')).toBe(true);
    // The next successful pass clears the condition.
    await t.ctrl.reconcile('default/web');
    expect(t.get('web').status?.conditions).toBeUndefined();
    expect(t.pods()).toHaveLength(5);
  });

  it('counts ready and available pods with minReadySeconds and asks to be requeued when one will become available', async () => {
    const set = rs('web', 2, { minReadySeconds: 10 });
    const now = Date.parse('2026-01-01T00:00:00Z');
    const t = setup({
      sets: [set],
      pods: [podWithReadiness(pod('a', { app: 'web', tier: 'web' }, set), true, now - 60_000) as Pod, podWithReadiness(pod('b', { app: 'web' }, set), true, now - 4_000) as Pod],
    });
    const res = await t.ctrl.reconcile('default/web');
    expect(t.get('web').status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 1, readyReplicas: 2, availableReplicas: 1 });
    expect(res).toEqual({ requeueAfterMs: 6_001 });
    t.cluster.nowMs += 6_001;
    expect(await t.ctrl.reconcile('default/web')).toBeUndefined();
    expect(t.get('web').status?.availableReplicas).toBe(2);
  });

  it('maps pod events to the owning ReplicaSet key, and orphans to the sets that select them', async () => {
    const set = rs('web', 0);
    const t = setup({ sets: [set] });
    const pods = t.cluster.client<Pod>(RESOURCES.pods);
    await pods.create('default', pod('owned', { app: 'web' }, set));
    await pods.create('default', pod('orphan', { app: 'web' }));
    await pods.create('default', pod('unrelated', { app: 'db' }));
    expect(t.queued).toEqual(['default/web', 'default/web']);
  });
});
