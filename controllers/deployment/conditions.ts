// Deployment conditions (pkg/controller/deployment/util/deployment_util.go): types, reasons and
// messages exactly as Kubernetes writes them, since kubectl rollout status/describe read them.

import type { V1Deployment, V1DeploymentCondition, V1DeploymentStatus, V1ReplicaSet } from '@kubernetes/client-node';
import { rfc3339, timeOf } from '../../client/types.js';
import { desiredReplicas } from './util.js';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const REASONS = {
  /** Progressing True: a new ReplicaSet was created. */
  newReplicaSet: 'NewReplicaSetCreated',
  /** Progressing True: the new ReplicaSet already existed (e.g. a progress deadline was just set). */
  foundNewReplicaSet: 'FoundNewReplicaSet',
  /** Progressing True: pods moved forward. */
  replicaSetUpdated: 'ReplicaSetUpdated',
  /** Progressing True: the rollout is complete. */
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  /** Progressing False: no progress within progressDeadlineSeconds. */
  timedOut: 'ProgressDeadlineExceeded',
  /** Progressing False: creating the new ReplicaSet failed. */
  failedReplicaSetCreate: 'ReplicaSetCreateError',
  /** Progressing Unknown. */
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export const MESSAGES = {
  created: (rs: string) => `Created new replica set "${rs}"`,
  found: (rs: string) => `Found new replica set "${rs}"`,
  progressing: (rs: string | undefined, d: string) => (rs ? `ReplicaSet "${rs}" is progressing.` : `Deployment "${d}" is progressing.`),
  complete: (rs: string | undefined, d: string) => (rs ? `ReplicaSet "${rs}" has successfully progressed.` : `Deployment "${d}" has successfully progressed.`),
  timedOut: (rs: string | undefined, d: string) => (rs ? `ReplicaSet "${rs}" has timed out progressing.` : `Deployment "${d}" has timed out progressing.`),
  failedCreate: (rs: string, err: string) => `Failed to create new replica set "${rs}": ${err}`,
  paused: 'Deployment is paused',
  resumed: 'Deployment is resumed',
  available: 'Deployment has minimum availability.',
  unavailable: 'Deployment does not have minimum availability.',
} as const;

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: number): V1DeploymentCondition {
  return { type, status, reason, message, lastUpdateTime: rfc3339(now), lastTransitionTime: rfc3339(now) };
}

export function getCondition(status: V1DeploymentStatus | undefined, type: string): V1DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: same status and reason → unchanged (keeps lastUpdateTime); same status,
 * new reason → keeps lastTransitionTime. The condition moves to the end of the list.
 */
export function setCondition(status: V1DeploymentStatus, cond: V1DeploymentCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: V1DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length) status.conditions = rest;
  else delete status.conditions;
}

/** HasProgressDeadline: set and not MaxInt32 (which means "never"). */
export function hasProgressDeadline(d: V1Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== 2147483647;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: V1Deployment, s: V1DeploymentStatus): boolean {
  const n = desiredReplicas(d);
  return (s.updatedReplicas ?? 0) === n && (s.replicas ?? 0) === n && (s.availableReplicas ?? 0) === n && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** DeploymentProgressing: more updated/ready/available pods, or fewer old ones, than last time. */
export function deploymentProgressing(d: V1Deployment, s: V1DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: the Progressing condition was last updated more than the deadline ago. */
export function deploymentTimedOut(d: V1Deployment, s: V1DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c) return false;
  if (c.reason === REASONS.newReplicaSetAvailable) return false;
  if (c.reason === REASONS.timedOut) return true;
  const from = timeOf(c.lastUpdateTime) ?? 0;
  return from + (d.spec!.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** The first ReplicaFailure=True of the new ReplicaSet, then of the old ones, as a Deployment condition. */
export function replicaFailure(newRS: V1ReplicaSet | undefined, all: V1ReplicaSet[]): V1DeploymentCondition | undefined {
  const ordered = newRS ? [newRS, ...all.filter((r) => r !== newRS)] : all;
  for (const rs of ordered) {
    const c = rs.status?.conditions?.find((x) => x.type === REPLICA_FAILURE && x.status === 'True');
    if (c) return { type: REPLICA_FAILURE, status: c.status, reason: c.reason, message: c.message, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime };
  }
  return undefined;
}
