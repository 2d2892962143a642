import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../client/testing/fake.js';
import { RESOURCES, type ClientSet, type KubeObject, type ResourceRef } from '../../client/types.js';
import { GarbageCollector } from './controller.js';

const T = '2026-01-01T00:00:00Z' as unknown as Date;

function rs(name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra } };
}
function deploy(name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra } };
}
function ref(kind: string, name: string, opts: { uid?: string; block?: boolean; apiVersion?: string } = {}) {
  return { apiVersion: opts.apiVersion ?? 'apps/v1', kind, name, uid: opts.uid ?? `uid-${name}`, controller: true, blockOwnerDeletion: opts.block };
}
function pod(name: string, owners: ReturnType<typeof ref>[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, ownerReferences: owners } };
}

function setup(seed: [ResourceRef, KubeObject[]][], cs?: (c: FakeCluster) => ClientSet) {
  const cluster = new FakeCluster();
  for (const [r, objs] of seed) cluster.seed(r, objs);
  const clientSet = cs ? cs(cluster) : cluster.clientSet();
  const gc = new GarbageCollector(clientSet);
  const queued: string[] = [];
  gc.register(clientSet, (k) => queued.push(k));
  /** Runs reconcile until the queue is empty (what the bin's workers do). */
  const drain = async (first: string[]) => {
    queued.push(...first);
    for (let i = 0; queued.length > 0 && i < 100; i++) await gc.reconcile(queued.shift()!);
  };
  return { cluster, gc, queued, drain };
}

const verbs = (c: FakeCluster) => c.actions.map((a) => `${a.verb} ${a.resource} ${a.key}`);

describe('GarbageCollector: background', () => {
  it('deletes a pod whose only owner is gone', async () => {
    const { cluster, gc } = setup([[RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'gone')])]]]);
    await gc.reconcile('pods:default/p1');
    expect(verbs(cluster)).toEqual(['delete pods default/p1']);
  });

  it('keeps a pod whose owner exists (no request at all)', async () => {
    const { cluster, gc } = setup([
      [RESOURCES.replicasets, [rs('web')]],
      [RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'web')])]],
    ]);
    await gc.reconcile('pods:default/p1');
    expect(cluster.actions).toEqual([]);
  });

  it('deletes a pod whose owner name now belongs to another object (uid differs)', async () => {
    const { cluster, gc } = setup([
      [RESOURCES.replicasets, [rs('web', { uid: 'uid-new' })]],
      [RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'web', { uid: 'uid-old' })])]],
    ]);
    await gc.reconcile('pods:default/p1');
    expect(verbs(cluster)).toEqual(['delete pods default/p1']);
  });

  it('drops the dangling reference when another owner is alive', async () => {
    const { cluster, gc } = setup([
      [RESOURCES.replicasets, [rs('web')]],
      [RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'web'), ref('ReplicaSet', 'gone')])]],
    ]);
    await gc.reconcile('pods:default/p1');
    expect(verbs(cluster)).toEqual(['patch pods default/p1']);
    expect(cluster.get<KubeObject>(RESOURCES.pods, 'default/p1')!.metadata.ownerReferences!.map((r) => r.name)).toEqual(['web']);
  });

  it('never collects because of an owner of a kind it does not know', async () => {
    const { cluster, gc } = setup([[RESOURCES.pods, [pod('p1', [ref('Widget', 'w', { apiVersion: 'example.com/v1' })])]]]);
    await gc.reconcile('pods:default/p1');
    expect(cluster.actions).toEqual([]);
  });

  it('checks a live GET before deleting: an owner missing from a stale cache saves the pod', async () => {
    const { cluster, gc } = setup(
      [
        [RESOURCES.replicasets, [rs('web')]],
        [RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'web')])]],
      ],
      (c) => {
        const real = c.clientSet();
        // The replicaset informer has not seen "web" yet.
        return {
          ...real,
          informer: <T extends KubeObject>(r: ResourceRef) => {
            const inf = real.informer<T>(r);
            if (r.plural !== 'replicasets') return inf;
            return { ...inf, lister: { ...inf.lister, get: () => undefined, list: () => [], byIndex: () => [] } };
          },
        };
      },
    );
    await gc.reconcile('pods:default/p1');
    expect(cluster.actions).toEqual([]);
  });

  it('leaves objects that are already being deleted alone', async () => {
    const p = pod('p1', [ref('ReplicaSet', 'gone')]);
    p.metadata.deletionTimestamp = T;
    const { cluster, gc } = setup([[RESOURCES.pods, [p]]]);
    await gc.reconcile('pods:default/p1');
    expect(cluster.actions).toEqual([]);
  });

  it('an owner deleted through the API queues its dependents, which the collector then deletes', async () => {
    const { cluster, drain, queued } = setup([
      [RESOURCES.replicasets, [rs('web')]],
      [RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'web')]), pod('p2', [ref('ReplicaSet', 'web')]), pod('other', [])]],
    ]);
    await cluster.client(RESOURCES.replicasets).delete('default', 'web');
    expect([...queued].sort()).toEqual(['pods:default/p1', 'pods:default/p2']);
    await drain([]);
    expect(cluster.list(RESOURCES.pods).map((p) => p.metadata.name)).toEqual(['other']);
  });
});

