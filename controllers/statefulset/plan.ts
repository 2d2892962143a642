// The StatefulSet controller's decisions as a pure function (pkg/controller/statefulset/
// stateful_set_control.go updateStatefulSet, processReplica, processCondemned, updateStatus,
// completeRollingUpdate). From the set and its pods it returns the writes to make, in phases:
//
//   1. replicas  (ordinals start..start+replicas-1): recreate failed/finished pods, create missing
//                ones, fix identity labels. OrderedReady stops at the first pod it creates or the
//                first that is not Running+Ready(+available): ordinal i waits for 0..i-1.
//   2. condemned (ordinals outside that range), highest first. OrderedReady deletes one at a time
//                and waits for it to be gone; Parallel deletes them all at once.
//   3. update    (RollingUpdate only): from the highest ordinal down to the partition, delete the
//                first pod not at the update revision, after all above it are healthy; phase 1
//                of a later pass recreates it at the new revision.
//
// OrderedReady runs a phase's steps one after another and reaches the next phase only when
// nothing blocked; Parallel runs each phase's steps at once. A failed write ends the pass.

import type { V1PodTemplateSpec, V1StatefulSetStatus } from '@kubernetes/client-node';
import {
  identityMatches,
  isFailed,
  isHealthy,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  newStatefulSetPod,
  ordinalOf,
  podRevision,
  replicasOf,
  revisionTemplateFromPod,
  startOrdinal,
  updateRevisionName,
  withIdentityLabels,
  type Pod,
  type StatefulSet,
} from './identity.js';

export type Step =
  | { kind: 'create'; pod: Pod }
  /** Delete a failed or finished pod, then create its replacement of the same name. */
  | { kind: 'recreate'; old: Pod; pod: Pod }
  | { kind: 'delete'; pod: Pod; why: 'scale-down' | 'update' }
  /** Put the identity labels back on a pod (an update of the pod). */
  | { kind: 'identity'; pod: Pod };

export interface StatefulSetPlan {
  phases: Step[][];
  /** OrderedReady: steps one at a time; Parallel: each phase at once. */
  monotonic: boolean;
  currentRevision: string;
  updateRevision: string;
  status: V1StatefulSetStatus;
}

/**
 * The current revision: status.currentRevision while it still exists. Without ControllerRevision
 * objects a revision "exists" while some pod carries it (or it is the update revision); otherwise
 * Kubernetes too falls back to the update revision.
 */
export function revisions(set: StatefulSet, pods: Pod[]): { current: string; update: string; currentTemplate: V1PodTemplateSpec | undefined } {
  const update = updateRevisionName(set);
  const wanted = set.status?.currentRevision;
  if (!wanted || wanted === update) return { current: update, update, currentTemplate: set.spec?.template };
  const carriers = pods.filter((p) => podRevision(p) === wanted).sort((a, b) => Number(isTerminating(a)) - Number(isTerminating(b)) || ordinalOf(a) - ordinalOf(b));
  if (carriers.length === 0) return { current: update, update, currentTemplate: set.spec?.template };
  return { current: wanted, update, currentTemplate: revisionTemplateFromPod(carriers[0]!) };
}

/** updateStatus/computeReplicaStatus over the pods with valid ordinals, then completeRollingUpdate. */
export function computeStatus(set: StatefulSet, pods: Pod[], current: string, update: string, now: number): V1StatefulSetStatus {
  const minReady = set.spec?.minReadySeconds ?? 0;
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let currentReplicas = 0;
  let updated = 0;
  for (const pod of pods) {
    if (ordinalOf(pod) < 0) continue;
    replicas++;
    if (isRunningAndReady(pod)) {
      ready++;
      if (isRunningAndAvailable(pod, minReady, now)) available++;
    }
    if (!isTerminating(pod)) {
      if (podRevision(pod) === current) currentReplicas++;
      if (podRevision(pod) === update) updated++;
    }
  }
  const status: V1StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    replicas,
    readyReplicas: ready,
    currentReplicas,
    updatedReplicas: updated,
    availableReplicas: available,
    currentRevision: current,
    updateRevision: update,
    collisionCount: set.status?.collisionCount ?? 0,
  };
  // The rollout is complete when every pod is updated and ready: the update revision becomes current.
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  return status;
}

