// The ReplicaSet controller (pkg/controller/replicaset/replica_set.go): keeps spec.replicas active
// pods matching the selector, owned through a controller ownerReference, and reports status.
//
// reconcile(key):
//   1. claim pods: keep owned+matching, adopt matching orphans, release owned non-matching
//   2. if expectations are satisfied (our last creates/deletes have shown up in the cache),
//      create the missing pods or delete the surplus (best candidates first, see ranking.ts)
//   3. write status (replicas, fullyLabeled, ready, available, observedGeneration, ReplicaFailure)
//   4. requeue when a ready pod will turn available after minReadySeconds

import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { isConflict, isNotFound, objectKey, RESOURCES, splitKey, type ClientSet, type Clock, type EventRecorder, type KubeObject } from '../../client/types.js';
import { slowStartBatch, withKind } from '../common/batch.js';
import { claimObjects } from '../common/claim.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import { ControllerExpectations } from '../common/expectations.js';
import { newControllerRef, controllerRefOf } from '../common/owners.js';
import { isPodActive, msUntilAvailable } from '../common/pods.js';
import { selectorIsEmpty, selectorMatches } from '../common/selectors.js';
import { podsToDelete } from './ranking.js';
import { calculateStatus, statusEqual, type ManageError } from './status.js';

type Pod = V1Pod & KubeObject;
type ReplicaSet = V1ReplicaSet & KubeObject;

export interface ReplicaSetControllerOptions {
  clock?: Clock;
  /** Most pods created or deleted in one reconcile (Kubernetes' BurstReplicas = 500). */
  burstReplicas?: number;
  recorder?: EventRecorder;
}

export interface ReplicaSetController extends Controller {
  readonly expectations: ControllerExpectations;
}

const RS_API_VERSION = 'apps/v1';
const RS_KIND = 'ReplicaSet';

