// The Job controller (Kubernetes' job_controller.go syncJob, NonIndexed jobs), one reconcile per job.
//
// Pods are created with the `batch.kubernetes.io/job-tracking` finalizer, so a finished pod cannot
// vanish before it is counted: its uid first goes to status.uncountedTerminatedPods, then the
// finalizer is removed, then the uid moves into status.succeeded / status.failed. Finishing takes
// two steps as in Kubernetes 1.31+: an interim condition (SuccessCriteriaMet, or FailureTarget with
// reason BackoffLimitExceeded / DeadlineExceeded) while remaining pods are deleted and counted, then
// the terminal one (Complete with completionTime, or Failed) once no pod is left terminating.

import type { V1Job, V1JobStatus, V1Pod } from '@kubernetes/client-node';
import { RESOURCES, isNotFound, objectKey, rfc3339, splitKey, type ClientSet, type Clock, type EventRecorder, type KubeObject, type ResourceRef } from '../../client/types.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import {
  JOB_TRACKING_FINALIZER,
  MSG_BACKOFF_LIMIT,
  MSG_DEADLINE,
  deletionOrder,
  findCondition,
  hasTrackingFinalizer,
  isComplete,
  isJobFinished,
  isPodActive,
  isPodFailed,
  isPodReady,
  isPodTerminating,
  newCondition,
  onlyReplaceFailedPods,
  pastBackoffLimitOnFailure,
  podFailureBackoffMs,
  podFromTemplate,
  wantActive,
} from './pods.js';

type Job = V1Job & KubeObject;
type Pod = V1Pod & KubeObject;
type Condition = ReturnType<typeof newCondition>;

export interface JobControllerOptions {
  clock?: Clock;
}

