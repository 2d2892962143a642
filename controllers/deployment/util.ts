// Pure helpers of the Deployment controller (pkg/controller/deployment/util/deployment_util.go,
// k8s.io/apimachinery intstr, pkg/controller/controller_utils.go sort orders). No I/O here: every
// function is table-testable.

import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { timeOf } from '../../client/types.js';
import { canonicalJson } from './hash.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** Kubernetes' maxRevHistoryLengthInChars. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** Annotations the controller never copies from a Deployment to its ReplicaSets. */
const SKIP_COPY = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, ROLLBACK_TO_ANNOTATION]);

export const replicasOf = (o: { spec?: { replicas?: number } } | undefined): number => o?.spec?.replicas ?? 0;
export const desiredReplicas = (d: V1Deployment): number => d.spec?.replicas ?? 1;

// ---- intstr and fenceposts ----------------------------------------------------------------------

/** intstr.GetScaledValueFromIntOrPercent: ints as is, "N%" of total rounded up or down. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    // Kubernetes accepts a plain integer inside a string only as a percentage: "5" is invalid.
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

function rollingParams(d: V1Deployment): { maxSurge: number | string; maxUnavailable: number | string } | undefined {
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return undefined;
  const ru = d.spec?.strategy?.rollingUpdate;
  // The apiserver defaults both to 25%; default here too so a bare object behaves the same.
  return { maxSurge: (ru?.maxSurge as number | string | undefined) ?? '25%', maxUnavailable: (ru?.maxUnavailable as number | string | undefined) ?? '25%' };
}

export function isRollingUpdate(d: V1Deployment): boolean {
  return rollingParams(d) !== undefined;
}

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 → unavailable 1 (progress is possible). */
export function resolveFenceposts(maxSurge: number | string, maxUnavailable: number | string, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: V1Deployment): number {
  const p = rollingParams(d);
  return p ? resolveFenceposts(p.maxSurge, p.maxUnavailable, desiredReplicas(d)).surge : 0;
}

export function maxUnavailable(d: V1Deployment): number {
  const p = rollingParams(d);
  const desired = desiredReplicas(d);
  if (!p || desired === 0) return 0;
  return Math.min(resolveFenceposts(p.maxSurge, p.maxUnavailable, desired).unavailable, desired);
}

// ---- replica counts -----------------------------------------------------------------------------

type RS = V1ReplicaSet;
export const specReplicaCount = (sets: (RS | undefined)[]): number => sets.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0);
export const actualReplicaCount = (sets: (RS | undefined)[]): number => sets.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicaCount = (sets: (RS | undefined)[]): number => sets.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicaCount = (sets: (RS | undefined)[]): number => sets.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
export const filterActive = <T extends RS>(sets: (T | undefined)[]): T[] => sets.filter((rs): rs is T => !!rs && replicasOf(rs) > 0);

// ---- orders -------------------------------------------------------------------------------------

