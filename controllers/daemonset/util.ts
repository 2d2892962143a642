// DaemonSet helpers (pkg/controller/daemon/util/daemonset_util.go and daemon_controller.go's
// NodeShouldRunDaemonPod): which nodes a DaemonSet belongs on, the pod it puts there, and whether a
// pod runs the current template.

import type { V1Affinity, V1DaemonSet, V1Node, V1Pod, V1PodSpec, V1Toleration } from '@kubernetes/client-node';
import { timeOf, type KubeObject } from '../../client/types.js';
import { podMatchesNode } from '../../scheduler/plugins/node-affinity.js';
import { toleratesAny } from '../../scheduler/plugins/taint-toleration.js';
import { computeHash } from '../deployment/hash.js';
import { newControllerRef } from '../common/owners.js';

export type DaemonSet = V1DaemonSet & KubeObject;
export type Pod = V1Pod & KubeObject;
export type Node = V1Node & KubeObject;

export const DS_API_VERSION = 'apps/v1';
export const DS_KIND = 'DaemonSet';
/** apps.DefaultDaemonSetUniqueLabelKey = ControllerRevisionHashLabelKey. */
export const REVISION_HASH_LABEL = 'controller-revision-hash';
/** extensions.DaemonSetTemplateGenerationKey (deprecated, still written and read by Kubernetes). */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** The annotation Kubernetes' apiserver keeps the template generation in. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/**
 * The tolerations every DaemonSet pod gets (util.AddOrUpdateDaemonPodTolerations): a daemon keeps
 * running through node trouble that would evict or keep out ordinary pods.
 */
export function daemonPodTolerations(hostNetwork: boolean): V1Toleration[] {
  const t: V1Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** v1helper.AddOrUpdateTolerationInPodSpec for each daemon toleration: same key+effect+operator is replaced. */
export function withDaemonTolerations(spec: V1PodSpec): V1Toleration[] {
  const out = [...(spec.tolerations ?? [])];
  for (const t of daemonPodTolerations(!!spec.hostNetwork)) {
    const i = out.findIndex((o) => o.key === t.key && o.effect === t.effect && (o.operator ?? 'Equal') === t.operator && (o.value ?? '') === '');
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

/**
 * util.ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single term
 * "metadata.name In [node]". The controller has already checked the template's own terms against
 * the node, so they are replaced, not merged; the scheduler then binds the pod to that node.
 */
export function pinToNode(affinity: V1Affinity | undefined, nodeName: string): V1Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  return { ...(affinity ?? {}), nodeAffinity: { ...(affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: required } };
}

/** The node a daemon pod is for: spec.nodeName once bound, else its matchFields pin (util.GetTargetNodeName). */
export function targetNodeName(pod: V1Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/**
 * The template generation. Kubernetes' apiserver keeps it in an annotation and bumps it only when
 * the template changes; this apiserver does not, so metadata.generation stands in (it also moves on
 * non-template spec changes, which is harmless: a pod counts as updated when either the generation
 * or the hash matches, and the hash changes only with the template).
 */
export function templateGeneration(ds: V1DaemonSet): number | undefined {
  const a = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (a !== undefined && /^\d+$/.test(a)) return Number(a);
  return ds.metadata?.generation;
}

/** The current revision's hash: the template and collisionCount, as the Deployment names its ReplicaSets. */
export function daemonSetHash(ds: V1DaemonSet): string {
  return computeHash(ds.spec?.template, ds.status?.collisionCount ?? 0);
}

/** util.IsPodUpdated: the pod carries the current template generation or revision hash. */
export function isPodUpdated(pod: V1Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  const hashMatches = hash.length > 0 && labels[REVISION_HASH_LABEL] === hash;
  return hashMatches || templateMatches;
}

/** The pod for one node (util.CreatePodTemplate + the node-name affinity), generateName "<ds>-". */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const t = ds.spec?.template;
  const spec = JSON.parse(JSON.stringify(t?.spec ?? { containers: [] })) as V1PodSpec;
  spec.tolerations = withDaemonTolerations(spec);
  spec.affinity = pinToNode(spec.affinity, nodeName);
  const labels: Record<string, string> = { ...(t?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash };
  const gen = templateGeneration(ds);
  if (gen !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(gen);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name ?? ''}-`,
      labels,
      ownerReferences: [newControllerRef(ds, DS_API_VERSION, DS_KIND)],
    },
    spec,
  };
  if (t?.metadata?.annotations) pod.metadata.annotations = { ...t.metadata.annotations };
  if (t?.metadata?.finalizers) pod.metadata.finalizers = [...t.metadata.finalizers];
  return pod;
}

export interface NodeFit {
  /** A daemon pod should be created here if missing. */
  shouldRun: boolean;
  /** A daemon pod already here may stay (it tolerates the NoExecute taints). */
  shouldContinueRunning: boolean;
}

/**
 * NodeShouldRunDaemonPod: the template's nodeName, nodeSelector and required node affinity must
 * match the node; untolerated NoSchedule taints keep new pods out, untolerated NoExecute taints
 * also evict running ones. Tolerations include the automatic daemon ones.
 */
export function nodeShouldRunDaemonPod(node: V1Node, ds: V1DaemonSet): NodeFit {
  const spec = ds.spec?.template?.spec ?? { containers: [] };
  const name = node.metadata?.name ?? '';
  if (spec.nodeName && spec.nodeName !== name) return { shouldRun: false, shouldContinueRunning: false };
  if (!podMatchesNode({ spec } as V1Pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(spec);
  const taints = node.spec?.taints ?? [];
  const untolerated = (effects: string[]) => taints.some((t) => effects.includes(t.effect) && !toleratesAny(tolerations, t));
  if (untolerated(['NoSchedule', 'NoExecute'])) return { shouldRun: false, shouldContinueRunning: !untolerated(['NoExecute']) };
  return { shouldRun: true, shouldContinueRunning: true };
}

/** podByCreationTimestampAndPhase: bound pods first, then oldest first, then by name. */
export function compareByCreationAndPhase(a: V1Pod, b: V1Pod): number {
  const aBound = !!a.spec?.nodeName;
  const bBound = !!b.spec?.nodeName;
  if (aBound !== bBound) return aBound ? -1 : 1;
  const ta = timeOf(a.metadata?.creationTimestamp) ?? 0;
  const tb = timeOf(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** intstr.GetScaledValueFromIntOrPercent (round up for maxUnavailable and maxSurge, as the DaemonSet controller does). */
export function scaledValue(v: number | string | undefined, total: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  return Number.isInteger(n) ? n : fallback;
}
