import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../client/testing/fake.js';
import { RESOURCES, type KubeObject } from '../../client/types.js';
import { deletionConditions, mergeConditions } from './conditions.js';
import { NamespaceController } from './controller.js';

const T = '2026-01-01T00:00:00Z' as unknown as Date;

function namespace(name: string, terminating: boolean, finalizers = ['kubernetes']): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, ...(terminating ? { deletionTimestamp: T } : {}) },
    spec: { finalizers },
    status: { phase: terminating ? 'Terminating' : 'Active' },
  } as KubeObject;
}
const obj = (kind: string, ns: string, name: string, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, namespace: ns, ...meta } });

function setup() {
  const cluster = new FakeCluster();
  const finalized: [string, string[]][] = [];
  const cs = cluster.clientSet();
  const c = new NamespaceController(cs, { finalize: async (n, f) => void finalized.push([n, f]), clock: { now: () => cluster.nowMs } });
  const queued: string[] = [];
  c.register(cs, (k) => queued.push(k));
  return { cluster, c, finalized, queued };
}

describe('NamespaceController', () => {
  it('ignores a namespace that is not being deleted', async () => {
    const { cluster, c, finalized } = setup();
    cluster.seed(RESOURCES.namespaces, [namespace('a', false)]);
    cluster.seed(RESOURCES.pods, [obj('Pod', 'a', 'p')]);
    expect(await c.reconcile('a')).toBeUndefined();
    expect(cluster.actions).toEqual([]);
    expect(finalized).toEqual([]);
  });

  it('deletes every object of the namespace, reports what remains and waits', async () => {
    const { cluster, c, finalized } = setup();
    cluster.seed(RESOURCES.namespaces, [namespace('a', true)]);
    cluster.seed(RESOURCES.pods, [obj('Pod', 'a', 'p1'), obj('Pod', 'a', 'p2', { deletionTimestamp: T, finalizers: ['example.com/x'] }), obj('Pod', 'b', 'other')]);
    cluster.seed(RESOURCES.configmaps, [obj('ConfigMap', 'a', 'cm')]);
    const res = await c.reconcile('a');
    // p2 is already terminating (FakeCluster keeps it): the namespace waits for it.
    expect(res).toEqual({ requeueAfterMs: 5000 });
    expect(finalized).toEqual([]);
    const deletes = cluster.actions.filter((a) => a.verb === 'delete').map((a) => `${a.resource} ${a.key}`).sort();
    expect(deletes).toEqual(['configmaps a/cm', 'pods a/p1']);
    const ns = cluster.get<KubeObject & { status: { conditions: { type: string; status: string; message: string }[] } }>(RESOURCES.namespaces, 'a')!;
    const byType = Object.fromEntries(ns.status.conditions.map((x) => [x.type, x]));
    expect(byType['NamespaceContentRemaining']).toMatchObject({ status: 'True', message: 'Some resources are remaining: pods. has 1 resource instances' });
    expect(byType['NamespaceFinalizersRemaining']).toMatchObject({ status: 'True', message: 'Some content in the namespace has finalizers remaining: example.com/x in 1 resource instances' });
    expect(cluster.get(RESOURCES.pods, 'b/other')).toBeDefined();
  });

  it('finalizes (removes "kubernetes", keeps others) once the namespace is empty', async () => {
    const { cluster, c, finalized } = setup();
    cluster.seed(RESOURCES.namespaces, [namespace('a', true, ['kubernetes', 'example.com/other'])]);
    expect(await c.reconcile('a')).toBeUndefined();
    expect(finalized).toEqual([['a', ['example.com/other']]]);
    const ns = cluster.get<KubeObject & { status: { conditions: { type: string; status: string }[] } }>(RESOURCES.namespaces, 'a')!;
    expect(ns.status.conditions.find((x) => x.type === 'NamespaceContentRemaining')?.status).toBe('False');
  });

  it('does nothing once "kubernetes" is gone from spec.finalizers', async () => {
    const { cluster, c, finalized } = setup();
    cluster.seed(RESOURCES.namespaces, [namespace('a', true, ['example.com/other'])]);
    await c.reconcile('a');
    expect(finalized).toEqual([]);
    expect(cluster.actions).toEqual([]);
  });

  it('does not rewrite unchanged conditions', async () => {
    const { cluster, c } = setup();
    cluster.seed(RESOURCES.namespaces, [namespace('a', true)]);
    cluster.seed(RESOURCES.pods, [obj('Pod', 'a', 'p', { deletionTimestamp: T })]);
    await c.reconcile('a');
    const writes = cluster.actions.length;
    await c.reconcile('a');
    expect(cluster.actions.length).toBe(writes);
  });

  it('the deletion of a terminating namespace\'s object queues the namespace', async () => {
    const { cluster, queued } = setup();
    cluster.seed(RESOURCES.namespaces, [namespace('a', true), namespace('live', false)]);
    cluster.seed(RESOURCES.pods, [obj('Pod', 'a', 'p'), obj('Pod', 'live', 'q')]);
    await cluster.client(RESOURCES.pods).delete('a', 'p');
    await cluster.client(RESOURCES.pods).delete('live', 'q');
    expect(queued).toEqual(['a']);
  });
});

describe('namespace conditions', () => {
  it('all clear', () => {
    expect(deletionConditions({ resources: new Map(), finalizers: new Map(), deleteErrors: [] }).map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'NamespaceDeletionDiscoveryFailure=False/ResourcesDiscovered',
      'NamespaceDeletionGroupVersionParsingFailure=False/ParsedGroupVersions',
      'NamespaceDeletionContentFailure=False/ContentDeleted',
      'NamespaceContentRemaining=False/ContentRemoved',
      'NamespaceFinalizersRemaining=False/ContentHasNoFinalizers',
    ]);
  });
  it('delete errors', () => {
    const c = deletionConditions({ resources: new Map(), finalizers: new Map(), deleteErrors: ['pods.: boom'] })[2]!;
    expect(c).toEqual({ type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: 'Failed to delete all resource types, 1 remaining: pods.: boom' });
  });
  it('lastTransitionTime moves only with the status', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const first = mergeConditions(undefined, deletionConditions({ resources: new Map([['pods.', 2]]), finalizers: new Map(), deleteErrors: [] }), t0)!;
    const second = mergeConditions(first, deletionConditions({ resources: new Map([['pods.', 1]]), finalizers: new Map(), deleteErrors: [] }), t0 + 5000)!;
    const third = mergeConditions(second, deletionConditions({ resources: new Map(), finalizers: new Map(), deleteErrors: [] }), t0 + 9000)!;
    const remaining = (cs: typeof first) => cs.find((c) => c.type === 'NamespaceContentRemaining')!;
    expect(String(remaining(second).lastTransitionTime)).toBe('2026-01-01T00:00:00Z');
    expect(remaining(second).message).toBe('Some resources are remaining: pods. has 1 resource instances');
    expect(String(remaining(third).lastTransitionTime)).toBe('2026-01-01T00:00:09Z');
    expect(mergeConditions(third, deletionConditions({ resources: new Map(), finalizers: new Map(), deleteErrors: [] }), t0 + 20000)).toBeUndefined();
  });
});
