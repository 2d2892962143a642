import { describe, expect, it } from 'vitest';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { FakeCluster } from '../../client/testing/fake.js';
import { RESOURCES, rfc3339, type KubeObject } from '../../client/types.js';
import { NodeLifecycleController } from './controller.js';

type Node = V1Node & KubeObject;
type Pod = V1Pod & KubeObject;
const T0 = Date.parse('2026-01-01T00:00:00Z');

function node(name: string, ready = 'True'): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { conditions: [{ type: 'Ready', status: ready, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: rfc3339(T0), lastTransitionTime: rfc3339(T0 - 3600_000) }] },
  };
}
const lease = (name: string, renewMs: number): KubeObject =>
  ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date(renewMs).toISOString() } }) as KubeObject;
function pod(name: string, nodeName: string, tolerations?: V1Pod['spec'] extends infer S ? (S extends { tolerations?: infer X } ? X : never) : never): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: [{ name: 'c', image: 'i' }], tolerations },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function setup() {
  const cluster = new FakeCluster();
  cluster.nowMs = T0;
  const cs = cluster.clientSet();
  const c = new NodeLifecycleController(cs, { clock: { now: () => cluster.nowMs } });
  c.register(cs, () => undefined);
  const nodeOf = (n: string) => cluster.get<Node>(RESOURCES.nodes, n)!;
  const renew = async (n: string) => {
    const l = cluster.get<KubeObject & { spec: { renewTime: string } }>(RESOURCES.leases, `kube-node-lease/${n}`)!;
    await cs.client(RESOURCES.leases).update({ ...l, spec: { ...l.spec, renewTime: new Date(cluster.nowMs).toISOString() } } as KubeObject);
  };
  return { cluster, c, nodeOf, renew };
}

describe('NodeLifecycleController', () => {
  it('a node that keeps renewing its lease stays as it is', async () => {
    const { cluster, c, renew } = setup();
    cluster.seed(RESOURCES.nodes, [node('n1')]);
    cluster.seed(RESOURCES.leases, [lease('n1', T0)]);
    expect(await c.reconcile('n1')).toEqual({ requeueAfterMs: 40_000 });
    for (let i = 0; i < 6; i++) {
      cluster.nowMs += 10_000;
      await renew('n1');
      await c.reconcile('n1');
    }
    expect(cluster.actions.filter((a) => a.resource !== 'leases')).toEqual([]);
  });

  it('silence past the grace period: Ready Unknown, unreachable taints, pods not ready, then evictions', async () => {
    const { cluster, c, nodeOf } = setup();
    cluster.seed(RESOURCES.nodes, [node('n1')]);
    cluster.seed(RESOURCES.leases, [lease('n1', T0)]);
    cluster.seed(RESOURCES.pods, [
      pod('plain', 'n1'),
      pod('short', 'n1', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }]),
      pod('forever', 'n1', [{ operator: 'Exists' }]),
      pod('elsewhere', 'n2'),
    ]);
    await c.reconcile('n1');
    cluster.nowMs = T0 + 39_000;
    expect(await c.reconcile('n1')).toEqual({ requeueAfterMs: 1000 });
    expect(cluster.actions).toEqual([]);

    cluster.nowMs = T0 + 40_000;
    expect(await c.reconcile('n1')).toEqual({ requeueAfterMs: 10_000 });
    const n = nodeOf('n1');
    expect(n.status!.conditions!.find((x) => x.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: '2026-01-01T00:00:40Z' });
    expect(n.spec!.taints).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:40Z' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    ]);
    expect(cluster.get<Pod>(RESOURCES.pods, 'default/plain')!.status!.conditions![0]!.status).toBe('False');
    expect(cluster.get<Pod>(RESOURCES.pods, 'default/elsewhere')!.status!.conditions![0]!.status).toBe('True');
    expect(cluster.events).toContainEqual({ object: 'Node/n1', type: 'Normal', reason: 'NodeNotReady', message: 'Node n1 status is now: NodeNotReady' });
    expect(cluster.events).toContainEqual({ object: 'Pod/default/plain', type: 'Warning', reason: 'NodeNotReady', message: 'Node is not ready' });

    cluster.nowMs = T0 + 50_000;
    expect(await c.reconcile('n1')).toEqual({ requeueAfterMs: 290_000 });
    expect(cluster.get(RESOURCES.pods, 'default/short')).toBeUndefined();
    expect(cluster.events).toContainEqual({ object: 'Pod/default/short', type: 'Normal', reason: 'TaintManagerEviction', message: 'Marking for deletion Pod default/short' });
    const disruption = cluster.actions.filter((a) => a.verb === 'updateStatus' && a.key === 'default/short').at(-1)!.object as Pod;
    expect(disruption.status!.conditions!.at(-1)).toMatchObject({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });

    cluster.nowMs = T0 + 340_000;
    expect(await c.reconcile('n1')).toBeUndefined();
    expect(cluster.list(RESOURCES.pods).map((p) => p.metadata.name).sort()).toEqual(['elsewhere', 'forever']);
  });

  it('a node back to Ready (the kubelet posted again) loses its taints and nothing more is evicted', async () => {
    const { cluster, c, nodeOf, renew } = setup();
    cluster.seed(RESOURCES.nodes, [node('n1')]);
    cluster.seed(RESOURCES.leases, [lease('n1', T0)]);
    cluster.seed(RESOURCES.pods, [pod('plain', 'n1')]);
    await c.reconcile('n1');
    cluster.nowMs = T0 + 45_000;
    await c.reconcile('n1');
    expect(nodeOf('n1').spec!.taints).toHaveLength(2);

    cluster.nowMs = T0 + 60_000;
    await renew('n1');
    const n = nodeOf('n1');
    await cluster.clientSet().client<Node>(RESOURCES.nodes).updateStatus({ ...n, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: rfc3339(cluster.nowMs) }] } });
    expect(await c.reconcile('n1')).toEqual({ requeueAfterMs: 40_000 });
    expect(nodeOf('n1').spec!.taints).toEqual([]);
    cluster.nowMs = T0 + 400_000;
    await renew('n1');
    await c.reconcile('n1');
    expect(cluster.get(RESOURCES.pods, 'default/plain')).toBeDefined();
  });

  it('a pod that tolerates nothing on a node with a user NoExecute taint goes at once', async () => {
    const { cluster, c } = setup();
    const n = node('n1');
    n.spec = { taints: [{ key: 'maintenance', effect: 'NoExecute' }] };
    cluster.seed(RESOURCES.nodes, [n]);
    cluster.seed(RESOURCES.leases, [lease('n1', T0)]);
    cluster.seed(RESOURCES.pods, [pod('p', 'n1'), pod('ok', 'n1', [{ key: 'maintenance', operator: 'Exists' }])]);
    await c.reconcile('n1');
    expect(cluster.list(RESOURCES.pods).map((p) => p.metadata.name)).toEqual(['ok']);
  });

  it('a deleted node is forgotten', async () => {
    const { c } = setup();
    expect(await c.reconcile('gone')).toBeUndefined();
  });
});
