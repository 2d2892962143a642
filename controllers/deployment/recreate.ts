// Recreate (pkg/controller/deployment/recreate.go): scale every old ReplicaSet to 0, wait until
// none of their pods is left running, then create/scale the new ReplicaSet to replicas.

import type { V1Pod } from '@kubernetes/client-node';
import { deploymentComplete } from './conditions.js';
import type { DeploymentSync, ReplicaSet } from './sync.js';
import { actualReplicaCount, desiredReplicas, filterActive } from './util.js';

export async function rolloutRecreate(s: DeploymentSync, rsList: ReplicaSet[], podsByRs: Map<string, V1Pod[]>): Promise<number | undefined> {
  let { newRS, oldRSs } = await s.getAllReplicaSets(rsList, false);
  const finish = async (): Promise<number | undefined> => {
    const fresh = await s.refresh([...oldRSs, ...(newRS ? [newRS] : [])]);
    return s.syncRolloutStatus(fresh.all, newRS ? fresh.byUid.get(newRS.metadata.uid ?? '') : undefined);
  };

  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await s.scaleTo(rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown) return finish();
  if (oldPodsRunning(newRS, oldRSs, podsByRs)) return finish();

  if (!newRS) ({ newRS, oldRSs } = await s.getAllReplicaSets(rsList, true));
  if (newRS) await s.scaleTo(newRS, desiredReplicas(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanup(oldRSs);
  return finish();
}

/** oldPodsRunning: old sets still report pods, or a pod of an old set is not finished yet. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podsByRs: Map<string, V1Pod[]>): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByRs) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

