// TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not tolerate
// them; PreferNoSchedule taints only lower the node's score.

import type { V1Node, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from '../framework.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** corev1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: V1Toleration, taint: V1Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function toleratesAny(tolerations: readonly V1Toleration[] | undefined, taint: V1Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/**
 * The node's taints as the scheduler should see them. In Kubernetes the scheduler never reads the
 * Ready condition: the node lifecycle controller turns it into the taints not-ready (Ready=False)
 * or unreachable (Ready=Unknown or missing) with effect NoSchedule, and TaintToleration keeps pods
 * away. This control plane may run without that controller, so the scheduler adds the same taint
 * itself when the node lacks it: a NotReady node rejects pods with the message Kubernetes would
 * show, and pods that tolerate the taint (DaemonSet-like) still land.
 */
export function effectiveTaints(node: V1Node): V1Taint[] {
  const taints = [...(node.spec?.taints ?? [])];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  if (ready !== 'True') {
    const key = ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
    if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule')) taints.push({ key, effect: 'NoSchedule' });
  }
  return taints;
}

/** The first NoSchedule/NoExecute taint the tolerations do not tolerate (FindMatchingUntoleratedTaint). */
export function firstUntoleratedTaint(taints: readonly V1Taint[], tolerations: readonly V1Toleration[] | undefined): V1Taint | undefined {
  return taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !toleratesAny(tolerations, t));
}

export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter(ctx, ni) {
    const taint = firstUntoleratedTaint(effectiveTaints(ni.node!), ctx.pod.spec?.tolerations);
    return taint ? [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`] : [];
  },
};

/** How many PreferNoSchedule taints the pod does not tolerate (only tolerations with effect '' or PreferNoSchedule count). */
export function countIntolerablePreferNoSchedule(taints: readonly V1Taint[], tolerations: readonly V1Toleration[] | undefined): number {
  const prefer = (tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return taints.filter((t) => t.effect === 'PreferNoSchedule' && !toleratesAny(prefer, t)).length;
}

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  score: (ctx, ni) => countIntolerablePreferNoSchedule(ni.node!.spec?.taints ?? [], ctx.pod.spec?.tolerations),
  normalize: (scores) => defaultNormalize(scores, true),
};