describe('GarbageCollector: foreground', () => {
  it('deletes blocking dependents, then removes foregroundDeletion from the owner', async () => {
    const owner = rs('web', { deletionTimestamp: T, finalizers: ['foregroundDeletion'] });
    const { cluster, drain } = setup([
      [RESOURCES.replicasets, [owner]],
      [RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'web', { block: true })]), pod('p2', [ref('ReplicaSet', 'web')])]],
    ]);
    await drain(['replicasets.apps:default/web']);
    expect(cluster.list(RESOURCES.pods)).toEqual([]);
    expect(cluster.get<KubeObject>(RESOURCES.replicasets, 'default/web')!.metadata.finalizers).toEqual([]);
    // The finalizer goes only after the blocking pod is gone.
    const v = verbs(cluster);
    expect(v.indexOf('patch replicasets default/web')).toBeGreaterThan(v.indexOf('delete pods default/p1'));
  });

  it('keeps the finalizer while a blocking dependent remains', async () => {
    const owner = rs('web', { deletionTimestamp: T, finalizers: ['foregroundDeletion'] });
    const p1 = pod('p1', [ref('ReplicaSet', 'web', { block: true })]);
    p1.metadata.deletionTimestamp = T; // terminating, e.g. a graceful pod deletion
    const { cluster, gc, queued } = setup([
      [RESOURCES.replicasets, [owner]],
      [RESOURCES.pods, [p1]],
    ]);
    await gc.reconcile('replicasets.apps:default/web');
    expect(cluster.actions).toEqual([]);
    expect(queued).toEqual(['pods:default/p1']);
  });

  it('non-blocking dependents do not hold the owner', async () => {
    const owner = rs('web', { deletionTimestamp: T, finalizers: ['foregroundDeletion', 'example.com/keep'] });
    const { cluster, gc } = setup([
      [RESOURCES.replicasets, [owner]],
      [RESOURCES.pods, [pod('p2', [ref('ReplicaSet', 'web', { block: false })])]],
    ]);
    await gc.reconcile('replicasets.apps:default/web');
    expect(cluster.get<KubeObject>(RESOURCES.replicasets, 'default/web')!.metadata.finalizers).toEqual(['example.com/keep']);
  });

  it('a dependent with dependents of its own is deleted in the foreground (the chain waits)', async () => {
    const d = deploy('app', { deletionTimestamp: T, finalizers: ['foregroundDeletion'] });
    const r = rs('app-1', { ownerReferences: [ref('Deployment', 'app', { block: true })] });
    const { cluster } = setup([
      [RESOURCES.deployments, [d]],
      [RESOURCES.replicasets, [r]],
      [RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'app-1', { block: true })])]],
    ]);
    // FakeCluster deletes at once whatever the policy; what matters is the request the collector sends.
    const deletes: unknown[] = [];
    const spy = new GarbageCollector({
      ...cluster.clientSet(),
      client: <T extends KubeObject>(res: ResourceRef) => {
        const c = cluster.client<T>(res);
        return { ...c, delete: async (ns, name, opts) => { deletes.push({ res: res.plural, name, opts }); return c.delete(ns, name, opts); } };
      },
    });
    spy.register(cluster.clientSet(), () => undefined);
    await spy.reconcile('replicasets.apps:default/app-1');
    expect(deletes).toEqual([{ res: 'replicasets', name: 'app-1', opts: { propagationPolicy: 'Foreground', preconditions: { uid: 'uid-app-1' } } }]);
  });
});

describe('GarbageCollector: orphan', () => {
  it('removes the owner reference from every dependent, then the orphan finalizer', async () => {
    const owner = rs('web', { deletionTimestamp: T, finalizers: ['orphan'] });
    const { cluster, gc } = setup([
      [RESOURCES.replicasets, [owner, rs('other')]],
      [RESOURCES.pods, [pod('p1', [ref('ReplicaSet', 'web')]), pod('p2', [ref('ReplicaSet', 'web'), ref('ReplicaSet', 'other')])]],
    ]);
    await gc.reconcile('replicasets.apps:default/web');
    const refsOf = (n: string) => cluster.get<KubeObject>(RESOURCES.pods, `default/${n}`)!.metadata.ownerReferences!.map((r) => r.name);
    expect(refsOf('p1')).toEqual([]);
    expect(refsOf('p2')).toEqual(['other']);
    expect(cluster.get<KubeObject>(RESOURCES.replicasets, 'default/web')!.metadata.finalizers).toEqual([]);
    expect(verbs(cluster).at(-1)).toBe('patch replicasets default/web');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(2);
  });
});
