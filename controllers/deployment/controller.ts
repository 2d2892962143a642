// The Deployment controller (pkg/controller/deployment/deployment_controller.go syncDeployment):
// owns ReplicaSets (one per pod template, named <deployment>-<pod-template-hash>) and moves pods
// from the old ones to the new one with the Deployment's strategy.
//
// reconcile(key):
//   empty selector        → SelectingAll warning, observedGeneration only
//   claim ReplicaSets     → adopt matching orphans, release non-matching ones
//   being deleted         → status only
//   paused                → Progressing Unknown DeploymentPaused; scaling and cleanup only
//   spec.replicas changed → proportional scaling (sync.ts scale)
//   otherwise             → RollingUpdate (rolling.ts) or Recreate (recreate.ts)
// `kubectl rollout undo` needs nothing special: kubectl copies the old ReplicaSet's template into
// the Deployment, findNewReplicaSet then finds that ReplicaSet again and its revision is raised.

import type { V1Pod } from '@kubernetes/client-node';
import { isNotFound, objectKey, RESOURCES, splitKey, type ClientSet, type Clock, type EventRecorder, type KubeObject } from '../../client/types.js';
import { claimObjects } from '../common/claim.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import { controllerRefOf, newControllerRef } from '../common/owners.js';
import { selectorIsEmpty, selectorMatches } from '../common/selectors.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND, DeploymentSync, type Deployment, type ReplicaSet } from './sync.js';

type Pod = V1Pod & KubeObject;

export interface DeploymentControllerOptions {
  clock?: Clock;
  recorder?: EventRecorder;
}

export function createDeploymentController(cs: ClientSet, opts: DeploymentControllerOptions = {}): Controller {
  const clock = opts.clock ?? { now: () => Date.now() };
  const recorder = opts.recorder ?? cs.recorder('deployment-controller');
  const dInformer = cs.informer<Deployment>(RESOURCES.deployments);
  const rsInformer = cs.informer<ReplicaSet>(RESOURCES.replicasets);
  const podInformer = cs.informer<Pod>(RESOURCES.pods);
  const deployments = cs.client<Deployment>(RESOURCES.deployments);
  const replicaSets = cs.client<ReplicaSet>(RESOURCES.replicasets);

  function resolveDeployment(namespace: string | undefined, obj: KubeObject): Deployment | undefined {
    const ref = controllerRefOf(obj);
    if (!ref || ref.kind !== DEPLOYMENT_KIND) return undefined;
    const d = dInformer.lister.get(namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  function deploymentsSelecting(rs: ReplicaSet): Deployment[] {
    return dInformer.lister
      .list(rs.metadata.namespace)
      .filter((d) => !selectorIsEmpty(d.spec?.selector) && selectorMatches(d.spec?.selector, rs.metadata.labels));
  }

  function register(cs2: ClientSet, enqueue: (key: string) => void): void {
    cs2.informer<Deployment>(RESOURCES.deployments).addHandler({
      onAdd: (d) => enqueue(objectKey(d)),
      onUpdate: (_o, d) => enqueue(objectKey(d)),
      onDelete: (d) => enqueue(objectKey(d)),
    });
    const enqueueOwner = (rs: ReplicaSet): boolean => {
      const d = resolveDeployment(rs.metadata.namespace, rs);
      if (d) enqueue(objectKey(d));
      return !!controllerRefOf(rs);
    };
    cs2.informer<ReplicaSet>(RESOURCES.replicasets).addHandler({
      onAdd: (rs) => {
        if (enqueueOwner(rs)) return;
        for (const d of deploymentsSelecting(rs)) enqueue(objectKey(d));
      },
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        const refChanged = controllerRefOf(old)?.uid !== controllerRefOf(cur)?.uid;
        if (refChanged) enqueueOwner(old);
        if (enqueueOwner(cur)) return;
        const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
        if (labelsChanged || refChanged) for (const d of deploymentsSelecting(cur)) enqueue(objectKey(d));
      },
      onDelete: (rs) => void enqueueOwner(rs),
    });
    // Recreate waits for old pods to be gone: their deletion is the signal to go on.
    cs2.informer<Pod>(RESOURCES.pods).addHandler({
      onDelete: (pod) => {
        const ref = controllerRefOf(pod);
        if (!ref || ref.kind !== 'ReplicaSet') return;
        const rs = rsInformer.lister.get(pod.metadata.namespace, ref.name);
        if (!rs || rs.metadata.uid !== ref.uid) return;
        const d = resolveDeployment(rs.metadata.namespace, rs);
        if (d && d.spec?.strategy?.type === 'Recreate') enqueue(objectKey(d));
      },
    });
  }

  async function reconcile(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = dInformer.lister.get(namespace, name);
    if (!cached) return;
    const s = new DeploymentSync(cached, { deployments, replicaSets, recorder, clock });
    const d = s.d;
    const selector = d.spec?.selector;
    if (!selector || selectorIsEmpty(selector)) {
      s.event('Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await s.writeStatus({ ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      return;
    }

    const rsList = await claimObjects(rsInformer.lister.list(namespace), {
      owner: d,
      controllerRef: newControllerRef(d, DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND),
      matches: (rs) => selectorMatches(selector, rs.metadata.labels),
      client: replicaSets,
      canAdopt: async () => {
        try {
          const fresh = await deployments.get(namespace, name);
          return fresh.metadata.uid === d.metadata.uid && !fresh.metadata.deletionTimestamp;
        } catch (e) {
          if (isNotFound(e)) return false;
          throw e;
        }
      },
    });

    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await s.getAllReplicaSets(rsList, false);
      await s.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS);
      return;
    }

    await s.checkPausedConditions();
    if (s.d.spec?.paused) return void (await s.syncScaling(rsList));
    if (await s.isScalingEvent(rsList)) return void (await s.syncScaling(rsList));

    let requeue: number | undefined;
    if (s.d.spec?.strategy?.type === 'Recreate') {
      requeue = await rolloutRecreate(s, rsList, podsByReplicaSet(s.d, rsList));
    } else {
      requeue = await rolloutRolling(s, rsList);
    }
    return requeue === undefined ? undefined : { requeueAfterMs: requeue };
  }

  /** getPodMapForDeployment: the Deployment's pods grouped by the uid of the ReplicaSet controlling them. */
  function podsByReplicaSet(d: Deployment, rsList: ReplicaSet[]): Map<string, V1Pod[]> {
    const map = new Map<string, V1Pod[]>(rsList.map((rs) => [rs.metadata.uid ?? '', []]));
    for (const pod of podInformer.lister.list(d.metadata.namespace)) {
      if (!selectorMatches(d.spec?.selector, pod.metadata.labels)) continue;
      const ref = controllerRefOf(pod);
      if (ref && map.has(ref.uid)) map.get(ref.uid)!.push(pod);
    }
    return map;
  }

  return {
    name: 'deployment',
    watches: [RESOURCES.deployments, RESOURCES.replicasets, RESOURCES.pods],
    register,
    reconcile,
  };
}
