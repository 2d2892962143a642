// Pure pieces of the Job controller (Kubernetes' pkg/controller/job, NonIndexed completion mode):
// how a job's pods count, how many should run, which to delete first, the pod a job creates, and
// the conditions it ends with.

import type { V1Job, V1JobCondition, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { rfc3339, timeOf } from '../../client/types.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const LABEL_CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
export const LABEL_JOB_NAME = 'batch.kubernetes.io/job-name';
export const LEGACY_LABEL_CONTROLLER_UID = 'controller-uid';
export const LEGACY_LABEL_JOB_NAME = 'job-name';

export const MSG_BACKOFF_LIMIT = 'Job has reached the specified backoff limit';
export const MSG_DEADLINE = 'Job was active longer than specified deadline';

/** Kubernetes' DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 360_000;

const isTerminal = (p: V1Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** FilterActivePods: neither finished nor being deleted. */
export const isPodActive = (p: V1Pod): boolean => !isTerminal(p) && !p.metadata?.deletionTimestamp;

/** CountTerminatingPods: being deleted but not finished yet. */
export const isPodTerminating = (p: V1Pod): boolean => Boolean(p.metadata?.deletionTimestamp) && !isTerminal(p);

export const isPodReady = (p: V1Pod): boolean => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export const hasTrackingFinalizer = (p: V1Pod): boolean => (p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);

/** podReplacementPolicy Failed (or a pod failure policy): a terminating pod is not replaced until it failed. */
export const onlyReplaceFailedPods = (job: V1Job): boolean => job.spec?.podReplacementPolicy === 'Failed' || Boolean(job.spec?.podFailurePolicy);

/** Kubernetes' isPodFailed: Failed, or deleted before it could succeed (an orphan never reaches Failed). */
export function isPodFailed(p: V1Pod, job: V1Job): boolean {
  if (job.spec?.podFailurePolicy) return p.status?.phase === 'Failed';
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return Boolean(p.metadata?.deletionTimestamp) && p.status?.phase !== 'Succeeded';
}

/** How many pods should be active (manageJob's wantActive). */
export function wantActive(job: V1Job, succeeded: number, active: number): number {
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  // Without completions, any success means the work is done: let what runs finish, start nothing.
  if (completions === undefined || completions === null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(completions - succeeded, parallelism));
}

/** The job is done once the wanted successes are in and nothing is still running. */
export function isComplete(job: V1Job, succeeded: number, active: number): boolean {
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null) return succeeded > 0 && active === 0;
  return succeeded >= completions && active === 0;
}

/** controller.ActivePods ordering: the pods cheapest to lose come first. */
export function deletionOrder(a: V1Pod, b: V1Pod): number {
  const assigned = (p: V1Pod) => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const rank = (p: V1Pod) => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase ?? 'Pending'] ?? 0;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const ready = (p: V1Pod) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const restarts = (p: V1Pod) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  // Newer pods first.
  return (timeOf(b.metadata?.creationTimestamp) ?? 0) - (timeOf(a.metadata?.creationTimestamp) ?? 0);
}

/** pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts count against the limit. */
export function pastBackoffLimitOnFailure(job: V1Job, pods: V1Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** The pod a job creates: its template, the tracking finalizer, the job's labels and a controller reference. */
export function podFromTemplate(job: V1Job): V1Pod {
  const template = structuredClone(job.spec?.template ?? {});
  const meta = template.metadata ?? {};
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const owner: V1OwnerReference = { apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true, blockOwnerDeletion: true };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      name: undefined,
      generateName: `${name}-`,
      namespace: job.metadata?.namespace,
      // The apiserver puts these on the template already; set them anyway for jobs with manualSelector.
      labels: { [LABEL_CONTROLLER_UID]: uid, [LABEL_JOB_NAME]: name, [LEGACY_LABEL_CONTROLLER_UID]: uid, [LEGACY_LABEL_JOB_NAME]: name, ...(meta.labels ?? {}) },
      finalizers: [...new Set([...(meta.finalizers ?? []), JOB_TRACKING_FINALIZER])],
      ownerReferences: [owner],
    },
    spec: template.spec ?? { containers: [] },
  };
}

export function newCondition(type: string, reason: string, message: string, nowMs: number): V1JobCondition {
  const t = rfc3339(nowMs);
  return { type, status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t };
}

export const findCondition = (job: V1Job, type: string): V1JobCondition | undefined => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

/** IsJobFinished: Complete or Failed is True. */
export const isJobFinished = (job: V1Job): boolean => Boolean(findCondition(job, 'Complete') || findCondition(job, 'Failed'));

/** The delay before new pods after consecutive failures: 10 s doubling, at most 6 min (0 when none). */
export function podFailureBackoffMs(failuresAfterLastSuccess: number): number {
  if (failuresAfterLastSuccess <= 0) return 0;
  return Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (failuresAfterLastSuccess - 1), MAX_POD_FAILURE_BACKOFF_MS);
}
