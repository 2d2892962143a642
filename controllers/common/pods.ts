// Pod readiness and availability as Kubernetes' controllers judge them
// (pkg/api/v1/pod/util.go IsPodReady/IsPodAvailable, pkg/controller/controller_utils.go IsPodActive).

import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { timeOf } from '../../client/types.js';

export function podReadyCondition(pod: V1Pod): V1PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Ready condition True. */
export function isPodReady(pod: V1Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * Ready for at least minReadySeconds (by the Ready condition's lastTransitionTime). Kubernetes
 * compares with a strict "before now"; a Ready pod without a transition time is available only
 * when minReadySeconds is 0.
 */
export function isPodAvailable(pod: V1Pod, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = timeOf(podReadyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < nowMs;
}

/** Milliseconds until a Ready pod becomes available, 0 if it already is, undefined if not ready. */
export function msUntilAvailable(pod: V1Pod, minReadySeconds: number, nowMs: number): number | undefined {
  if (!isPodReady(pod)) return undefined;
  if (isPodAvailable(pod, minReadySeconds, nowMs)) return 0;
  const since = timeOf(podReadyCondition(pod)?.lastTransitionTime);
  return since === undefined ? undefined : since + minReadySeconds * 1000 - nowMs + 1;
}

/** Not finished (Succeeded/Failed) and not being deleted: it counts towards a controller's replicas. */
export function isPodActive(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function maxContainerRestarts(pod: V1Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}
