// Which pods a ReplicaSet deletes first when it has too many (pkg/controller/controller_utils.go
// ActivePodsWithRanks.Less, with PodDeletionCost and LogarithmicScaleDown on as in 1.32):
//   1. unscheduled before scheduled
//   2. Pending before Unknown before Running
//   3. not ready before ready
//   4. lower controller.kubernetes.io/pod-deletion-cost before higher
//   5. more related active pods on the same node ("doubled up") before fewer
//   6. both ready: ready more recently before longer (log2 buckets of age; equal bucket → uid order)
//   7. more container restarts before fewer
//   8. created more recently before older (log2 buckets; equal bucket → uid order)

import type { V1Pod } from '@kubernetes/client-node';
import { timeOf } from '../../client/types.js';
import { isPodActive, isPodReady, maxContainerRestarts, podReadyCondition } from '../common/pods.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: V1Pod): number {
  return PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0;
}

function deletionCost(pod: V1Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST];
  if (v === undefined) return 0;
  const n = Number(v);
  // Kubernetes parses an int32; an invalid value is treated as 0 here (validation rejects it anyway).
  return Number.isInteger(n) ? n : 0;
}

function readyTime(pod: V1Pod): number | undefined {
  return isPodReady(pod) ? timeOf(podReadyCondition(pod)?.lastTransitionTime) : undefined;
}

/** floor(log2(now - t)) in nanoseconds as Go computes it; -1 when t is not in the past. */
function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/**
 * Negative when `a` should be deleted before `b`. Missing times rank first (afterOrZero); equal
 * log-buckets fall back to uid order for a pseudorandom yet stable choice.
 */
function compareTimes(a: number | undefined, b: number | undefined, aUid: string, bUid: string, now: number): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const diff = logRank(a, now) - logRank(b, now);
  if (diff === 0) return aUid < bUid ? -1 : aUid > bUid ? 1 : 0;
  return diff < 0 ? -1 : 1;
}

export interface RankedPod {
  pod: V1Pod;
  /** Active related pods on the same node (more = delete first). */
  rank: number;
}

export function compareForDeletion(a: RankedPod, b: RankedPod, now: number): number {
  const an = a.pod.spec?.nodeName ?? '';
  const bn = b.pod.spec?.nodeName ?? '';
  if (an !== bn && (an === '' || bn === '')) return an === '' ? -1 : 1;
  const ap = phaseOrdinal(a.pod);
  const bp = phaseOrdinal(b.pod);
  if (ap !== bp) return ap - bp;
  const ar = isPodReady(a.pod);
  const br = isPodReady(b.pod);
  if (ar !== br) return ar ? 1 : -1;
  const ac = deletionCost(a.pod);
  const bc = deletionCost(b.pod);
  if (ac !== bc) return ac - bc;
  if (a.rank !== b.rank) return b.rank - a.rank;
  const aUid = a.pod.metadata?.uid ?? '';
  const bUid = b.pod.metadata?.uid ?? '';
  if (ar && br) {
    const c = compareTimes(readyTime(a.pod), readyTime(b.pod), aUid, bUid, now);
    if (c !== 0) return c;
  }
  const ax = maxContainerRestarts(a.pod);
  const bx = maxContainerRestarts(b.pod);
  if (ax !== bx) return bx - ax;
  return compareTimes(timeOf(a.pod.metadata?.creationTimestamp), timeOf(b.pod.metadata?.creationTimestamp), aUid, bUid, now);
}

/**
 * The `count` pods to delete out of `pods`. `related` (usually the pods of every ReplicaSet of the
 * same Deployment) decides the doubled-up rank, so a scale-down spreads pods over nodes.
 */
export function podsToDelete(pods: V1Pod[], related: V1Pod[], count: number, now: number): V1Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, now));
  return ranked.slice(0, count).map((r) => r.pod);
}
