// The DaemonSet controller (pkg/controller/daemon/daemon_controller.go): one pod per eligible node.
//
// reconcile(key):
//   1. claim pods (adopt matching orphans, release owned non-matching) and group them by target node
//   2. if expectations are satisfied: manage (create missing, delete extra/failed/misplaced pods),
//      then, for RollingUpdate, replace old pods within maxUnavailable / maxSurge (plan.ts)
//   3. write status; observedGeneration only after a full pass, as Kubernetes does
//
// Pods are created unbound, pinned to their node by a required node affinity on metadata.name; the
// scheduler binds them (Kubernetes' ScheduleDaemonSetPods, the only way since 1.17).

import { isConflict, isNotFound, objectKey, RESOURCES, splitKey, type ClientSet, type Clock, type EventRecorder } from '../../client/types.js';
import { slowStartBatch, withKind } from '../common/batch.js';
import { claimObjects } from '../common/claim.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import { controllerRefOf, newControllerRef } from '../common/owners.js';
import { selectorIsEmpty, selectorMatches } from '../common/selectors.js';
import { CreateDeleteExpectations } from './expectations.js';
import { calculateStatus, planManage, planRollingUpdate } from './plan.js';
import { daemonSetHash, DS_API_VERSION, DS_KIND, newDaemonPod, nodeShouldRunDaemonPod, targetNodeName, templateGeneration, type DaemonSet, type Node, type Pod } from './util.js';
import type { V1DaemonSetStatus } from '@kubernetes/client-node';

export interface DaemonSetControllerOptions {
  clock?: Clock;
  /** Most pods created or deleted in one pass (Kubernetes' BurstReplicas = 250 for DaemonSets). */
  burstReplicas?: number;
  recorder?: EventRecorder;
}

export interface DaemonSetController extends Controller {
  readonly expectations: CreateDeleteExpectations;
}

/** Failed pods are deleted with a per-node backoff (1s doubling to 15min): a kubelet that keeps rejecting must not make a hot loop. */
const BACKOFF_INITIAL_MS = 1_000;
const BACKOFF_MAX_MS = 15 * 60_000;

