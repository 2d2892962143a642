// The StatefulSet controller (pkg/controller/statefulset/stateful_set.go + stateful_set_control.go):
// pods with stable names <set>-<ordinal>, created, replaced, updated and removed in order.
//
// reconcile(key):
//   1. claim pods that match the selector and whose name says they are this set's
//   2. plan the writes (plan.ts) and run them: OrderedReady one at a time, Parallel in batches
//   3. write status (replicas, ready, current/updated, available, revisions, observedGeneration)
//
// No expectations: every pod has a fixed name, so a create the cache has not caught up with fails
// with AlreadyExists and the key is retried, which is what Kubernetes relies on too.
// ControllerRevisions and PersistentVolumeClaims are not served by this apiserver: revisions are
// hashes only (identity.ts) and volumeClaimTemplates are ignored.

import type { V1StatefulSetStatus } from '@kubernetes/client-node';
import { isAlreadyExists, isConflict, isNotFound, objectKey, RESOURCES, splitKey, type ClientSet, type Clock, type EventRecorder } from '../../client/types.js';
import { slowStartBatch, withKind } from '../common/batch.js';
import { claimObjects } from '../common/claim.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import { controllerRefOf, newControllerRef } from '../common/owners.js';
import { msUntilAvailable } from '../common/pods.js';
import { selectorIsEmpty, selectorMatches } from '../common/selectors.js';
import { isMemberOf, STS_API_VERSION, STS_KIND, type Pod, type StatefulSet } from './identity.js';
import { planStatefulSet, type Step } from './plan.js';

export interface StatefulSetControllerOptions {
  clock?: Clock;
  recorder?: EventRecorder;
}