/** ReplicaSetsByCreationTimestamp: older first, then by name. */
export function byCreation(a: RS, b: RS): number {
  const ta = timeOf(a.metadata?.creationTimestamp) ?? 0;
  const tb = timeOf(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: larger first, ties older first (scale down old ones first). */
export const bySizeOlder = (a: RS, b: RS): number => replicasOf(b) - replicasOf(a) || byCreation(a, b);
/** ReplicaSetsBySizeNewer: larger first, ties newer first (scale up new ones first). */
export const bySizeNewer = (a: RS, b: RS): number => replicasOf(b) - replicasOf(a) || byCreation(b, a);

export function revisionOf(o: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const v = o?.metadata?.annotations?.[REVISION_ANNOTATION];
  const n = v === undefined ? 0 : Number(v);
  return Number.isInteger(n) ? n : 0;
}

/** ReplicaSetsByRevision: lower revision first, ties by creation. */
export const byRevision = (a: RS, b: RS): number => revisionOf(a) - revisionOf(b) || byCreation(a, b);

export const maxRevision = (sets: RS[]): number => sets.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

// ---- templates ----------------------------------------------------------------------------------

/** EqualIgnoreHash: the templates are equal once pod-template-hash is removed from their labels. */
export function equalIgnoreHash(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined): boolean {
  const strip = (t: V1PodTemplateSpec | undefined): unknown => {
    const c = JSON.parse(JSON.stringify(t ?? {})) as V1PodTemplateSpec;
    if (c.metadata?.labels) {
      delete c.metadata.labels[POD_TEMPLATE_HASH_LABEL];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    return c;
  };
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet<T extends RS>(d: V1Deployment, sets: T[]): T | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

// ---- annotations --------------------------------------------------------------------------------

/** SetReplicasAnnotations: desired-replicas and max-replicas; true when changed. */
export function setReplicasAnnotations(rs: RS, desired: number, max: number): boolean {
  rs.metadata ??= {};
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: RS, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

function intAnnotation(rs: RS, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}
export const desiredReplicasAnnotation = (rs: RS): number | undefined => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: RS): number | undefined => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision (keeping
 * the old one in revision-history when an existing ReplicaSet is reused, i.e. a rollback), and for
 * a ReplicaSet about to be created sets the replicas annotations. True when anything changed.
 */
export function setNewReplicaSetAnnotations(d: V1Deployment, rs: RS, newRevision: string, exists: boolean): boolean {
  rs.metadata ??= {};
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIP_COPY.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[REVISION_ANNOTATION];
  const had = oldRevision !== undefined;
  const oldInt = had ? Number(oldRevision) : 0;
  if (had && !Number.isInteger(oldInt)) return false;
  const newInt = Number(newRevision);
  if (oldInt < newInt) {
    a[REVISION_ANNOTATION] = newRevision;
    changed = true;
  }
  if (had && oldInt < newInt) {
    const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
    let old = history.split(',');
    if (old[0]!.length === 0) a[REVISION_HISTORY_ANNOTATION] = oldRevision;
    else {
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > MAX_REVISION_HISTORY_CHARS && start < old.length) {
        total -= old[start]!.length + 1;
        start++;
      }
      if (total <= MAX_REVISION_HISTORY_CHARS) {
        old = [...old.slice(start), oldRevision];
        a[REVISION_HISTORY_ANNOTATION] = old.join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

// ---- scaling decisions --------------------------------------------------------------------------

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: V1Deployment, allSets: RS[], newRS: RS): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const maxTotal = desired + maxSurge(d);
  const current = specReplicaCount(allSets);
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

/** IsSaturated: the new ReplicaSet has and shows all the Deployment's replicas available. */
export function isSaturated(d: V1Deployment, rs: RS | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  const n = desiredReplicas(d);
  return replicasOf(rs) === n && desired === n && (rs.status?.availableReplicas ?? 0) === n;
}

/** FindActiveOrLatest: the one ReplicaSet with replicas, or the newest if none has any. */
export function findActiveOrLatest<T extends RS>(newRS: T | undefined, oldSets: T[]): T | undefined {
  if (!newRS && oldSets.length === 0) return undefined;
  const sortedOld = [...oldSets].sort(byCreation).reverse();
  const active = filterActive([...sortedOld, newRS]);
  if (active.length === 0) return newRS ?? sortedOld[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** Go's math.Round: halves away from zero. */
const goRound = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** getReplicaSetFraction: this set's share of a proportional scale. */
function replicaSetFraction(rs: RS, d: V1Deployment): number {
  const desired = desiredReplicas(d);
  if (desired === 0) return -replicasOf(rs);
  const deploymentReplicas = desired + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  // Go divides floats: x/0 is ±Inf and int32(±Inf) saturates; with 0 replicas it is NaN → 0.
  const size = (replicasOf(rs) * deploymentReplicas) / annotated;
  const rounded = Number.isFinite(size) ? goRound(size) : Number.isNaN(size) ? 0 : size > 0 ? 2 ** 31 - 1 : -(2 ** 31);
  return rounded - replicasOf(rs);
}

/** GetProportion: replicas to add to (or remove from) one set during a proportional scale. */
export function proportion(rs: RS | undefined, d: V1Deployment, toAdd: number, added: number): number {
  if (!rs || replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
