// One reconcile pass over one Deployment (pkg/controller/deployment/sync.go and progress.go): the
// working copy of the Deployment, its ReplicaSets, and the operations the rollout strategies
// (rolling.ts, recreate.ts) compose: find/create the new ReplicaSet, scale with events,
// proportional scaling, history cleanup, status and conditions.
//
// Writes go through the clients; every write's answer replaces the working copy, so a pass that
// writes twice (e.g. a revision bump, then status) does not conflict with itself.

import type { V1Deployment, V1DeploymentStatus, V1ReplicaSet } from '@kubernetes/client-node';
import { isAlreadyExists, isNotFound, timeOf, type Clock, type EventRecorder, type KubeObject, type ResourceClient } from '../../client/types.js';
import { withKind } from '../common/batch.js';
import { controllerRefOf, newControllerRef } from '../common/owners.js';
import {
  AVAILABLE,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  MESSAGES,
  newCondition,
  PROGRESSING,
  REASONS,
  removeCondition,
  REPLICA_FAILURE,
  replicaFailure,
  setCondition,
} from './conditions.js';
import { computeHash } from './hash.js';
import {
  actualReplicaCount,
  availableReplicaCount,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  desiredReplicas,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  filterActive,
  findActiveOrLatest,
  findNewReplicaSet,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  POD_TEMPLATE_HASH_LABEL,
  proportion,
  readyReplicaCount,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  REVISION_ANNOTATION,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicaCount,
} from './util.js';

export type Deployment = V1Deployment & KubeObject;
export type ReplicaSet = V1ReplicaSet & KubeObject;

export const DEPLOYMENT_API_VERSION = 'apps/v1';
export const DEPLOYMENT_KIND = 'Deployment';

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface SyncDeps {
  deployments: ResourceClient<Deployment>;
  replicaSets: ResourceClient<ReplicaSet>;
  recorder: EventRecorder;
  clock: Clock;
}

export class DeploymentSync {
  /** The working copy; replaced by the apiserver's answer after each write. */
  d: Deployment;

  constructor(
    d: Deployment,
    private readonly deps: SyncDeps,
  ) {
    this.d = copy(d);
  }

  get now(): number {
    return this.deps.clock.now();
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.recorder.event(withKind(this.d, DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND), type, reason, message);
  }

  async writeStatus(status: V1DeploymentStatus): Promise<void> {
    this.d = await this.deps.deployments.updateStatus({ ...this.d, status });
  }

