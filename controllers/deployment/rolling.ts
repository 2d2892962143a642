// RollingUpdate (pkg/controller/deployment/rolling.go): grow the new ReplicaSet while the total
// stays ≤ replicas + maxSurge, shrink old ones while available pods stay ≥ replicas − maxUnavailable.
// Each pass does one step (scale up, or scale down) and lets the resulting events drive the next.

import { deploymentComplete } from './conditions.js';
import type { DeploymentSync, ReplicaSet } from './sync.js';
import { availableReplicaCount, byCreation, desiredReplicas, filterActive, maxUnavailable, newRSNewReplicas, replicasOf, specReplicaCount } from './util.js';

export async function rolloutRolling(s: DeploymentSync, rsList: ReplicaSet[]): Promise<number | undefined> {
  const { newRS, oldRSs } = await s.getAllReplicaSets(rsList, true);
  const all = (): ReplicaSet[] => [...oldRSs, ...(newRS ? [newRS] : [])];

  if (newRS && (await reconcileNewReplicaSet(s, all(), newRS))) return finish(s, all(), newRS);
  if (newRS && (await reconcileOldReplicaSets(s, all(), filterActive(oldRSs), newRS))) return finish(s, all(), newRS);
  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanup(oldRSs);
  return finish(s, all(), newRS);
}

async function finish(s: DeploymentSync, sets: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<number | undefined> {
  const fresh = await s.refresh(sets);
  return s.syncRolloutStatus(fresh.all, newRS ? fresh.byUid.get(newRS.metadata.uid ?? '') : undefined);
}

/** reconcileNewReplicaSet: scale the new set toward replicas within the surge budget. */
async function reconcileNewReplicaSet(s: DeploymentSync, all: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const desired = desiredReplicas(s.d);
  if (replicasOf(newRS) === desired) return false;
  if (replicasOf(newRS) > desired) return (await s.scaleTo(newRS, desired)).scaled;
  return (await s.scaleTo(newRS, newRSNewReplicas(s.d, all, newRS))).scaled;
}

/**
 * reconcileOldReplicaSets: first drop old pods that are not available anyway (they do not count
 * toward availability), then scale old sets down as far as minAvailable allows.
 */
async function reconcileOldReplicaSets(s: DeploymentSync, all: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const oldPods = specReplicaCount(oldRSs);
  if (oldPods === 0) return false;
  const minAvailable = desiredReplicas(s.d) - maxUnavailable(s.d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicaCount(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  const { sets: cleaned, count: cleanedUp } = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOldForRollingUpdate(s, [...cleaned, newRS], cleaned);
  return cleanedUp + scaledDown > 0;
}

async function cleanupUnhealthyReplicas(s: DeploymentSync, oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ sets: ReplicaSet[]; count: number }> {
  const sets = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sets.length; i++) {
    if (total >= maxCleanup) break;
    const rs = sets[i]!;
    const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
    if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
    const n = Math.min(maxCleanup - total, unhealthy);
    sets[i] = (await s.scaleTo(rs, replicasOf(rs) - n)).rs;
    total += n;
  }
  return { sets, count: total };
}

async function scaleDownOldForRollingUpdate(s: DeploymentSync, all: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = desiredReplicas(s.d) - maxUnavailable(s.d);
  const available = availableReplicaCount(all);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    if (replicasOf(rs) === 0) continue;
    const n = Math.min(replicasOf(rs), budget - total);
    await s.scaleTo(rs, replicasOf(rs) - n);
    total += n;
  }
  return total;
}
