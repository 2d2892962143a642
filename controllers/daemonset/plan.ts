// The DaemonSet controller's decisions as pure functions (pkg/controller/daemon/daemon_controller.go
// podsShouldBeOnNode/manage, update.go rollingUpdate, updateDaemonSetStatus). Input: the nodes and
// the DaemonSet's pods grouped by target node; output: which nodes get a pod and which pods go.

import type { V1DaemonSetStatus } from '@kubernetes/client-node';
import { isPodAvailable, isPodReady } from '../common/pods.js';
import { compareByCreationAndPhase, isPodUpdated, nodeShouldRunDaemonPod, REVISION_HASH_LABEL, scaledValue, type DaemonSet, type Node, type Pod } from './util.js';

export interface SyncPlan {
  /** Nodes to create a daemon pod on. */
  createOn: string[];
  /** Pods to delete. */
  deletePods: Pod[];
  /** Failed pods to delete, subject to the per-node backoff (the controller decides). */
  failedPods: { pod: Pod; node: string }[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function allowsSurge(ds: DaemonSet, desired: number): boolean {
  return surgeCount(ds, desired) > 0;
}

function surgeCount(ds: DaemonSet, desired: number): number {
  if (ds.spec?.updateStrategy?.type !== 'RollingUpdate') return 0;
  return scaledValue(ds.spec.updateStrategy.rollingUpdate?.maxSurge as number | string | undefined, desired, 0);
}

function unavailableCount(ds: DaemonSet, desired: number): number {
  if (ds.spec?.updateStrategy?.type === 'OnDelete') return 0;
  return scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable as number | string | undefined, desired, 1);
}

/** manage(): per node, create the missing pod, delete extras, failed and misplaced pods. */
export function planManage(ds: DaemonSet, nodes: Node[], nodeToPods: Map<string, Pod[]>, hash: string, now: number): SyncPlan {
  const plan: SyncPlan = { createOn: [], deletePods: [], failedPods: [] };
  const desired = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun).length;
  const surge = allowsSurge(ds, desired);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const known = new Set<string>();
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    known.add(name);
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToPods.get(name) ?? [];
    // Terminating pods still count as "exists": the replacement waits until the old one is gone.
    const exists = pods.length > 0;
    if (shouldRun && !exists) {
      plan.createOn.push(name);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of pods) {
        if (pod.metadata.deletionTimestamp) continue;
        if (pod.status?.phase === 'Failed') plan.failedPods.push({ pod, node: name });
        else if (pod.status?.phase === 'Succeeded') plan.deletePods.push(pod);
        else running.push(pod);
      }
      running.sort(compareByCreationAndPhase);
      if (!surge) {
        // More than one: keep the oldest.
        plan.deletePods.push(...running.slice(1));
        continue;
      }
      // With surge, an old and a new pod may coexist until the new one is available.
      let oldestNew: Pod | undefined;
      let oldestOld: Pod | undefined;
      for (const pod of running) {
        if (pod.metadata.labels?.[REVISION_HASH_LABEL] === hash) {
          if (!oldestNew) {
            oldestNew = pod;
            continue;
          }
        } else if (!oldestOld) {
          oldestOld = pod;
          continue;
        }
        plan.deletePods.push(pod);
      }
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))) plan.deletePods.push(oldestOld);
    } else if (exists) {
      plan.deletePods.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
    }
  }
  // Unscheduled pods pinned to a node that no longer exists would wait forever (getUnscheduledPodsWithoutNode).
  for (const [name, pods] of [...nodeToPods].sort(([a], [b]) => byName(a, b))) {
    if (known.has(name)) continue;
    plan.deletePods.push(...pods.filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp));
  }
  return plan;
}

/** findUpdatedPodsOnNode: at most one new and one old live pod, else ok = false (manage cleans up first). */
export function updatedPodsOnNode(pods: Pod[], hash: string, generation: number | undefined): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/**
 * rollingUpdate(): without surge, delete old pods while at most maxUnavailable nodes are without an
 * available current pod (manage then creates the replacement once the old pod is gone); with surge,
 * create new pods beside available old ones (up to maxSurge at once) and delete each old pod when
 * its replacement is available.
 */
export function planRollingUpdate(ds: DaemonSet, nodes: Node[], nodeToPods: Map<string, Pod[]>, hash: string, generation: number | undefined, now: number): SyncPlan {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const byNode = new Map(nodeToPods);
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name ?? '', n]));
  let desired = 0;
  for (const n of nodes) {
    if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(n.metadata.name ?? '')) byNode.set(n.metadata.name ?? '', []);
  }
  const maxSurge = surgeCount(ds, desired);
  let maxUnavailable = unavailableCount(ds, desired);
  // An impossible 0/0 configuration falls back to one unavailable, as Kubernetes does.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const entries = [...byNode].sort(([a], [b]) => byName(a, b));
  const plan: SyncPlan = { createOn: [], deletePods: [], failedPods: [] };

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replace: Pod[] = [];
    const candidates: Pod[] = [];
    for (const [, pods] of entries) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash, generation);
      if (!ok) numUnavailable++;
      else if (!oldPod && !newPod) numUnavailable++;
      else if (oldPod && newPod) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) replace.push(oldPod);
        else if (numUnavailable < maxUnavailable) candidates.push(oldPod);
      }
    }
    const remaining = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidates.length);
    plan.deletePods = [...replace, ...candidates.slice(0, remaining)];
    return plan;
  }

  let numSurge = 0;
  let numAvailable = 0;
  const allowedNew: string[] = [];
  const candidateNew: string[] = [];
  const shouldNotRun: Pod[] = [];
  for (const [nodeName, pods] of entries) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash, generation);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    if (!oldPod) continue;
    const node = nodeByName.get(nodeName);
    const shouldRun = node ? nodeShouldRunDaemonPod(node, ds).shouldRun : false;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun) plan.deletePods.push(oldPod);
        else allowedNew.push(nodeName);
      } else if (!shouldRun) {
        shouldNotRun.push(oldPod);
      } else if (numSurge < maxSurge) {
        candidateNew.push(nodeName);
      }
    } else if (!available(newPod)) {
      numSurge++;
    } else {
      plan.deletePods.push(oldPod);
    }
  }
  // Pods on nodes the DaemonSet is leaving go only once enough pods elsewhere are available.
  const deletable = Math.min(Math.max(numAvailable - desired, 0), shouldNotRun.length);
  plan.deletePods.push(...shouldNotRun.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(maxSurge - numSurge, 0), candidateNew.length);
  plan.createOn = [...allowedNew, ...candidateNew.slice(0, remainingSurge)];
  return plan;
}

/** updateDaemonSetStatus's counts; observedGeneration is the caller's (only after a full sync). */
export function calculateStatus(ds: DaemonSet, nodes: Node[], nodeToPods: Map<string, Pod[]>, hash: string, generation: number | undefined, now: number): V1DaemonSetStatus {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToPods.get(node.metadata.name ?? '') ?? [];
    if (!shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    if (pods.length === 0) continue;
    current++;
    const pod = [...pods].sort(compareByCreationAndPhase)[0]!;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (isPodUpdated(pod, hash, generation)) updated++;
  }
  return {
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
}