export function createDaemonSetController(cs: ClientSet, opts: DaemonSetControllerOptions = {}): DaemonSetController {
  const clock = opts.clock ?? { now: () => Date.now() };
  const burst = opts.burstReplicas ?? 250;
  const recorder = opts.recorder ?? cs.recorder('daemonset-controller');
  const expectations = new CreateDeleteExpectations(clock);
  const dsInformer = cs.informer<DaemonSet>(RESOURCES.daemonsets);
  const podInformer = cs.informer<Pod>(RESOURCES.pods);
  const nodeInformer = cs.informer<Node>(RESOURCES.nodes);
  const dsClient = cs.client<DaemonSet>(RESOURCES.daemonsets);
  const podClient = cs.client<Pod>(RESOURCES.pods);
  const failedBackoff = new Map<string, { delayMs: number; at: number }>();

  const event = (ds: DaemonSet, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.event(withKind(ds, DS_API_VERSION, DS_KIND), type, reason, message);

  function resolveControllerRef(pod: Pod): DaemonSet | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== DS_KIND) return undefined;
    const ds = dsInformer.lister.get(pod.metadata.namespace, ref.name);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  const setsSelecting = (pod: Pod) =>
    dsInformer.lister.list(pod.metadata.namespace).filter((ds) => !selectorIsEmpty(ds.spec?.selector) && selectorMatches(ds.spec?.selector, pod.metadata.labels));

  function podDeleted(pod: Pod, enqueue: (key: string) => void): void {
    const ds = resolveControllerRef(pod);
    if (!ds) return;
    expectations.deletionObserved(objectKey(ds), objectKey(pod));
    enqueue(objectKey(ds));
  }

  function register(cs2: ClientSet, enqueue: (key: string) => void): void {
    cs2.informer<DaemonSet>(RESOURCES.daemonsets).addHandler({
      onAdd: (ds) => enqueue(objectKey(ds)),
      onUpdate: (_old, ds) => enqueue(objectKey(ds)),
      onDelete: (ds) => {
        expectations.delete(objectKey(ds));
        enqueue(objectKey(ds));
      },
    });
    cs2.informer<Pod>(RESOURCES.pods).addHandler({
      onAdd: (pod) => {
        if (pod.metadata.deletionTimestamp) return podDeleted(pod, enqueue);
        if (controllerRefOf(pod)) {
          const ds = resolveControllerRef(pod);
          if (!ds) return;
          expectations.creationObserved(objectKey(ds));
          return enqueue(objectKey(ds));
        }
        for (const ds of setsSelecting(pod)) enqueue(objectKey(ds));
      },
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        if (cur.metadata.deletionTimestamp) {
          podDeleted(cur, enqueue);
          return;
        }
        const oldDs = resolveControllerRef(old);
        const curDs = resolveControllerRef(cur);
        if (oldDs && oldDs.metadata.uid !== curDs?.metadata.uid) enqueue(objectKey(oldDs));
        if (curDs) return enqueue(objectKey(curDs));
        if (!controllerRefOf(cur)) for (const ds of setsSelecting(cur)) enqueue(objectKey(ds));
      },
      onDelete: (pod) => podDeleted(pod, enqueue),
    });
    cs2.informer<Node>(RESOURCES.nodes).addHandler({
      onAdd: (node) => {
        for (const ds of dsInformer.lister.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) enqueue(objectKey(ds));
      },
      // Only a change in where the DaemonSet belongs matters, not heartbeats (shouldIgnoreNodeUpdate).
      onUpdate: (old, cur) => {
        for (const ds of dsInformer.lister.list()) {
          const a = nodeShouldRunDaemonPod(old, ds);
          const b = nodeShouldRunDaemonPod(cur, ds);
          if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning) enqueue(objectKey(ds));
        }
      },
      onDelete: () => {
        for (const ds of dsInformer.lister.list()) enqueue(objectKey(ds));
      },
    });
  }

  /** syncNodes: deletes and creates in one pass, under one set of expectations. */
  async function syncNodes(ds: DaemonSet, key: string, deletePods: Pod[], createOn: string[], hash: string): Promise<unknown> {
    const creates = createOn.slice(0, burst);
    const deletes = deletePods.slice(0, burst);
    if (creates.length === 0 && deletes.length === 0) return undefined;
    expectations.expect(key, creates.length, deletes.map((p) => objectKey(p)));
    const deleting = Promise.all(
      deletes.map(async (pod) => {
        try {
          await podClient.delete(pod.metadata.namespace, pod.metadata.name ?? '');
          event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`);
          return undefined;
        } catch (e) {
          expectations.deletionObserved(key, objectKey(pod));
          if (isNotFound(e)) return undefined;
          event(ds, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : String(e)}`);
          return e;
        }
      }),
    );
    let next = 0;
    const { successes, error } = await slowStartBatch(creates.length, 1, async () => {
      const node = creates[next++]!;
      try {
        const created = await podClient.create(ds.metadata.namespace, newDaemonPod(ds, node, hash));
        event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
      } catch (e) {
        event(ds, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    });
    for (let i = successes; i < creates.length; i++) expectations.creationObserved(key);
    const deleteError = (await deleting).find((e) => e !== undefined);
    return error ?? deleteError;
  }

  /** Failed pods past their node's backoff; the rest wait (the returned delay requeues the key). */
  function failedPodsToDelete(ds: DaemonSet, key: string, failed: { pod: Pod; node: string }[], now: number): { pods: Pod[]; retryMs?: number } {
    const pods: Pod[] = [];
    let retryMs: number | undefined;
    for (const { pod, node } of failed) {
      const bkey = `${key}/${node}`;
      const b = failedBackoff.get(bkey);
      if (b && now - b.at < b.delayMs) {
        retryMs = Math.min(retryMs ?? Infinity, b.delayMs - (now - b.at));
        continue;
      }
      const expired = !b || now - b.at > 2 * BACKOFF_MAX_MS;
      failedBackoff.set(bkey, { delayMs: expired ? BACKOFF_INITIAL_MS : Math.min(2 * b.delayMs, BACKOFF_MAX_MS), at: now });
      event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${node}, will try to kill it`);
      pods.push(pod);
    }
    return { pods, retryMs };
  }

  /** storeDaemonSetStatus: on a conflict (the cache lags our own last write) read it fresh and try once more. */
  async function writeStatus(ds: DaemonSet, status: V1DaemonSetStatus): Promise<void> {
    try {
      await dsClient.updateStatus({ ...ds, status });
    } catch (e) {
      if (!isConflict(e)) throw e;
      const fresh = await dsClient.get(ds.metadata.namespace, ds.metadata.name ?? '');
      if (fresh.metadata.uid === ds.metadata.uid) await dsClient.updateStatus({ ...fresh, status });
    }
  }

  async function reconcile(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const ds = dsInformer.lister.get(namespace, name);
    if (!ds) {
      expectations.delete(key);
      for (const k of failedBackoff.keys()) if (k.startsWith(`${key}/`)) failedBackoff.delete(k);
      return;
    }
    const selector = ds.spec?.selector;
    if (!selector || selectorIsEmpty(selector)) return; // the apiserver refuses these
    // Being deleted: the garbage collector removes the pods; nothing to manage.
    if (ds.metadata.deletionTimestamp) return;

    const nodes = nodeInformer.lister.list().sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    const pods = await claimObjects(podInformer.lister.list(namespace), {
      owner: ds,
      controllerRef: newControllerRef(ds, DS_API_VERSION, DS_KIND),
      matches: (p) => selectorMatches(selector, p.metadata.labels),
      client: podClient,
      canAdopt: async () => {
        try {
          const fresh = await dsClient.get(namespace, name);
          return fresh.metadata.uid === ds.metadata.uid && !fresh.metadata.deletionTimestamp;
        } catch (e) {
          if (isNotFound(e)) return false;
          throw e;
        }
      },
    });
    const nodeToPods = new Map<string, Pod[]>();
    for (const pod of pods) {
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      nodeToPods.set(node, [...(nodeToPods.get(node) ?? []), pod]);
    }
    const hash = daemonSetHash(ds);
    const generation = templateGeneration(ds);
    const now = clock.now();

    let failure: unknown;
    let retryMs: number | undefined;
    const fullSync = expectations.satisfied(key);
    if (fullSync) {
      const plan = planManage(ds, nodes, nodeToPods, hash, now);
      const failed = failedPodsToDelete(ds, key, plan.failedPods, now);
      retryMs = failed.retryMs;
      failure = await syncNodes(ds, key, [...plan.deletePods, ...failed.pods], plan.createOn, hash);
      // Roll only once manage has nothing in flight, as Kubernetes does.
      if (failure === undefined && expectations.satisfied(key) && (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        const roll = planRollingUpdate(ds, nodes, nodeToPods, hash, generation, now);
        failure = await syncNodes(ds, key, roll.deletePods, roll.createOn, hash);
      }
    }

    const status: V1DaemonSetStatus = {
      ...calculateStatus(ds, nodes, nodeToPods, hash, generation, now),
      observedGeneration: fullSync ? ds.metadata.generation : ds.status?.observedGeneration,
    };
    if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
    if (ds.status?.conditions) status.conditions = ds.status.conditions;
    if (!statusEqual(ds.status, status)) await writeStatus(ds, status);
    if (failure !== undefined) throw failure;

    // A ready pod turns available minReadySeconds later without any event: look again then.
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable) retryMs = Math.min(retryMs ?? Infinity, minReady * 1000);
    if (retryMs !== undefined) return { requeueAfterMs: retryMs };
  }

  return {
    name: 'daemonset',
    watches: [RESOURCES.daemonsets, RESOURCES.pods, RESOURCES.nodes],
    expectations,
    register,
    reconcile,
  };
}

const STATUS_FIELDS = ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'observedGeneration'] as const;

export function statusEqual(a: V1DaemonSetStatus | undefined, b: V1DaemonSetStatus): boolean {
  return STATUS_FIELDS.every((f) => (a?.[f] ?? 0) === (b[f] ?? 0));
}
