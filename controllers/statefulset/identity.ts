// A StatefulSet pod's identity and revision (pkg/controller/statefulset/stateful_set_utils.go):
// the name "<set>-<ordinal>", the pod-name and pod-index labels, hostname/subdomain, and the
// controller-revision-hash label naming the revision it was made from.
//
// Revisions: Kubernetes stores each template as a ControllerRevision named "<set>-<hash>". This
// apiserver does not serve ControllerRevisions, so a revision here is only its name, computed from
// the template and collisionCount with the Deployment's hash (deployment/hash.ts). The template of
// an older revision, needed to recreate a pod below the partition, is taken from a live pod still
// carrying that revision (revisionTemplateFromPod).

import type { V1Pod, V1PodTemplateSpec, V1StatefulSet } from '@kubernetes/client-node';
import type { KubeObject } from '../../client/types.js';
import { computeHash } from '../deployment/hash.js';
import { newControllerRef } from '../common/owners.js';
import { isPodAvailable, isPodReady } from '../common/pods.js';

export type StatefulSet = V1StatefulSet & KubeObject;
export type Pod = V1Pod & KubeObject;

export const STS_API_VERSION = 'apps/v1';
export const STS_KIND = 'StatefulSet';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

const STATEFUL_POD = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: ordinal -1 when the name does not end in "-<number>". */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } {
  const m = STATEFUL_POD.exec(podName);
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  // Go parses into an int32.
  return n > 2147483647 ? { parent: '', ordinal: -1 } : { parent: m[1]!, ordinal: n };
}

export const ordinalOf = (pod: V1Pod): number => parentAndOrdinal(pod.metadata?.name ?? '').ordinal;
export const podName = (set: V1StatefulSet, ordinal: number): string => `${set.metadata?.name ?? ''}-${ordinal}`;
export const startOrdinal = (set: V1StatefulSet): number => set.spec?.ordinals?.start ?? 0;
export const replicasOf = (set: V1StatefulSet): number => set.spec?.replicas ?? 1;

/** isMemberOf: the pod's name says it belongs to this set. */
export function isMemberOf(set: V1StatefulSet, pod: V1Pod): boolean {
  return parentAndOrdinal(pod.metadata?.name ?? '').parent === set.metadata?.name;
}

/** identityMatches: name, namespace and the pod-name/pod-index labels agree with the ordinal. */
export function identityMatches(set: V1StatefulSet, pod: V1Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata?.name ?? '');
  const labels = pod.metadata?.labels ?? {};
  return (
    ordinal >= 0 &&
    parent === set.metadata?.name &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    labels[POD_NAME_LABEL] === pod.metadata?.name &&
    labels[POD_INDEX_LABEL] === String(ordinal)
  );
}

/** updateIdentity: the labels a pod of this ordinal must carry. */
export function withIdentityLabels(pod: V1Pod): Record<string, string> {
  return { ...(pod.metadata?.labels ?? {}), [POD_NAME_LABEL]: pod.metadata?.name ?? '', [POD_INDEX_LABEL]: String(ordinalOf(pod)) };
}

/** The revision name for the set's current template: "<set>-<hash>". */
export function updateRevisionName(set: V1StatefulSet): string {
  return `${set.metadata?.name ?? ''}-${computeHash(set.spec?.template, set.status?.collisionCount ?? 0)}`;
}

export const podRevision = (pod: V1Pod): string | undefined => pod.metadata?.labels?.[REVISION_LABEL];

/** A revision's template rebuilt from a pod made from it: its labels, annotations and spec, minus what the controller and scheduler added. */
export function revisionTemplateFromPod(pod: V1Pod): V1PodTemplateSpec {
  const labels = { ...(pod.metadata?.labels ?? {}) };
  for (const k of [POD_NAME_LABEL, POD_INDEX_LABEL, REVISION_LABEL]) delete labels[k];
  const spec = JSON.parse(JSON.stringify(pod.spec ?? { containers: [] })) as NonNullable<V1Pod['spec']>;
  delete spec.nodeName;
  delete spec.hostname;
  delete spec.subdomain;
  const t: V1PodTemplateSpec = { metadata: { labels }, spec };
  if (pod.metadata?.annotations) t.metadata!.annotations = { ...pod.metadata.annotations };
  return t;
}

/** newStatefulSetPod + initIdentity + setPodRevision. PVCs (volumeClaimTemplates) are not served here, so none are made. */
export function newStatefulSetPod(set: StatefulSet, template: V1PodTemplateSpec | undefined, revision: string, ordinal: number): Pod {
  const name = podName(set, ordinal);
  const spec = JSON.parse(JSON.stringify(template?.spec ?? { containers: [] })) as NonNullable<V1Pod['spec']>;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(template?.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision },
      ownerReferences: [newControllerRef(set, STS_API_VERSION, STS_KIND)],
    },
    spec,
  };
  if (template?.metadata?.annotations) pod.metadata.annotations = { ...template.metadata.annotations };
  if (template?.metadata?.finalizers) pod.metadata.finalizers = [...template.metadata.finalizers];
  return pod;
}

export const isTerminating = (pod: V1Pod): boolean => !!pod.metadata?.deletionTimestamp;
export const isFailed = (pod: V1Pod): boolean => pod.status?.phase === 'Failed';
export const isSucceeded = (pod: V1Pod): boolean => pod.status?.phase === 'Succeeded';
export const isRunningAndReady = (pod: V1Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: V1Pod, minReadySeconds: number, now: number): boolean => pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
/** isHealthy: Running, Ready and not terminating. */
export const isHealthy = (pod: V1Pod): boolean => isRunningAndReady(pod) && !isTerminating(pod);
