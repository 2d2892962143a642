// ReplicaSet status (pkg/controller/replicaset/replica_set_utils.go calculateStatus).

import type { V1Pod, V1ReplicaSet, V1ReplicaSetCondition, V1ReplicaSetStatus } from '@kubernetes/client-node';
import { rfc3339 } from '../../client/types.js';
import { isPodAvailable, isPodReady } from '../common/pods.js';
import { labelsMatchSet } from '../common/selectors.js';

/** What went wrong while creating or deleting pods, for the ReplicaFailure condition. */
export interface ManageError {
  /** Negative when pods were missing (a create failed), positive when there were extras. */
  diff: number;
  message: string;
}

export function calculateStatus(rs: V1ReplicaSet, activePods: V1Pod[], manageError: ManageError | undefined, now: number): V1ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels;
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of activePods) {
    if (labelsMatchSet(templateLabels, pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  let conditions = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const cond: V1ReplicaSetCondition = {
      type: 'ReplicaFailure',
      status: 'True',
      reason: manageError.diff < 0 ? 'FailedCreate' : 'FailedDelete',
      message: manageError.message,
      lastTransitionTime: rfc3339(now),
    };
    conditions.push(cond);
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  const status: V1ReplicaSetStatus = {
    replicas: activePods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata?.generation,
  };
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Compares the fields the controller owns; Kubernetes writes status only when one differs. */
export function statusEqual(a: V1ReplicaSetStatus | undefined, b: V1ReplicaSetStatus): boolean {
  return (
    (a?.replicas ?? 0) === (b.replicas ?? 0) &&
    (a?.fullyLabeledReplicas ?? 0) === (b.fullyLabeledReplicas ?? 0) &&
    (a?.readyReplicas ?? 0) === (b.readyReplicas ?? 0) &&
    (a?.availableReplicas ?? 0) === (b.availableReplicas ?? 0) &&
    (a?.observedGeneration ?? 0) === (b.observedGeneration ?? 0) &&
    JSON.stringify(a?.conditions ?? []) === JSON.stringify(b.conditions ?? [])
  );
}
