// Spreading the pods of one controller (a ReplicaSet, a StatefulSet, a Job) over nodes: a node
// with fewer of the pod's siblings scores higher. This is the old SelectorSpread score, reduced to
// the controller owner reference: Kubernetes 1.32 gets the same effect from PodTopologySpread's
// default constraints (spread by hostname and zone, ScheduleAnyway), which this scheduler does not
// implement. Zones are not considered.

import type { V1Pod } from '@kubernetes/client-node';
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';

export function controllerUid(pod: V1Pod): string | undefined {
  return pod.metadata?.ownerReferences?.find((r) => r.controller === true)?.uid;
}

/** Pods on the node (bound or assumed) with the same controller in the same namespace, not being deleted. */
export function siblingsOnNode(pod: V1Pod, ni: NodeInfo): number {
  const owner = controllerUid(pod);
  if (!owner) return 0;
  let n = 0;
  for (const { pod: p } of ni.pods.values()) {
    if (p.metadata?.namespace !== pod.metadata?.namespace || p.metadata?.deletionTimestamp) continue;
    if (controllerUid(p) === owner) n++;
  }
  return n;
}

/** 100 * (max - count) / max over the feasible nodes; every node 100 when no sibling runs anywhere. */
export function normalizeSpread(counts: readonly number[]): number[] {
  const max = Math.max(0, ...counts);
  if (max === 0) return counts.map(() => MAX_NODE_SCORE);
  return counts.map((c) => Math.trunc((MAX_NODE_SCORE * (max - c)) / max));
}

export const spreadScore: ScorePlugin = {
  name: 'SelectorSpread',
  weight: 2,
  score: (ctx, ni) => siblingsOnNode(ctx.pod, ni),
  normalize: (counts) => normalizeSpread(counts),
};