  /**
   * The Deployment's revision annotation. Kubernetes writes it in the same UpdateStatus call (its
   * status strategy lets annotations through); a merge patch of the main resource keeps that
   * working whatever a status strategy resets, and does not bump generation.
   */
  private async setDeploymentRevision(revision: string): Promise<void> {
    if (this.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
    const patched = await this.deps.deployments.patch(this.d.metadata.namespace, this.d.metadata.name ?? '', 'merge', { metadata: { annotations: { [REVISION_ANNOTATION]: revision } } });
    this.d = { ...this.d, metadata: { ...this.d.metadata, annotations: patched.metadata.annotations, resourceVersion: patched.metadata.resourceVersion } };
  }

  // ---- new and old ReplicaSets ------------------------------------------------------------------

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (template equal to the Deployment's,
   * created when asked and missing) with its revision raised above every old one, and the old ones.
   */
  async getAllReplicaSets(listed: ReplicaSet[], createIfMissing: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    // Prefer what this pass already wrote over the (older) cached objects.
    const rsList = listed.map((rs) => this.latest.get(rs.metadata.uid ?? '') ?? rs);
    const existing = findNewReplicaSet(this.d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const newRS = await this.getNewReplicaSet(existing, oldRSs, createIfMissing);
    return { newRS, oldRSs };
  }

  private async getNewReplicaSet(existing: ReplicaSet | undefined, oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const newRevision = String(maxRevision(oldRSs) + 1);
    if (existing) {
      const rsCopy = copy(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReadyChanged = (rsCopy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyChanged) {
        rsCopy.spec!.minReadySeconds = d.spec?.minReadySeconds ?? 0;
        // Kubernetes returns right after this update; the Deployment's revision follows next pass.
        const updated = await this.deps.replicaSets.update(rsCopy);
        this.latest.set(updated.metadata.uid ?? '', updated);
        return updated;
      }
      await this.setDeploymentRevision(rsCopy.metadata.annotations?.[REVISION_ANNOTATION] ?? newRevision);
      if (hasProgressDeadline(d) && !getCondition(this.d.status, PROGRESSING)) {
        const status = copy(this.d.status ?? {});
        setCondition(status, newCondition(PROGRESSING, 'True', REASONS.foundNewReplicaSet, MESSAGES.found(rsCopy.metadata.name ?? ''), this.now));
        await this.writeStatus(status);
      }
      return rsCopy;
    }
    if (!create) return undefined;

    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const template = copy(d.spec!.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = copy(d.spec!.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const newRS: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [newControllerRef(d, DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND)],
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = count;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await this.deps.replicaSets.create(d.metadata.namespace, newRS);
    } catch (e) {
      if (isAlreadyExists(e)) {
        alreadyExists = true;
        const found = await this.deps.replicaSets.get(d.metadata.namespace, newRS.metadata.name ?? '');
        const ref = controllerRefOf(found);
        if (!(ref && ref.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, found.spec?.template))) {
          // A hash collision: another template (or owner) has this name. Bump collisionCount so the
          // next pass computes a different hash, and retry.
          const status = copy(this.d.status ?? {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.writeStatus(status);
          throw e;
        }
        created = found;
      } else {
        const msg = MESSAGES.failedCreate(newRS.metadata.name ?? '', errorText(e));
        if (hasProgressDeadline(d)) {
          const status = copy(this.d.status ?? {});
          setCondition(status, newCondition(PROGRESSING, 'False', REASONS.failedReplicaSetCreate, msg, this.now));
          await this.writeStatus(status).catch(() => undefined);
        }
        this.event('Warning', REASONS.failedReplicaSetCreate, msg);
        throw e;
      }
    }
    if (!alreadyExists && count > 0) this.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${count}`);
    await this.setDeploymentRevision(newRevision);
    if (!alreadyExists && hasProgressDeadline(d)) {
      const status = copy(this.d.status ?? {});
      setCondition(status, newCondition(PROGRESSING, 'True', REASONS.newReplicaSet, MESSAGES.created(created.metadata.name ?? ''), this.now));
      await this.writeStatus(status);
    }
    return created;
  }

  // ---- scaling ----------------------------------------------------------------------------------

  /** scaleReplicaSet: sets replicas and the replicas annotations; the event only when the size changed. */
  async scaleReplicaSet(rs: ReplicaSet, newScale: number, operation: 'up' | 'down' | ''): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const d = this.d;
    const max = desiredReplicas(d) + maxSurge(d);
    const sizeNeedsUpdate = replicasOf(rs) !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desiredReplicas(d), max)) return { scaled: false, rs };
    const oldScale = replicasOf(rs);
    const rsCopy = copy(rs);
    rsCopy.spec!.replicas = newScale;
    setReplicasAnnotations(rsCopy, desiredReplicas(d), max);
    const updated = await this.deps.replicaSets.update(rsCopy);
    this.latest.set(updated.metadata.uid ?? '', updated);
    if (sizeNeedsUpdate) this.event('Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /** scaleReplicaSetAndRecordEvent. */
  async scaleTo(rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (replicasOf(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, replicasOf(rs) < newScale ? 'up' : 'down');
  }

  /**
   * scale: a scaling event (spec.replicas changed) or a paused Deployment. One active set takes
   * the whole count; a saturated new set means the old ones go to 0; otherwise (rolling update
   * mid-rollout) the difference is spread over the active sets in proportion to their size.
   */
  async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const desired = desiredReplicas(d);
    const single = findActiveOrLatest(newRS, oldRSs);
    if (single) {
      if (replicasOf(single) !== desired) await this.scaleTo(single, desired);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActive(oldRSs)) await this.scaleTo(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = filterActive([...oldRSs, newRS]);
    const allowed = desired > 0 ? desired + maxSurge(d) : 0;
    const toAdd = allowed - specReplicaCount(all);
    let operation: 'up' | 'down' | '' = '';
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      operation = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<ReplicaSet, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added);
        sizes.set(rs, replicasOf(rs) + p);
        added += p;
      } else sizes.set(rs, replicasOf(rs));
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i]!;
      // Leftovers (rounding) go to the largest set.
      if (i === 0 && toAdd !== 0) sizes.set(rs, Math.max(0, sizes.get(rs)! + toAdd - added));
      await this.scaleReplicaSet(rs, sizes.get(rs)!, operation);
    }
  }

  /** isScalingEvent: an active set's desired-replicas annotation disagrees with spec.replicas. */
  async isScalingEvent(rsList: ReplicaSet[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSets(rsList, false);
    return filterActive([...oldRSs, newRS]).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== desiredReplicas(this.d);
    });
  }

  /** cleanupDeployment: delete the oldest old sets beyond revisionHistoryLimit, only when fully scaled down. */
  async cleanup(oldRSs: ReplicaSet[]): Promise<void> {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.deps.replicaSets.delete(rs.metadata.namespace, rs.metadata.name ?? '');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  // ---- status -----------------------------------------------------------------------------------

  calculateStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): V1DeploymentStatus {
    const d = this.d;
    const available = availableReplicaCount(allRSs);
    const status: V1DeploymentStatus = {
      observedGeneration: d.metadata.generation,
      replicas: actualReplicaCount(allRSs),
      updatedReplicas: actualReplicaCount([newRS]),
      readyReplicas: readyReplicaCount(allRSs),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, specReplicaCount(allRSs) - available),
    };
    if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
    if (d.status?.conditions?.length) status.conditions = copy(d.status.conditions);
    if (available >= desiredReplicas(d) - maxUnavailable(d)) {
      setCondition(status, newCondition(AVAILABLE, 'True', REASONS.minimumReplicasAvailable, MESSAGES.available, this.now));
    } else {
      setCondition(status, newCondition(AVAILABLE, 'False', REASONS.minimumReplicasUnavailable, MESSAGES.unavailable, this.now));
    }
    return status;
  }

  /** syncDeploymentStatus: status without progress estimation (scaling, paused, deleting). */
  async syncDeploymentStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const status = this.calculateStatus(allRSs, newRS);
    if (!sameStatus(this.d.status, status)) await this.writeStatus(status);
  }

  /**
   * syncRolloutStatus: status plus the Progressing condition (complete / progressing / timed out)
   * and ReplicaFailure copied from the ReplicaSets. Returns when to look again for the deadline.
   */
  async syncRolloutStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<number | undefined> {
    const d = this.d;
    const status = this.calculateStatus(allRSs, newRS);
    if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
    const current = getCondition(d.status, PROGRESSING);
    const isComplete = status.replicas === status.updatedReplicas && current?.reason === REASONS.newReplicaSetAvailable;
    const rsName = newRS?.metadata.name;
    const name = d.metadata.name ?? '';
    if (hasProgressDeadline(d) && !isComplete) {
      if (deploymentComplete(d, status)) {
        setCondition(status, newCondition(PROGRESSING, 'True', REASONS.newReplicaSetAvailable, MESSAGES.complete(rsName, name), this.now));
      } else if (deploymentProgressing(d, status)) {
        const cond = newCondition(PROGRESSING, 'True', REASONS.replicaSetUpdated, MESSAGES.progressing(rsName, name), this.now);
        // Refresh lastUpdateTime (the deadline counts from it) but keep lastTransitionTime while True.
        if (current) {
          if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
          removeCondition(status, PROGRESSING);
        }
        setCondition(status, cond);
      } else if (deploymentTimedOut(d, status, this.now)) {
        setCondition(status, newCondition(PROGRESSING, 'False', REASONS.timedOut, MESSAGES.timedOut(rsName, name), this.now));
      }
    }
    const failure = replicaFailure(newRS, allRSs);
    if (failure) setCondition(status, failure);
    else removeCondition(status, REPLICA_FAILURE);
    if (sameStatus(d.status, status)) return this.requeueStuck(status);
    await this.writeStatus(status);
    return undefined;
  }

  /** requeueStuckDeployment: when the progress deadline would pass if nothing else happens. */
  private requeueStuck(status: V1DeploymentStatus): number | undefined {
    const d = this.d;
    const cond = getCondition(status, PROGRESSING);
    if (!hasProgressDeadline(d) || !cond) return undefined;
    if (deploymentComplete(d, status) || cond.reason === REASONS.timedOut) return undefined;
    const from = timeOf(cond.lastUpdateTime) ?? this.now;
    const after = from + (d.spec!.progressDeadlineSeconds ?? 0) * 1000 - this.now;
    return after < 1000 ? 1000 : after + 1000;
  }

  /** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
  async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, PROGRESSING);
    // A reported lack of progress is not overwritten by a pause.
    if (cond?.reason === REASONS.timedOut) return;
    const pausedExists = cond?.reason === REASONS.paused;
    const status = copy(d.status ?? {});
    if (d.spec?.paused && !pausedExists) {
      setCondition(status, newCondition(PROGRESSING, 'Unknown', REASONS.paused, MESSAGES.paused, this.now));
    } else if (!d.spec?.paused && pausedExists) {
      setCondition(status, newCondition(PROGRESSING, 'Unknown', REASONS.resumed, MESSAGES.resumed, this.now));
    } else return;
    await this.writeStatus(status);
  }

  /** sync: scaling and paused Deployments — no new ReplicaSet, no rollout progress. */
  async syncScaling(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSets(rsList, false);
    await this.scale(newRS, oldRSs);
    if (this.d.spec?.paused) await this.cleanup(oldRSs);
    const fresh = await this.refresh([...oldRSs, ...(newRS ? [newRS] : [])]);
    await this.syncDeploymentStatus(fresh.all, fresh.byUid.get(newRS?.metadata.uid ?? ''));
  }

  /**
   * Re-reads the ReplicaSets just scaled so status counts see their new spec (Kubernetes' pointers
   * are updated in place by its update calls; here the objects were replaced).
   */
  async refresh(sets: ReplicaSet[]): Promise<{ all: ReplicaSet[]; byUid: Map<string, ReplicaSet> }> {
    const byUid = new Map<string, ReplicaSet>();
    for (const rs of sets) byUid.set(rs.metadata.uid ?? '', this.latest.get(rs.metadata.uid ?? '') ?? rs);
    return { all: [...byUid.values()], byUid };
  }

  /** The newest version of each ReplicaSet this pass wrote, by uid. */
  readonly latest = new Map<string, ReplicaSet>();
}

/** Status equality ignoring key order (Kubernetes: reflect.DeepEqual). */
export function sameStatus(a: V1DeploymentStatus | undefined, b: V1DeploymentStatus): boolean {
  const norm = (s: V1DeploymentStatus | undefined) =>
    JSON.stringify({
      observedGeneration: s?.observedGeneration ?? 0,
      replicas: s?.replicas ?? 0,
      updatedReplicas: s?.updatedReplicas ?? 0,
      readyReplicas: s?.readyReplicas ?? 0,
      availableReplicas: s?.availableReplicas ?? 0,
      unavailableReplicas: s?.unavailableReplicas ?? 0,
      collisionCount: s?.collisionCount,
      conditions: (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message, String(c.lastUpdateTime), String(c.lastTransitionTime)]),
    });
  return norm(a) === norm(b);
}