/** Kubernetes' MaxPodCreateDeletePerSync. */
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export class JobController implements Controller {
  readonly name = 'job';
  readonly watches: readonly ResourceRef[] = [RESOURCES.jobs, RESOURCES.pods];
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;
  /** Kubernetes' backoff records (in memory there too): consecutive failures and when the last was seen. */
  private readonly backoff = new Map<string, { failures: number; lastMs: number }>();

  constructor(
    private readonly cs: ClientSet,
    options: JobControllerOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.recorder = cs.recorder('job-controller');
  }

  register(cs: ClientSet, enqueue: (key: string) => void): void {
    const job = (j: Job) => enqueue(objectKey(j));
    cs.informer<Job>(RESOURCES.jobs).addHandler({ onAdd: job, onUpdate: (_o, n) => job(n), onDelete: job });
    const pod = (p: Pod) => {
      const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Job' && r.apiVersion.startsWith('batch/'));
      if (ref && p.metadata.namespace) enqueue(`${p.metadata.namespace}/${ref.name}`);
    };
    cs.informer<Pod>(RESOURCES.pods).addHandler({ onAdd: pod, onUpdate: (_o, n) => pod(n), onDelete: pod });
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.cs.informer<Job>(RESOURCES.jobs).lister.get(namespace, name);
    // Pods left with our finalizer by a job that is gone (or replaced under the same name) are freed.
    await this.releaseOrphans(namespace, name, cached?.metadata.uid);
    if (!cached) {
      this.backoff.delete(key);
      return;
    }
    if (isJobFinished(cached)) {
      this.backoff.delete(key);
      return;
    }
    // Only NonIndexed jobs are handled here.
    if (cached.spec?.completionMode === 'Indexed') return;
    return this.syncJob(key, structuredClone(cached));
  }

  private async syncJob(key: string, job: Job): Promise<void | ReconcileResult> {
    const now = this.clock.now();
    const status: V1JobStatus = (job.status ??= {});
    status.uncountedTerminatedPods ??= {};
    const uncounted = { succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods.failed ?? []) };
    const pods = this.podsOf(job);
    const activePods = pods.filter(isPodActive);
    let active = activePods.length;
    let ready = activePods.filter(isPodReady).length;
    let terminating = pods.filter(isPodTerminating).length;

    // Newly finished pods: still carrying the finalizer and not yet in uncountedTerminatedPods.
    const newSucceeded = pods.filter((p) => hasTrackingFinalizer(p) && !uncounted.succeeded.has(p.metadata.uid ?? '') && p.status?.phase === 'Succeeded');
    const newFailed = pods.filter((p) => hasTrackingFinalizer(p) && !uncounted.failed.has(p.metadata.uid ?? '') && isPodFailed(p, job));
    const succeeded = (status.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.size;
    const failed = (status.failed ?? 0) + newFailed.length + uncounted.failed.size;
    this.recordBackoff(key, newSucceeded.length, newFailed.length, now);

    status.startTime ??= rfc3339(now);
    const wakeUps: number[] = [];

    let finished: Condition | undefined;
    const criteriaMet = findCondition(job, 'SuccessCriteriaMet');
    const failureTarget = findCondition(job, 'FailureTarget');
    if (criteriaMet) finished = newCondition('SuccessCriteriaMet', criteriaMet.reason ?? '', criteriaMet.message ?? '', now);
    else if (failureTarget) finished = newCondition('Failed', failureTarget.reason ?? '', failureTarget.message ?? '', now);
    else if (failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) finished = newCondition('FailureTarget', 'BackoffLimitExceeded', MSG_BACKOFF_LIMIT, now);
    else {
      const deadline = this.deadlineOf(job);
      if (deadline !== undefined && now >= deadline) finished = newCondition('FailureTarget', 'DeadlineExceeded', MSG_DEADLINE, now);
      else if (deadline !== undefined) wakeUps.push(deadline);
    }

    if (finished) {
      // A failing job stops its pods (keeping their finalizers: they are counted as failed below).
      const { deleted, deletedReady, ok } = await this.deletePods(job, activePods, false);
      if (!ok) finished = undefined;
      active -= deleted;
      terminating += deleted;
      ready -= deletedReady;
    } else if (!job.metadata.deletionTimestamp) {
      const want = wantActive(job, succeeded, active);
      if (active > want) {
        const excess = [...activePods].sort(deletionOrder).slice(0, Math.min(active - want, MAX_POD_CREATE_DELETE_PER_SYNC));
        // Surplus pods are not failures: their finalizer goes first, so they are never counted.
        const { deleted, deletedReady } = await this.deletePods(job, excess, true);
        active -= deleted;
        terminating += deleted;
        ready -= deletedReady;
      } else {
        const replaceable = onlyReplaceFailedPods(job) ? terminating : 0;
        const diff = Math.min(want - replaceable - active, MAX_POD_CREATE_DELETE_PER_SYNC);
        if (diff > 0) {
          const waitMs = this.backoffRemaining(key, now);
          if (waitMs > 0) wakeUps.push(now + waitMs);
          else active += await this.createPods(job, diff);
        }
      }
      if (isComplete(job, succeeded, active)) finished = newCondition('SuccessCriteriaMet', '', '', now);
    }

    status.active = active;
    status.ready = ready;
    status.terminating = terminating;
    await this.trackAndFinish(job, pods, uncounted, finished, now);
    if (wakeUps.length > 0) return { requeueAfterMs: Math.max(0, Math.min(...wakeUps) - now) };
  }

  /**
   * trackJobStatusAndRemoveFinalizers: finished pods go to uncountedTerminatedPods (written first),
   * then lose their finalizer, then are counted; the terminal condition comes last.
   */
  private async trackAndFinish(job: Job, pods: Pod[], uncounted: { succeeded: Set<string>; failed: Set<string> }, finishedIn: Condition | undefined, now: number): Promise<void> {
    let finished = finishedIn;
    const status = job.status!;
    const withFinalizer = new Set(pods.filter(hasTrackingFinalizer).map((p) => p.metadata.uid ?? ''));
    cleanUncounted(status, uncounted, withFinalizer);

    const toRelease: Pod[] = [];
    const failureLike = finished !== undefined && finished.type !== 'SuccessCriteriaMet';
    for (const p of pods) {
      if (!hasTrackingFinalizer(p)) continue;
      const uid = p.metadata.uid ?? '';
      const failedPod = isPodFailed(p, job);
      const canRelease = Boolean(job.metadata.deletionTimestamp) || finished !== undefined || p.status?.phase === 'Succeeded' || failedPod;
      if (!canRelease) continue;
      toRelease.push(p);
      if (p.status?.phase === 'Succeeded' && !uncounted.failed.has(uid)) uncounted.succeeded.add(uid);
      // When the job fails, whatever has not succeeded counts as failed.
      else if (failedPod || failureLike) uncounted.failed.add(uid);
    }
    writeUncounted(status, uncounted);

    if (finished?.type === 'FailureTarget') {
      status.conditions = [...(status.conditions ?? []), finished];
      finished = newCondition('Failed', finished.reason ?? '', finished.message ?? '', now);
    } else if (finished?.type === 'SuccessCriteriaMet') {
      if (!findCondition(job, 'SuccessCriteriaMet')) status.conditions = [...(status.conditions ?? []), finished];
      finished = newCondition('Complete', finished.reason ?? '', finished.message ?? '', now);
    }
    job = await this.writeStatus(job);

    const podClient = this.cs.client<Pod>(RESOURCES.pods);
    for (const p of toRelease) {
      try {
        await podClient.patch(p.metadata.namespace, p.metadata.name ?? '', 'merge', removeFinalizerPatch(p));
        withFinalizer.delete(p.metadata.uid ?? '');
      } catch (e) {
        if (!isNotFound(e)) throw e;
        withFinalizer.delete(p.metadata.uid ?? '');
      }
    }
    cleanUncounted(job.status!, uncounted, withFinalizer);
    writeUncounted(job.status!, uncounted);

    // enactJobFinished: only once every pod is counted and none is still terminating.
    const s = job.status!;
    const pending = (s.uncountedTerminatedPods?.succeeded?.length ?? 0) + (s.uncountedTerminatedPods?.failed?.length ?? 0);
    let finishedNow = false;
    if (finished && pending === 0 && (s.terminating ?? 0) === 0) {
      s.conditions = [...(s.conditions ?? []).filter((c) => c.type !== finished!.type), finished];
      if (finished.type === 'Complete') s.completionTime = finished.lastTransitionTime;
      finishedNow = true;
    }
    job = await this.writeStatus(job);
    if (finishedNow && finished) {
      if (finished.type === 'Complete') {
        const completions = job.spec?.completions;
        if (completions !== undefined && completions !== null && (s.succeeded ?? 0) > completions) {
          this.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
        }
        this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      } else {
        this.recorder.event(job, 'Warning', finished.reason ?? '', finished.message ?? '');
      }
    }
  }

  /** PUT .../status when the status differs from what the cache holds; returns the job as written. */
  private async writeStatus(job: Job): Promise<Job> {
    const stored = this.cs.informer<Job>(RESOURCES.jobs).lister.get(job.metadata.namespace, job.metadata.name ?? '');
    if (stored && stored.metadata.resourceVersion === job.metadata.resourceVersion && JSON.stringify(stored.status ?? {}) === JSON.stringify(job.status ?? {})) return job;
    const written = await this.cs.client<Job>(RESOURCES.jobs).updateStatus(job);
    // Keep our view of the status (the server's copy may differ only in formatting).
    return { ...written, status: job.status };
  }

  private podsOf(job: Job): Pod[] {
    const uid = job.metadata.uid ?? '';
    return this.cs
      .informer<Pod>(RESOURCES.pods)
      .lister.byIndex('ownerUid', uid)
      .filter((p) => p.metadata.namespace === job.metadata.namespace && (p.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.controller));
  }

  private deadlineOf(job: Job): number | undefined {
    const seconds = job.spec?.activeDeadlineSeconds;
    const start = timeOfStart(job);
    if (seconds === undefined || seconds === null || start === undefined) return undefined;
    return start + seconds * 1000;
  }

  private async createPods(job: Job, count: number): Promise<number> {
    const client = this.cs.client<Pod>(RESOURCES.pods);
    let created = 0;
    for (let i = 0; i < count; i++) {
      try {
        const pod = await client.create(job.metadata.namespace, podFromTemplate(job) as Pod);
        this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        created++;
      } catch (e) {
        this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
        // Like the slow start: the first failure stops this round; the retry comes with backoff.
        throw e;
      }
    }
    return created;
  }

  /** Deletes pods (optionally removing the tracking finalizer first); counts what went. */
  private async deletePods(job: Job, pods: Pod[], releaseFirst: boolean): Promise<{ deleted: number; deletedReady: number; ok: boolean }> {
    const client = this.cs.client<Pod>(RESOURCES.pods);
    let deleted = 0;
    let deletedReady = 0;
    let ok = true;
    for (const p of pods) {
      const name = p.metadata.name ?? '';
      try {
        if (releaseFirst && hasTrackingFinalizer(p)) await client.patch(p.metadata.namespace, name, 'merge', removeFinalizerPatch(p));
        await client.delete(p.metadata.namespace, name);
        this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (e) {
        if (!isNotFound(e)) {
          ok = false;
          this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : String(e)}`);
          continue;
        }
      }
      deleted++;
      if (isPodReady(p)) deletedReady++;
    }
    return { deleted, deletedReady, ok };
  }

  /** Pods of ours whose job is gone or is another object now: their finalizer would hold them forever. */
  private async releaseOrphans(namespace: string | undefined, name: string, liveUid: string | undefined): Promise<void> {
    const client = this.cs.client<Pod>(RESOURCES.pods);
    for (const p of this.cs.informer<Pod>(RESOURCES.pods).lister.list(namespace)) {
      if (!hasTrackingFinalizer(p)) continue;
      const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Job');
      if (ref ? ref.name !== name || ref.uid === liveUid : true) continue;
      try {
        await client.patch(p.metadata.namespace, p.metadata.name ?? '', 'merge', removeFinalizerPatch(p));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  private recordBackoff(key: string, newSucceeded: number, newFailed: number, now: number): void {
    const rec = this.backoff.get(key) ?? { failures: 0, lastMs: 0 };
    if (newSucceeded > 0) rec.failures = 0;
    if (newFailed > 0) {
      rec.failures += newFailed;
      rec.lastMs = now;
    }
    this.backoff.set(key, rec);
  }

  private backoffRemaining(key: string, now: number): number {
    const rec = this.backoff.get(key);
    if (!rec || rec.failures === 0) return 0;
    return Math.max(0, rec.lastMs + podFailureBackoffMs(rec.failures) - now);
  }
}

function timeOfStart(job: Job): number | undefined {
  const t = job.status?.startTime as unknown as string | undefined;
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A merge patch dropping the tracking finalizer (guarded by resourceVersion: lists are replaced whole). */
function removeFinalizerPatch(p: Pod): unknown {
  return { metadata: { resourceVersion: p.metadata.resourceVersion, finalizers: (p.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER) } };
}

/** cleanUncountedPodsWithoutFinalizers: uids whose pod lost its finalizer move into the counters. */
function cleanUncounted(status: V1JobStatus, uncounted: { succeeded: Set<string>; failed: Set<string> }, withFinalizer: Set<string>): void {
  for (const uid of [...uncounted.succeeded]) {
    if (withFinalizer.has(uid)) continue;
    uncounted.succeeded.delete(uid);
    status.succeeded = (status.succeeded ?? 0) + 1;
  }
  for (const uid of [...uncounted.failed]) {
    if (withFinalizer.has(uid)) continue;
    uncounted.failed.delete(uid);
    status.failed = (status.failed ?? 0) + 1;
  }
  writeUncounted(status, uncounted);
}

function writeUncounted(status: V1JobStatus, uncounted: { succeeded: Set<string>; failed: Set<string> }): void {
  const u: NonNullable<V1JobStatus['uncountedTerminatedPods']> = {};
  if (uncounted.succeeded.size > 0) u.succeeded = [...uncounted.succeeded];
  if (uncounted.failed.size > 0) u.failed = [...uncounted.failed];
  status.uncountedTerminatedPods = u;
}
