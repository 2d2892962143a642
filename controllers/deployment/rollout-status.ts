// kubectl's `rollout status` verdict for a Deployment
// (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go DeploymentStatusViewer),
// used by tests to check that the controller's status is what kubectl waits for.

import type { V1Deployment } from '@kubernetes/client-node';
import { getCondition, PROGRESSING, REASONS } from './conditions.js';

export function rolloutStatus(d: V1Deployment): { message: string; done: boolean; error?: string } {
  const name = d.metadata?.name ?? '';
  const s = d.status ?? {};
  if ((d.metadata?.generation ?? 0) <= (s.observedGeneration ?? 0)) {
    const cond = getCondition(s, PROGRESSING);
    if (cond?.reason === REASONS.timedOut) return { message: '', done: false, error: `deployment "${name}" exceeded its progress deadline` };
    const updated = s.updatedReplicas ?? 0;
    if (d.spec?.replicas !== undefined && updated < d.spec.replicas) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${d.spec.replicas} new replicas have been updated...\n`, done: false };
    }
    if ((s.replicas ?? 0) > updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
    }
    if ((s.availableReplicas ?? 0) < updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
    }
    return { message: `deployment "${name}" successfully rolled out\n`, done: true };
  }
  return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
}
