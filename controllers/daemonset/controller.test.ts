import type { V1DaemonSet, V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../client/testing/fake.js';
import { RESOURCES, type KubeObject } from '../../client/types.js';
import { laggingClientSet, podWithReadiness } from '../common/testing.js';
import { createDaemonSetController } from './controller.js';
import { targetNodeName, type Pod } from './util.js';

type DS = V1DaemonSet & KubeObject;
type Node = V1Node & KubeObject;

function ds(extra: Partial<V1DaemonSet['spec']> = {}, image = 'agent:1', generation = 1): DS {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'uid-agent', generation },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image }] } },
      ...extra,
    },
  };
}

const node = (name: string, labels: Record<string, string> = {}): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {} });

function setup(set: DS, nodes: Node[]) {
  const cluster = new FakeCluster();
  cluster.seed(RESOURCES.daemonsets, [set]);
  cluster.seed(RESOURCES.nodes, nodes);
  const cs = cluster.clientSet();
  const ctrl = createDaemonSetController(cs, { clock: { now: () => cluster.nowMs } });
  ctrl.register(cs, () => undefined);
  const pods = () => cluster.list<Pod>(RESOURCES.pods);
  /** What the scheduler and kubelet would do: bind each pod to its pinned node and make it Ready. */
  const run = async () => {
    const client = cs.client<Pod>(RESOURCES.pods);
    for (const p of pods()) {
      if (p.spec?.nodeName) continue;
      const cur = cluster.get<Pod>(RESOURCES.pods, `default/${p.metadata.name}`)!;
      await client.update(podWithReadiness(cur, true, cluster.nowMs - 1000, targetNodeName(cur)) as Pod);
    }
  };
  const get = () => cluster.get<DS>(RESOURCES.daemonsets, 'default/agent')!;
  return { cluster, cs, ctrl, pods, run, get, reconcile: () => ctrl.reconcile('default/agent') };
}

const onNodes = (pods: Pod[]) => pods.map((p) => targetNodeName(p)).sort();

