import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../client/testing/fake.js';
import { RESOURCES } from '../../client/types.js';
import { laggingClientSet, podWithReadiness } from '../common/testing.js';
import { createStatefulSetController } from './controller.js';
import type { Pod, StatefulSet } from './identity.js';

function sts(replicas: number, policy: 'OrderedReady' | 'Parallel' = 'OrderedReady'): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 1 },
    spec: {
      replicas,
      serviceName: 'nginx',
      podManagementPolicy: policy,
      selector: { matchLabels: { app: 'web' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'web:1' }] } },
    },
  };
}

function setup(set: StatefulSet) {
  const cluster = new FakeCluster();
  cluster.seed(RESOURCES.statefulsets, [set]);
  const cs = cluster.clientSet();
  const ctrl = createStatefulSetController(cs, { clock: { now: () => cluster.nowMs } });
  ctrl.register(cs, () => undefined);
  const podClient = cs.client<Pod>(RESOURCES.pods);
  const names = () => cluster.list<Pod>(RESOURCES.pods).map((p) => p.metadata.name).sort();
  /** The scheduler and kubelet: every pod Running and Ready. */
  const run = async () => {
    for (const p of cluster.list<Pod>(RESOURCES.pods)) if (p.status?.phase !== 'Running') await podClient.update(podWithReadiness(p, true, cluster.nowMs - 1000) as Pod);
  };
  const get = () => cluster.get<StatefulSet>(RESOURCES.statefulsets, 'default/web')!;
  return { cluster, cs, ctrl, podClient, names, run, get, reconcile: () => cluster && ctrl.reconcile('default/web') };
}