export function planStatefulSet(set: StatefulSet, pods: Pod[], now: number): StatefulSetPlan {
  const { current, update, currentTemplate } = revisions(set, pods);
  const status = computeStatus(set, pods, current, update, now);
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
  const plan: StatefulSetPlan = { phases: [], monotonic, currentRevision: current, updateRevision: update, status };
  if (set.metadata.deletionTimestamp) return plan;

  const start = startOrdinal(set);
  const count = replicasOf(set);
  const minReady = set.spec?.minReadySeconds ?? 0;
  const strategy = set.spec?.updateStrategy;
  const rolling = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const partition = strategy?.rollingUpdate?.partition;

  // newVersionedStatefulSetPod: below the partition a pod is (re)made at the current revision.
  const versioned = (ordinal: number): Pod => {
    const keepCurrent = (rolling && partition === undefined && ordinal < (set.status?.currentReplicas ?? 0)) || (partition !== undefined && ordinal < partition);
    return keepCurrent ? newStatefulSetPod(set, currentTemplate, current, ordinal) : newStatefulSetPod(set, set.spec?.template, update, ordinal);
  };

  const replicas: (Pod | undefined)[] = new Array<Pod | undefined>(count).fill(undefined);
  const condemned: Pod[] = [];
  for (const pod of pods) {
    const ord = ordinalOf(pod);
    if (ord >= start && ord < start + count) replicas[ord - start] = pod;
    else if (ord >= 0) condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  // The first unhealthy pod, replicas before condemned (lowest ordinal first); only a condemned one matters below.
  const replicasHealthy = replicas.every((p) => p !== undefined && isHealthy(p));
  const firstUnhealthy = replicasHealthy ? [...condemned].reverse().find((p) => !isHealthy(p)) : undefined;

  // Phase 1: the replicas, lowest ordinal first.
  const live: Step[] = [];
  plan.phases.push(live);
  for (let i = 0; i < count; i++) {
    let pod = replicas[i];
    if (pod && !isTerminating(pod) && (isFailed(pod) || isSucceeded(pod))) {
      const fresh = versioned(start + i);
      live.push({ kind: 'recreate', old: pod, pod: fresh });
      replicas[i] = fresh;
      if (monotonic) return plan;
      continue;
    }
    if (!pod) {
      pod = versioned(start + i);
      live.push({ kind: 'create', pod });
      replicas[i] = pod;
      if (monotonic) return plan;
      continue;
    }
    if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return plan;
    if (!identityMatches(set, pod)) live.push({ kind: 'identity', pod: { ...pod, metadata: { ...pod.metadata, labels: withIdentityLabels(pod) } } });
  }

  // Phase 2: the condemned, highest ordinal first.
  const doomed: Step[] = [];
  plan.phases.push(doomed);
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return plan;
      continue;
    }
    if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return plan;
    doomed.push({ kind: 'delete', pod, why: 'scale-down' });
    if (monotonic) return plan;
  }

  // OnDelete: pods move to the new revision only when someone deletes them.
  if (!rolling) return plan;

  // Phase 3: the rolling update, highest ordinal first, down to the partition.
  const updates: Step[] = [];
  plan.phases.push(updates);
  for (let target = count - 1; target >= (partition ?? 0); target--) {
    const pod = replicas[target]!;
    const created = !pods.includes(pod);
    if (!created && podRevision(pod) !== update && !isTerminating(pod)) {
      updates.push({ kind: 'delete', pod, why: 'update' });
      break;
    }
    if (created || !isHealthy(pod)) break;
  }
  return plan;
}