describe('DaemonSet controller', () => {
  it('puts one pod on each eligible node, pinned by node affinity, with events and status', async () => {
    const t = setup(ds({ template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'a' }], nodeSelector: { role: 'worker' } } } }), [node('n1', { role: 'worker' }), node('n2', { role: 'worker' }), node('n3', { role: 'control' })]);
    await t.reconcile();
    expect(onNodes(t.pods())).toEqual(['n1', 'n2']);
    for (const p of t.pods()) {
      expect(p.spec?.nodeName).toBeUndefined();
      expect(p.metadata.labels?.['controller-revision-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
      expect(p.metadata.labels?.['pod-template-generation']).toBe('1');
    }
    expect(t.cluster.events.map((e) => `${e.reason} ${e.message}`)).toEqual(t.pods().map((p) => `SuccessfulCreate Created pod: ${p.metadata.name}`));
    await t.run();
    await t.reconcile();
    expect(t.get().status).toEqual({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 0, observedGeneration: 1 });
    const n = t.cluster.actions.length;
    await t.reconcile();
    expect(t.cluster.actions.length).toBe(n);
  });

  it('follows nodes: a new node gets a pod, a node that stops matching loses it', async () => {
    const t = setup(ds({ template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'a' }], nodeSelector: { role: 'worker' } } } }), [node('n1', { role: 'worker' })]);
    await t.reconcile();
    await t.run();
    const nodes = t.cs.client<Node>(RESOURCES.nodes);
    await nodes.create(undefined, node('n2', { role: 'worker' }));
    await t.reconcile();
    expect(onNodes(t.pods())).toEqual(['n1', 'n2']);
    await nodes.update({ ...t.cluster.get<Node>(RESOURCES.nodes, 'n1')!, metadata: { ...t.cluster.get<Node>(RESOURCES.nodes, 'n1')!.metadata, labels: {} } });
    await t.reconcile();
    expect(onNodes(t.pods())).toEqual(['n2']);
  });

  it('rolls out a new template one node at a time (delete old, then create new once it is gone)', async () => {
    const t = setup(ds(), [node('n1'), node('n2'), node('n3')]);
    await t.reconcile();
    await t.run();
    const old = t.pods().map((p) => p.metadata.labels?.['controller-revision-hash']);
    const client = t.cs.client<DS>(RESOURCES.daemonsets);
    const cur = t.get();
    await client.update({ ...cur, metadata: { ...cur.metadata, generation: 2 }, spec: { ...cur.spec!, template: { ...cur.spec!.template, spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    const images = () => t.pods().map((p) => p.spec?.containers[0]?.image).sort();
    await t.reconcile(); // deletes one old pod
    expect(images()).toEqual(['agent:1', 'agent:1']);
    await t.reconcile(); // creates its replacement
    expect(images()).toEqual(['agent:1', 'agent:1', 'agent:2']);
    await t.reconcile(); // the new pod is not ready yet: nothing more
    expect(images()).toEqual(['agent:1', 'agent:1', 'agent:2']);
    for (let i = 0; i < 10; i++) {
      await t.run();
      await t.reconcile();
    }
    expect(images()).toEqual(['agent:2', 'agent:2', 'agent:2']);
    expect(new Set(t.pods().map((p) => p.metadata.labels?.['controller-revision-hash']))).not.toContain(old[0]);
    expect(t.get().status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
  });

  it('OnDelete: a new template changes nothing until a pod is deleted by hand', async () => {
    const t = setup(ds({ updateStrategy: { type: 'OnDelete' } }), [node('n1'), node('n2')]);
    await t.reconcile();
    await t.run();
    const cur = t.get();
    await t.cs.client<DS>(RESOURCES.daemonsets).update({ ...cur, metadata: { ...cur.metadata, generation: 2 }, spec: { ...cur.spec!, template: { ...cur.spec!.template, spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await t.reconcile();
    expect(t.pods().map((p) => p.spec?.containers[0]?.image)).toEqual(['agent:1', 'agent:1']);
    expect(t.get().status).toMatchObject({ updatedNumberScheduled: 0, observedGeneration: 2 });
    const victim = t.pods()[0]!;
    await t.cs.client<Pod>(RESOURCES.pods).delete('default', victim.metadata.name!);
    await t.reconcile();
    expect(t.pods().map((p) => p.spec?.containers[0]?.image).sort()).toEqual(['agent:1', 'agent:2']);
  });

  it('adopts a matching orphan on its node instead of creating another (OnDelete: no roll of the adoptee)', async () => {
    const t = setup(ds({ updateStrategy: { type: 'OnDelete' } }), [node('n1')]);
    t.cluster.seed(RESOURCES.pods, [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', labels: { app: 'agent' } }, spec: { nodeName: 'n1', containers: [] } } as Pod]);
    await t.reconcile();
    expect(t.pods().map((p) => p.metadata.name)).toEqual(['orphan']);
    expect(t.pods()[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', uid: 'uid-agent', controller: true });
  });

  it('deletes a failed pod with a per-node backoff and a FailedDaemonPod event', async () => {
    const t = setup(ds(), [node('n1')]);
    await t.reconcile();
    await t.run();
    const failPod = async () => {
      const p = t.pods()[0]!;
      await t.cs.client<Pod>(RESOURCES.pods).update({ ...p, status: { phase: 'Failed' } });
    };
    await failPod();
    await t.reconcile();
    expect(t.cluster.events.filter((e) => e.reason === 'FailedDaemonPod')).toHaveLength(1);
    await t.reconcile(); // creates the replacement
    expect(t.pods()).toHaveLength(1);
    await failPod();
    const r = await t.reconcile(); // within the 1s backoff: waits
    expect(r).toEqual({ requeueAfterMs: 1000 });
    expect(t.pods()[0]!.status?.phase).toBe('Failed');
    t.cluster.nowMs += 1001;
    await t.reconcile();
    expect(t.pods()).toHaveLength(0);
  });

  it('does not create again while its creates are unobserved (expectations)', async () => {
    const cluster = new FakeCluster();
    cluster.seed(RESOURCES.daemonsets, [ds()]);
    cluster.seed(RESOURCES.nodes, [node('n1'), node('n2')]);
    const { cs, flush } = laggingClientSet(cluster, [RESOURCES.pods]);
    const ctrl = createDaemonSetController(cs, { clock: { now: () => cluster.nowMs } });
    ctrl.register(cs, () => undefined);
    await ctrl.reconcile('default/agent');
    expect(ctrl.expectations.pending('default/agent')).toEqual({ add: 2, del: 0 });
    await ctrl.reconcile('default/agent');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(2);
    flush();
    expect(ctrl.expectations.satisfied('default/agent')).toBe(true);
    await ctrl.reconcile('default/agent');
    expect(cluster.list(RESOURCES.pods)).toHaveLength(2);
  });
});