/** The pod a ReplicaSet creates from its template (controller.GetPodFromTemplate). */
export function podFromTemplate(rs: V1ReplicaSet): V1Pod {
  const t = rs.spec?.template;
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata?.name ?? ''}-`,
      labels: { ...(t?.metadata?.labels ?? {}) },
      ownerReferences: [newControllerRef(rs as ReplicaSet, RS_API_VERSION, RS_KIND)],
    },
    spec: JSON.parse(JSON.stringify(t?.spec ?? { containers: [] })) as V1Pod['spec'],
  };
  if (t?.metadata?.annotations) pod.metadata!.annotations = { ...t.metadata.annotations };
  if (t?.metadata?.finalizers) pod.metadata!.finalizers = [...t.metadata.finalizers];
  return pod;
}

export function createReplicaSetController(cs: ClientSet, opts: ReplicaSetControllerOptions = {}): ReplicaSetController {
  const clock = opts.clock ?? { now: () => Date.now() };
  const burst = opts.burstReplicas ?? 500;
  const recorder = opts.recorder ?? cs.recorder('replicaset-controller');
  const expectations = new ControllerExpectations(clock);
  const rsInformer = cs.informer<ReplicaSet>(RESOURCES.replicasets);
  const podInformer = cs.informer<Pod>(RESOURCES.pods);
  const rsClient = cs.client<ReplicaSet>(RESOURCES.replicasets);
  const podClient = cs.client<Pod>(RESOURCES.pods);

  const event = (rs: ReplicaSet, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.event(withKind(rs, RS_API_VERSION, RS_KIND), type, reason, message);

  /** The ReplicaSet a controller ref points at, if it is still that object (same uid). */
  function resolveControllerRef(namespace: string | undefined, pod: Pod): ReplicaSet | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== RS_KIND) return undefined;
    const rs = rsInformer.lister.get(namespace, ref.name);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets that could adopt an orphan pod. */
  function replicaSetsSelecting(pod: Pod): ReplicaSet[] {
    return rsInformer.lister
      .list(pod.metadata.namespace)
      .filter((rs) => !selectorIsEmpty(rs.spec?.selector) && selectorMatches(rs.spec?.selector, pod.metadata.labels));
  }

  function podDeleted(pod: Pod, enqueue: (key: string) => void): void {
    const rs = resolveControllerRef(pod.metadata.namespace, pod);
    if (!rs) return;
    const key = objectKey(rs);
    expectations.deletionObserved(key, objectKey(pod));
    enqueue(key);
  }

  function register(cs2: ClientSet, enqueue: (key: string) => void): void {
    cs2.informer<ReplicaSet>(RESOURCES.replicasets).addHandler({
      onAdd: (rs) => enqueue(objectKey(rs)),
      onUpdate: (_old, rs) => enqueue(objectKey(rs)),
      onDelete: (rs) => {
        expectations.delete(objectKey(rs));
        enqueue(objectKey(rs));
      },
    });
    cs2.informer<Pod>(RESOURCES.pods).addHandler({
      onAdd: (pod) => {
        // A pod that shows up already terminating (e.g. after a restart) counts as a deletion.
        if (pod.metadata.deletionTimestamp) return podDeleted(pod, enqueue);
        if (controllerRefOf(pod)) {
          const rs = resolveControllerRef(pod.metadata.namespace, pod);
          if (!rs) return;
          expectations.creationObserved(objectKey(rs));
          return enqueue(objectKey(rs));
        }
        for (const rs of replicaSetsSelecting(pod)) enqueue(objectKey(rs));
      },
      onUpdate: (old, cur) => {
        // A resync delivers the same version: nothing changed for pods.
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
        if (cur.metadata.deletionTimestamp) {
          // Graceful deletion started: the pod no longer counts, so act now rather than when it is gone.
          podDeleted(cur, enqueue);
          if (labelsChanged) podDeleted(old, enqueue);
          return;
        }
        const oldRef = controllerRefOf(old);
        const curRef = controllerRefOf(cur);
        const refChanged = oldRef?.uid !== curRef?.uid;
        if (refChanged && oldRef) {
          const rs = resolveControllerRef(old.metadata.namespace, old);
          if (rs) enqueue(objectKey(rs));
        }
        if (curRef) {
          const rs = resolveControllerRef(cur.metadata.namespace, cur);
          if (rs) enqueue(objectKey(rs));
          return;
        }
        if (labelsChanged || refChanged) for (const rs of replicaSetsSelecting(cur)) enqueue(objectKey(rs));
      },
      onDelete: (pod) => podDeleted(pod, enqueue),
    });
  }

  async function createPods(rs: ReplicaSet, key: string, count: number): Promise<unknown> {
    expectations.expectCreations(key, count);
    const { successes, error } = await slowStartBatch(count, 1, async () => {
      try {
        const created = await podClient.create(rs.metadata.namespace, podFromTemplate(rs) as Pod);
        event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
      } catch (e) {
        event(rs, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    });
    // Creates that failed or were never attempted will never be observed.
    for (let i = successes; i < count; i++) expectations.creationObserved(key);
    return error;
  }

  async function deletePods(rs: ReplicaSet, key: string, victims: Pod[]): Promise<unknown> {
    expectations.expectDeletions(key, victims.map((p) => objectKey(p)));
    const errors = await Promise.all(
      victims.map(async (pod) => {
        try {
          await podClient.delete(pod.metadata.namespace, pod.metadata.name ?? '');
          event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`);
          return undefined;
        } catch (e) {
          // This delete will never be observed, so stop waiting for it.
          expectations.deletionObserved(key, objectKey(pod));
          if (isNotFound(e)) return undefined;
          event(rs, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : String(e)}`);
          return e;
        }
      }),
    );
    return errors.find((e) => e !== undefined);
  }

  /** Pods of every ReplicaSet sharing this one's controller (a Deployment's), for the node-spread rank. */
  function relatedPods(rs: ReplicaSet): Pod[] {
    const owner = controllerRefOf(rs);
    const sets = owner ? rsInformer.lister.byIndex('ownerUid', owner.uid).filter((r) => controllerRefOf(r)?.uid === owner.uid) : [rs];
    if (!sets.some((r) => r.metadata.uid === rs.metadata.uid)) sets.push(rs);
    return sets.flatMap((r) => podInformer.lister.byIndex('ownerUid', r.metadata.uid ?? '').filter((p) => controllerRefOf(p)?.uid === r.metadata.uid));
  }

  async function reconcile(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const rs = rsInformer.lister.get(namespace, name);
    if (!rs) {
      expectations.delete(key);
      return;
    }
    const needsSync = expectations.satisfied(key);
    const selector = rs.spec?.selector;
    if (!selector || selectorIsEmpty(selector)) return; // invalid: the apiserver refuses these

    const active = podInformer.lister.list(namespace).filter(isPodActive);
    const owned = await claimObjects(active, {
      owner: rs,
      controllerRef: newControllerRef(rs, RS_API_VERSION, RS_KIND),
      matches: (p) => selectorMatches(selector, p.metadata.labels),
      client: podClient,
      canAdopt: async () => {
        try {
          const fresh = await rsClient.get(namespace, name);
          return fresh.metadata.uid === rs.metadata.uid && !fresh.metadata.deletionTimestamp;
        } catch (e) {
          if (isNotFound(e)) return false;
          throw e;
        }
      },
    });

    let manageError: ManageError | undefined;
    let failure: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      const desired = rs.spec?.replicas ?? 1;
      const diff = owned.length - desired;
      if (diff < 0) {
        failure = await createPods(rs, key, Math.min(-diff, burst));
      } else if (diff > 0) {
        const victims = podsToDelete(owned, relatedPods(rs), Math.min(diff, burst), clock.now()) as Pod[];
        failure = await deletePods(rs, key, victims);
      }
      if (failure !== undefined) manageError = { diff, message: failure instanceof Error ? failure.message : String(failure) };
    }

    const now = clock.now();
    const status = calculateStatus(rs, owned, manageError, now);
    if (!statusEqual(rs.status, status)) {
      try {
        await rsClient.updateStatus({ ...rs, status });
      } catch (err) {
        // The cache was behind (e.g. the Deployment just scaled us): like Kubernetes'
        // updateReplicaSetStatus, re-read once and put the same status on the fresh object.
        if (!isConflict(err)) throw err;
        const fresh = await rsClient.get(rs.metadata.namespace, rs.metadata.name ?? '');
        await rsClient.updateStatus({ ...fresh, status });
      }
    }
    if (failure !== undefined) throw failure;

    // A ready pod turns available minReadySeconds later without any event: look again then.
    const minReady = rs.spec?.minReadySeconds ?? 0;
    if (minReady > 0) {
      const waits = owned.map((p) => msUntilAvailable(p, minReady, now)).filter((ms): ms is number => ms !== undefined && ms > 0);
      if (waits.length) return { requeueAfterMs: Math.min(...waits) };
    }
  }

  return {
    name: 'replicaset',
    watches: [RESOURCES.replicasets, RESOURCES.pods],
    expectations,
    register,
    reconcile,
  };
}