describe('StatefulSet controller', () => {
  it('OrderedReady: creates web-0, web-1, web-2, each after the one before is Running and Ready', async () => {
    const t = setup(sts(3));
    await t.reconcile();
    expect(t.names()).toEqual(['web-0']);
    await t.reconcile();
    expect(t.names()).toEqual(['web-0']); // web-0 not ready yet
    for (const want of [['web-0', 'web-1'], ['web-0', 'web-1', 'web-2']]) {
      await t.run();
      await t.reconcile();
      expect(t.names()).toEqual(want);
    }
    await t.run();
    await t.reconcile();
    expect(t.cluster.events.map((e) => `${e.reason}: ${e.message}`)).toEqual([
      'SuccessfulCreate: create Pod web-0 in StatefulSet web successful',
      'SuccessfulCreate: create Pod web-1 in StatefulSet web successful',
      'SuccessfulCreate: create Pod web-2 in StatefulSet web successful',
    ]);
    const rev = t.get().status?.updateRevision;
    expect(t.get().status).toEqual({ observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, currentRevision: rev, updateRevision: rev, collisionCount: 0 });
    const n = t.cluster.actions.length;
    await t.reconcile();
    expect(t.cluster.actions.length).toBe(n);
  });

  it('Parallel: creates all at once; scale-down removes the highest ordinals', async () => {
    const t = setup(sts(3, 'Parallel'));
    await t.reconcile();
    expect(t.names()).toEqual(['web-0', 'web-1', 'web-2']);
    await t.run();
    const set = t.get();
    await t.cs.client<StatefulSet>(RESOURCES.statefulsets).update({ ...set, spec: { ...set.spec!, replicas: 1 } });
    await t.reconcile();
    expect(t.names()).toEqual(['web-0']);
  });

  it('OrderedReady scale-down: web-2 first, then web-1', async () => {
    const t = setup(sts(3));
    for (let i = 0; i < 4; i++) {
      await t.reconcile();
      await t.run();
    }
    const set = t.get();
    await t.cs.client<StatefulSet>(RESOURCES.statefulsets).update({ ...set, spec: { ...set.spec!, replicas: 1 } });
    await t.reconcile();
    expect(t.names()).toEqual(['web-0', 'web-1']);
    await t.reconcile();
    expect(t.names()).toEqual(['web-0']);
  });

  it('replaces a deleted pod with the same name, and a failed one', async () => {
    const t = setup(sts(2));
    for (let i = 0; i < 3; i++) {
      await t.reconcile();
      await t.run();
    }
    await t.podClient.delete('default', 'web-0');
    await t.reconcile();
    expect(t.names()).toEqual(['web-0', 'web-1']);
    await t.run();
    const p = t.cluster.get<Pod>(RESOURCES.pods, 'default/web-1')!;
    await t.podClient.update({ ...p, status: { phase: 'Failed' } });
    await t.reconcile();
    expect(t.cluster.get<Pod>(RESOURCES.pods, 'default/web-1')!.status?.phase).toBeUndefined(); // the replacement
    expect(t.cluster.events.some((e) => e.reason === 'RecreatingFailedPod' && e.message === 'StatefulSet default/web is recreating failed Pod web-1')).toBe(true);
  });

  it('rolls a new template out from the highest ordinal, and the new revision becomes current', async () => {
    const t = setup(sts(3));
    for (let i = 0; i < 4; i++) {
      await t.reconcile();
      await t.run();
    }
    const oldRev = t.get().status?.currentRevision;
    const set = t.get();
    await t.cs.client<StatefulSet>(RESOURCES.statefulsets).update({ ...set, metadata: { ...set.metadata, generation: 2 }, spec: { ...set.spec!, template: { ...set.spec!.template, spec: { containers: [{ name: 'c', image: 'web:2' }] } } } });
    const order: string[] = [];
    for (let i = 0; i < 12; i++) {
      const before = new Set(t.cluster.list<Pod>(RESOURCES.pods).map((p) => p.metadata.uid));
      await t.reconcile();
      for (const p of t.cluster.list<Pod>(RESOURCES.pods)) if (!before.has(p.metadata.uid)) order.push(p.metadata.name!);
      await t.run();
    }
    expect(order).toEqual(['web-2', 'web-1', 'web-0']);
    const images = t.cluster.list<Pod>(RESOURCES.pods).map((p) => p.spec?.containers[0]?.image);
    expect(images).toEqual(['web:2', 'web:2', 'web:2']);
    expect(t.get().status?.currentRevision).not.toBe(oldRev);
    expect(t.get().status).toMatchObject({ observedGeneration: 2, updatedReplicas: 3, currentReplicas: 3 });
  });

  it('adopts an orphan named like its pods, ignores other names', async () => {
    const t = setup(sts(1));
    t.cluster.seed(RESOURCES.pods, [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [] } } as Pod,
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [] } } as Pod,
    ]);
    await t.reconcile();
    expect(t.cluster.get<Pod>(RESOURCES.pods, 'default/web-0')!.metadata.ownerReferences?.[0]?.uid).toBe('uid-web');
    expect(t.cluster.get<Pod>(RESOURCES.pods, 'default/other')!.metadata.ownerReferences).toBeUndefined();
  });

  it('a status write that conflicts (stale cache) is retried once on a fresh read', async () => {
    const cluster = new FakeCluster();
    cluster.seed(RESOURCES.statefulsets, [sts(1)]);
    const { cs } = laggingClientSet(cluster, [RESOURCES.statefulsets]);
    const ctrl = createStatefulSetController(cs, { clock: { now: () => cluster.nowMs } });
    const client = cs.client<StatefulSet>(RESOURCES.statefulsets);
    const cur = await client.get('default', 'web');
    await client.update({ ...cur, metadata: { ...cur.metadata, labels: { touched: 'yes' } } });
    await ctrl.reconcile('default/web');
    const after = cluster.get<StatefulSet>(RESOURCES.statefulsets, 'default/web')!;
    expect(after.metadata.labels).toEqual({ touched: 'yes' });
    expect(after.status).toMatchObject({ observedGeneration: 1, replicas: 0 });
  });
});
