// Node lifecycle (Kubernetes' node_lifecycle_controller.go and the taint eviction controller), one
// reconcile per node:
//   1. heartbeats: the node's Lease in kube-node-lease (renewTime) and its Ready condition's
//      lastHeartbeatTime; silence longer than the grace period turns its conditions Unknown
//      ("Kubelet stopped posting node status.") and marks its pods not Ready;
//   2. taints follow the conditions: Ready Unknown → node.kubernetes.io/unreachable:NoExecute,
//      Ready False → node.kubernetes.io/not-ready:NoExecute (plus the NoSchedule ones), Ready True → none;
//   3. eviction: pods on a node with NoExecute taints are deleted once their tolerations run out.
// The controller never sets Ready back to True: the kubelet does when it posts status again.

import type { V1Lease, V1Node, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { RESOURCES, isNotFound, rfc3339, type ClientSet, type Clock, type EventRecorder, type KubeObject, type ResourceRef } from '../../client/types.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import { desiredTaints, evictionTime, markConditionsUnknown, observeHeartbeat, withDefaultTolerations, type NodeHealth } from './health.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions {
  clock?: Clock;
  /** --node-monitor-grace-period: silence after which a node is Unknown. Default 40 s. */
  nodeMonitorGracePeriodMs?: number;
  /** What the DefaultTolerationSeconds admission would give pods without their own toleration (300). */
  defaultTolerationSeconds?: number;
}

type Node = V1Node & KubeObject;
type Pod = V1Pod & KubeObject;
type Lease = V1Lease & KubeObject;

export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  readonly watches: readonly ResourceRef[] = [RESOURCES.nodes, RESOURCES.leases, RESOURCES.pods];
  private readonly health = new Map<string, NodeHealth>();
  /** When the controller first saw a NoExecute taint without timeAdded, per node. */
  private readonly taintSeen = new Map<string, number>();
  private readonly clock: Clock;
  private readonly graceMs: number;
  private readonly defaultTolerationSeconds: number;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly cs: ClientSet,
    options: NodeLifecycleOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.graceMs = options.nodeMonitorGracePeriodMs ?? 40_000;
    this.defaultTolerationSeconds = options.defaultTolerationSeconds ?? 300;
    this.recorder = cs.recorder('node-controller');
  }

  register(cs: ClientSet, enqueue: (key: string) => void): void {
    const byName = (o: KubeObject) => enqueue(o.metadata.name ?? '');
    cs.informer(RESOURCES.nodes).addHandler({ onAdd: byName, onUpdate: (_o, n) => byName(n), onDelete: byName });
    const lease = (o: KubeObject) => {
      if (o.metadata.namespace === NODE_LEASE_NAMESPACE) byName(o);
    };
    cs.informer(RESOURCES.leases).addHandler({ onAdd: lease, onUpdate: (_o, n) => lease(n) });
    // A pod bound to a tainted or silent node may have to go (or be marked not Ready).
    const nodes = cs.informer<Node>(RESOURCES.nodes).lister;
    const pod = (p: Pod) => {
      const nodeName = p.spec?.nodeName;
      if (!nodeName) return;
      const node = nodes.get(undefined, nodeName);
      const ready = node?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
      if (node && ((node.spec?.taints ?? []).some((t) => t.effect === 'NoExecute') || ready !== 'True')) enqueue(nodeName);
    };
    cs.informer<Pod>(RESOURCES.pods).addHandler({ onAdd: pod, onUpdate: (_o, n) => pod(n) });
  }

  async reconcile(name: string): Promise<void | ReconcileResult> {
    let node = this.cs.informer<Node>(RESOURCES.nodes).lister.get(undefined, name);
    if (!node) {
      this.health.delete(name);
      this.taintSeen.delete(name);
      return;
    }
    const now = this.clock.now();
    const lease = this.cs.informer<Lease>(RESOURCES.leases).lister.get(NODE_LEASE_NAMESPACE, name);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const health = observeHeartbeat(this.health.get(name), lease?.spec?.renewTime as unknown as string | undefined, ready?.lastHeartbeatTime as unknown as string | undefined, now);
    this.health.set(name, health);

    const wakeUps: number[] = [];
    const silentUntil = health.probeMs + this.graceMs;
    if (now >= silentUntil) {
      const conditions = markConditionsUnknown(node.status?.conditions, now);
      if (conditions) {
        const wasReady = ready?.status === 'True';
        node = await this.cs.client<Node>(RESOURCES.nodes).updateStatus({ ...node, status: { ...(node.status ?? {}), conditions } });
        if (wasReady) this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      }
    } else {
      wakeUps.push(silentUntil);
    }

    const readyNow = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    if (readyNow !== undefined && readyNow !== 'True') await this.markPodsNotReady(name, now);

    const taints = desiredTaints(node.spec?.taints, node.status?.conditions, node.spec?.unschedulable === true, now);
    if (taints) node = await this.cs.client<Node>(RESOURCES.nodes).update({ ...node, spec: { ...(node.spec ?? {}), taints } });

    const next = await this.evictPods(node, now);
    if (next !== undefined) wakeUps.push(next);
    if (wakeUps.length === 0) return;
    return { requeueAfterMs: Math.max(0, Math.min(...wakeUps) - now) };
  }

  /** Kubernetes' MarkPodsNotReady: the pods of a node that stopped answering are not Ready any more. */
  private async markPodsNotReady(nodeName: string, now: number): Promise<void> {
    const client = this.cs.client<Pod>(RESOURCES.pods);
    for (const pod of this.cs.informer<Pod>(RESOURCES.pods).lister.byIndex('nodeName', nodeName)) {
      const conditions = pod.status?.conditions ?? [];
      if (!conditions.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const next: V1PodCondition[] = conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: rfc3339(now) } : c));
      try {
        await client.updateStatus({ ...pod, status: { ...(pod.status ?? {}), conditions: next } });
        this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** The taint manager: deletes the node's pods whose tolerations ran out; returns the next due time. */
  private async evictPods(node: Node, now: number): Promise<number | undefined> {
    const name = node.metadata.name ?? '';
    const taints = node.spec?.taints ?? [];
    if (!taints.some((t) => t.effect === 'NoExecute')) {
      this.taintSeen.delete(name);
      return undefined;
    }
    if (!this.taintSeen.has(name)) this.taintSeen.set(name, now);
    const since = this.taintSeen.get(name)!;
    let next: number | undefined;
    const client = this.cs.client<Pod>(RESOURCES.pods);
    for (const pod of this.cs.informer<Pod>(RESOURCES.pods).lister.byIndex('nodeName', name)) {
      if (pod.metadata.deletionTimestamp) continue;
      const due = evictionTime(taints, withDefaultTolerations(pod.spec?.tolerations, this.defaultTolerationSeconds), since);
      if (due === 'never') continue;
      if (due !== 'now' && due > now) {
        next = next === undefined ? due : Math.min(next, due);
        continue;
      }
      this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      try {
        // Like Kubernetes (PodDisruptionConditions), say why before deleting.
        const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
        conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(now) });
        // Unconditional (no resourceVersion): the pod is deleted right after, a lost race costs nothing.
        await client.updateStatus({ ...pod, metadata: { ...pod.metadata, resourceVersion: undefined }, status: { ...(pod.status ?? {}), conditions } });
        await client.delete(pod.metadata.namespace, pod.metadata.name ?? '');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return next;
  }
}