export function createStatefulSetController(cs: ClientSet, opts: StatefulSetControllerOptions = {}): Controller {
  const clock = opts.clock ?? { now: () => Date.now() };
  const recorder = opts.recorder ?? cs.recorder('statefulset-controller');
  const setInformer = cs.informer<StatefulSet>(RESOURCES.statefulsets);
  const podInformer = cs.informer<Pod>(RESOURCES.pods);
  const setClient = cs.client<StatefulSet>(RESOURCES.statefulsets);
  const podClient = cs.client<Pod>(RESOURCES.pods);

  const event = (set: StatefulSet, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.event(withKind(set, STS_API_VERSION, STS_KIND), type, reason, message);

  /** recordPodEvent: "create Pod web-0 in StatefulSet web successful" / "... failed error: ...". */
  async function podWrite(set: StatefulSet, verb: 'create' | 'delete' | 'update', pod: Pod, write: () => Promise<unknown>): Promise<void> {
    const Verb = verb[0]!.toUpperCase() + verb.slice(1);
    const name = pod.metadata.name ?? '';
    try {
      await write();
      event(set, 'Normal', `Successful${Verb}`, `${verb} Pod ${name} in StatefulSet ${set.metadata.name ?? ''} successful`);
    } catch (e) {
      // A delete of a pod already gone did what it meant to; a create racing the cache is retried quietly.
      if (verb === 'delete' && isNotFound(e)) return;
      if (verb !== 'create' || !isAlreadyExists(e)) {
        event(set, 'Warning', `Failed${Verb}`, `${verb} Pod ${name} in StatefulSet ${set.metadata.name ?? ''} failed error: ${e instanceof Error ? e.message : String(e)}`);
      }
      throw e;
    }
  }

  async function runStep(set: StatefulSet, step: Step): Promise<void> {
    const ns = set.metadata.namespace;
    switch (step.kind) {
      case 'create':
        return podWrite(set, 'create', step.pod, () => podClient.create(ns, step.pod));
      case 'recreate': {
        const failed = step.old.status?.phase === 'Failed';
        event(set, failed ? 'Warning' : 'Normal', failed ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod', `StatefulSet ${ns ?? ''}/${set.metadata.name ?? ''} is recreating ${failed ? 'failed' : 'terminated'} Pod ${step.old.metadata.name ?? ''}`);
        await podWrite(set, 'delete', step.old, () => podClient.delete(ns, step.old.metadata.name ?? '', { preconditions: { uid: step.old.metadata.uid } }));
        return podWrite(set, 'create', step.pod, () => podClient.create(ns, step.pod));
      }
      case 'delete':
        return podWrite(set, 'delete', step.pod, () => podClient.delete(ns, step.pod.metadata.name ?? '', { preconditions: { uid: step.pod.metadata.uid } }));
      case 'identity':
        return podWrite(set, 'update', step.pod, () => podClient.update(step.pod));
    }
  }

  function resolveControllerRef(pod: Pod): StatefulSet | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== STS_KIND) return undefined;
    const set = setInformer.lister.get(pod.metadata.namespace, ref.name);
    return set && set.metadata.uid === ref.uid ? set : undefined;
  }

  const setsSelecting = (pod: Pod) =>
    setInformer.lister.list(pod.metadata.namespace).filter((s) => !selectorIsEmpty(s.spec?.selector) && selectorMatches(s.spec?.selector, pod.metadata.labels));

  function register(cs2: ClientSet, enqueue: (key: string) => void): void {
    cs2.informer<StatefulSet>(RESOURCES.statefulsets).addHandler({
      onAdd: (s) => enqueue(objectKey(s)),
      onUpdate: (_old, s) => enqueue(objectKey(s)),
      onDelete: (s) => enqueue(objectKey(s)),
    });
    const forPod = (pod: Pod) => {
      const owner = resolveControllerRef(pod);
      if (owner) enqueue(objectKey(owner));
      else if (!controllerRefOf(pod)) for (const s of setsSelecting(pod)) enqueue(objectKey(s));
    };
    cs2.informer<Pod>(RESOURCES.pods).addHandler({
      onAdd: forPod,
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        if (controllerRefOf(old)?.uid !== controllerRefOf(cur)?.uid) forPod(old);
        forPod(cur);
      },
      onDelete: forPod,
    });
  }

  /** Runs the plan's phases; OrderedReady step by step, Parallel in slow-start batches; stops at the first error. */
  async function execute(set: StatefulSet, phases: Step[][], monotonic: boolean): Promise<unknown> {
    for (const steps of phases) {
      if (monotonic) {
        for (const step of steps) {
          try {
            await runStep(set, step);
          } catch (e) {
            return e;
          }
        }
      } else {
        let next = 0;
        const { error } = await slowStartBatch(steps.length, 1, () => runStep(set, steps[next++]!));
        if (error !== undefined) return error;
      }
    }
    return undefined;
  }

  /** updateStatefulSetStatus: on a conflict (the cache lags our own last write) read it fresh and try once more. */
  async function writeStatus(set: StatefulSet, status: V1StatefulSetStatus): Promise<void> {
    try {
      await setClient.updateStatus({ ...set, status: { ...status, conditions: set.status?.conditions } });
    } catch (e) {
      if (!isConflict(e)) throw e;
      const fresh = await setClient.get(set.metadata.namespace, set.metadata.name ?? '');
      if (fresh.metadata.uid === set.metadata.uid) await setClient.updateStatus({ ...fresh, status: { ...status, conditions: fresh.status?.conditions } });
    }
  }

  async function reconcile(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const set = setInformer.lister.get(namespace, name);
    if (!set) return;
    const selector = set.spec?.selector;
    if (!selector || selectorIsEmpty(selector)) return; // the apiserver refuses these

    const pods = await claimObjects(podInformer.lister.list(namespace), {
      owner: set,
      controllerRef: newControllerRef(set, STS_API_VERSION, STS_KIND),
      matches: (p) => selectorMatches(selector, p.metadata.labels) && isMemberOf(set, p),
      client: podClient,
      canAdopt: async () => {
        try {
          const fresh = await setClient.get(namespace, name);
          return fresh.metadata.uid === set.metadata.uid && !fresh.metadata.deletionTimestamp;
        } catch (e) {
          if (isNotFound(e)) return false;
          throw e;
        }
      },
    });

    const now = clock.now();
    const plan = planStatefulSet(set, pods, now);
    const failure = await execute(set, plan.phases, plan.monotonic);
    if (!statusEqual(set.status, plan.status)) await writeStatus(set, plan.status);
    if (failure !== undefined) throw failure;

    // A ready pod turns available minReadySeconds later without any event: look again then.
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0) {
      const waits = pods.map((p) => msUntilAvailable(p, minReady, now)).filter((ms): ms is number => ms !== undefined && ms > 0);
      if (waits.length) return { requeueAfterMs: Math.min(...waits) };
    }
  }

  return { name: 'statefulset', watches: [RESOURCES.statefulsets, RESOURCES.pods], register, reconcile };
}

const STATUS_FIELDS = ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const;

export function statusEqual(a: V1StatefulSetStatus | undefined, b: V1StatefulSetStatus): boolean {
  return STATUS_FIELDS.every((f) => (a?.[f] ?? 0) === (b[f] ?? 0));
}
