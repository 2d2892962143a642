import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isPodReady } from '../common/pods.js';
import { getCondition } from './conditions.js';
import { rolloutStatus } from './rollout-status.js';
import { deployment, Sim, type RS } from './testing.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION } from './util.js';

const byRevision = (sim: Sim, rev: string): RS => sim.replicaSets().find((r) => r.metadata.annotations?.[REVISION_ANNOTATION] === rev)!;
const setImage = (image: string) => (d: import('./testing.js').D) => {
  d.spec!.template!.spec!.containers[0]!.image = image;
};

describe('Deployment controller', () => {
  it('first rollout: one ReplicaSet named after the template hash, pods, conditions and rollout status', async () => {
    const sim = new Sim([deployment('web', 3)]);
    await sim.settle();
    const [rs] = sim.replicaSets();
    expect(sim.replicaSets()).toHaveLength(1);
    const hash = rs!.metadata.labels![POD_TEMPLATE_HASH_LABEL]!;
    expect(hash).toMatch(/^[4-9bcdf]{1,10}$/);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.spec!.selector.matchLabels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs!.spec!.template!.metadata!.labels).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash });
    expect(rs!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    expect(rs!.metadata.annotations).toEqual({ [REVISION_ANNOTATION]: '1', [DESIRED_REPLICAS_ANNOTATION]: '3', [MAX_REPLICAS_ANNOTATION]: '4' });
    expect(sim.deployment().metadata.annotations?.[REVISION_ANNOTATION]).toBe('1');
    expect(sim.pods()).toHaveLength(3);
    expect(sim.scaledEvents()).toEqual([`Scaled up replica set ${rs!.metadata.name} from 0 to 3`]);

    let d = sim.deployment();
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 3 });
    expect(getCondition(d.status, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    expect(getCondition(d.status, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs!.metadata.name}" is progressing.` });
    expect(rolloutStatus(d).message).toBe('Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...\n');

    await sim.makeReady();
    d = sim.deployment();
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status?.unavailableReplicas ?? 0).toBe(0);
    expect(getCondition(d.status, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(getCondition(d.status, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs!.metadata.name}" has successfully progressed.` });
    expect(rolloutStatus(d)).toEqual({ message: 'deployment "web" successfully rolled out\n', done: true });
  });

  it('NewReplicaSetCreated is the Progressing reason right after creating the ReplicaSet', async () => {
    const sim = new Sim([deployment('web', 2)]);
    await sim.dc.reconcile('default/web');
    const rs = sim.replicaSets()[0]!;
    expect(getCondition(sim.deployment().status, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rs.metadata.name}"` });
  });

  for (const strategy of [
    { maxSurge: 1, maxUnavailable: 1, replicas: 4 },
    { maxSurge: 0, maxUnavailable: 1, replicas: 3 },
    { maxSurge: 2, maxUnavailable: 0, replicas: 5 },
    { maxSurge: '25%', maxUnavailable: '25%', replicas: 10 },
    { maxSurge: '0%', maxUnavailable: '0%', replicas: 2 },
  ]) {
    it(`rolling update surge=${strategy.maxSurge} unavailable=${strategy.maxUnavailable} replicas=${strategy.replicas} stays within its bounds at every step`, async () => {
      const { replicas } = strategy;
      const sim = new Sim([deployment('web', replicas, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: strategy.maxSurge, maxUnavailable: strategy.maxUnavailable } } })]);
      await sim.settle();
      await sim.makeReady();
      expect(rolloutStatus(sim.deployment()).done).toBe(true);

      const pct = (v: number | string, up: boolean) => (typeof v === 'number' ? v : (up ? Math.ceil : Math.floor)((parseInt(v) * replicas) / 100));
      const surge = pct(strategy.maxSurge, true);
      const unavailable = surge === 0 && pct(strategy.maxUnavailable, false) === 0 ? 1 : pct(strategy.maxUnavailable, false);
      let maxSeen = 0;
      let minAvailableSeen = Infinity;
      sim.check = () => {
        const specTotal = sim.replicaSets().reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
        maxSeen = Math.max(maxSeen, specTotal, sim.pods().length);
        minAvailableSeen = Math.min(minAvailableSeen, sim.readyPods().length);
        expect(specTotal).toBeLessThanOrEqual(replicas + surge);
        expect(sim.pods().length).toBeLessThanOrEqual(replicas + surge);
        expect(sim.readyPods().length).toBeGreaterThanOrEqual(replicas - unavailable);
      };
      await sim.edit(setImage('nginx:2'));
      let steps = 0;
      while (!rolloutStatus(sim.deployment()).done) {
        expect(await sim.makeReady()).toBeGreaterThan(0); // each step must leave something to make ready
        if (++steps > 50) throw new Error('rollout does not finish');
      }
      expect(steps).toBeGreaterThan(replicas > 2 ? 1 : 0);
      expect(maxSeen).toBe(replicas + surge); // it does use the surge budget...
      expect(minAvailableSeen).toBe(replicas - unavailable); // ...and the unavailability budget
      const newRS = byRevision(sim, '2');
      const oldRS = byRevision(sim, '1');
      expect(newRS.spec!.replicas).toBe(replicas);
      expect(oldRS.spec!.replicas).toBe(0);
      expect(sim.pods().every((p) => p.spec!.containers[0]!.image === 'nginx:2')).toBe(true);
      expect(sim.deployment().metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
      expect(getCondition(sim.deployment().status, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
      expect(sim.errors).toEqual([]); // no self-inflicted conflicts
    });
  }

  it('rolling update events: scale up the new set, scale down the old one, in Kubernetes wording', async () => {
    const sim = new Sim([deployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } })]);
    await sim.settle();
    await sim.makeReady();
    await sim.edit(setImage('nginx:2'));
    const oldName = byRevision(sim, '1').metadata.name;
    const newName = byRevision(sim, '2').metadata.name;
    expect(sim.scaledEvents().slice(1, 4)).toEqual([`Scaled up replica set ${newName} from 0 to 1`, `Scaled down replica set ${oldName} from 4 to 3`, `Scaled up replica set ${newName} from 1 to 2`]);
    expect(rolloutStatus(sim.deployment()).message).toBe('Waiting for deployment "web" rollout to finish: 2 out of 4 new replicas have been updated...\n');
  });

  it('Recreate: old pods are all gone before any new pod exists', async () => {
    const sim = new Sim([deployment('web', 3, { strategy: { type: 'Recreate' } })]);
    await sim.settle();
    await sim.makeReady();
    const oldRS = sim.replicaSets()[0]!;
    sim.check = () => {
      const newPods = sim.pods().filter((p) => p.metadata.ownerReferences?.[0]?.uid !== oldRS.metadata.uid);
      if (newPods.length) expect(sim.podsOf(oldRS)).toEqual([]);
    };
    await sim.edit(setImage('nginx:2'));
    const newRS = byRevision(sim, '2');
    expect(newRS.spec!.replicas).toBe(3);
    expect(sim.podsOf(newRS)).toHaveLength(3);
    expect(sim.scaledEvents().slice(1)).toEqual([`Scaled down replica set ${oldRS.metadata.name} from 3 to 0`, `Scaled up replica set ${newRS.metadata.name} from 0 to 3`]);
    await sim.makeReady();
    expect(rolloutStatus(sim.deployment()).done).toBe(true);
  });

  it('Recreate waits while an old pod is still terminating', async () => {
    const sim = new Sim([deployment('web', 1, { strategy: { type: 'Recreate' } })]);
    await sim.settle();
    const oldRS = sim.replicaSets()[0]!;
    // Old set scaled down and its status says 0, but a pod of it still runs (e.g. not yet killed).
    const { oldPodsRunning } = await import('./recreate.js');
    const pod = sim.podsOf(oldRS)[0]!;
    const map = new Map([[oldRS.metadata.uid!, [pod]]]);
    expect(oldPodsRunning(undefined, [{ ...oldRS, status: { replicas: 0 } }], map)).toBe(true);
    expect(oldPodsRunning(undefined, [{ ...oldRS, status: { replicas: 0 } }], new Map([[oldRS.metadata.uid!, [{ ...pod, status: { phase: 'Succeeded' } }]]]))).toBe(false);
    expect(oldPodsRunning(undefined, [{ ...oldRS, status: { replicas: 1 } }], new Map())).toBe(true);
  });

  it('rollback (kubectl rollout undo) reuses the old ReplicaSet and raises its revision', async () => {
    const sim = new Sim([deployment('web', 2)]);
    await sim.settle();
    await sim.makeReady();
    const v1 = sim.replicaSets()[0]!;
    await sim.edit(setImage('nginx:2'));
    while (!rolloutStatus(sim.deployment()).done) await sim.makeReady();
    expect(sim.replicaSets()).toHaveLength(2);
    // kubectl undo: the Deployment's template becomes v1's, minus pod-template-hash.
    await sim.edit((d) => {
      const t = JSON.parse(JSON.stringify(v1.spec!.template)) as V1PodTemplateSpec;
      delete t.metadata!.labels![POD_TEMPLATE_HASH_LABEL];
      d.spec!.template = t;
    });
    while (!rolloutStatus(sim.deployment()).done) await sim.makeReady();
    expect(sim.replicaSets()).toHaveLength(2);
    const reused = sim.replicaSets().find((r) => r.metadata.uid === v1.metadata.uid)!;
    expect(reused.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect(reused.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('1');
    expect(reused.spec!.replicas).toBe(2);
    expect(sim.deployment().metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect(sim.pods().every((p) => p.spec!.containers[0]!.image === 'nginx:1')).toBe(true);
    expect(sim.errors).toEqual([]);
  });

  it('revisionHistoryLimit deletes the oldest fully scaled-down ReplicaSets once the rollout completes', async () => {
    const sim = new Sim([deployment('web', 1, { revisionHistoryLimit: 1 })]);
    await sim.settle();
    await sim.makeReady();
    for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
      await sim.edit(setImage(image));
      while (!rolloutStatus(sim.deployment()).done) await sim.makeReady();
      sim.resync();
      await sim.settle();
    }
    const revisions = sim.replicaSets().map((r) => r.metadata.annotations?.[REVISION_ANNOTATION]).sort();
    expect(revisions).toEqual(['3', '4']);
  });

  it('paused: no rollout while paused, Progressing Unknown DeploymentPaused, then DeploymentResumed and the rollout', async () => {
    const sim = new Sim([deployment('web', 2)]);
    await sim.settle();
    await sim.makeReady();
    await sim.edit((d) => void (d.spec!.paused = true));
    expect(getCondition(sim.deployment().status, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    await sim.edit(setImage('nginx:2'));
    expect(sim.replicaSets()).toHaveLength(1);
    expect(sim.deployment().status?.observedGeneration).toBe(3);
    // Scaling still works while paused.
    await sim.edit((d) => void (d.spec!.replicas = 3));
    expect(sim.replicaSets()[0]!.spec!.replicas).toBe(3);

    await sim.edit((d) => void (d.spec!.paused = false));
    expect(sim.cluster.actions.some((a) => a.verb === 'updateStatus' && a.resource === 'deployments' && JSON.stringify(a.object).includes('"reason":"DeploymentResumed","message":"Deployment is resumed"'))).toBe(true);
    expect(sim.replicaSets()).toHaveLength(2);
    while (!rolloutStatus(sim.deployment()).done) await sim.makeReady();
    expect(getCondition(sim.deployment().status, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('progressDeadlineSeconds: a stuck rollout turns Progressing False ProgressDeadlineExceeded', async () => {
    const sim = new Sim([deployment('web', 2, { progressDeadlineSeconds: 60 })]);
    await sim.settle();
    await sim.makeReady();
    await sim.edit(setImage('nginx:broken'));
    const result = await sim.dc.reconcile('default/web');
    expect(result).toEqual({ requeueAfterMs: 61_000 });
    sim.cluster.nowMs += 61_000;
    await sim.dc.reconcile('default/web');
    const d = sim.deployment();
    const newName = byRevision(sim, '2').metadata.name;
    expect(getCondition(d.status, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newName}" has timed out progressing.` });
    expect(rolloutStatus(d).error).toBe('deployment "web" exceeded its progress deadline');
    // Progress afterwards clears it again.
    await sim.makeReady();
    while (!rolloutStatus(sim.deployment()).done) await sim.makeReady();
    expect(getCondition(sim.deployment().status, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('proportional scaling mid-rollout splits new replicas by size (Kubernetes docs: 10 → 15 gives +3 old, +2 new)', async () => {
    const sim = new Sim([deployment('web', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } })]);
    await sim.settle();
    await sim.makeReady();
    await sim.edit(setImage('nginx:broken'));
    expect([byRevision(sim, '1').spec!.replicas, byRevision(sim, '2').spec!.replicas]).toEqual([8, 5]);
    await sim.edit((d) => void (d.spec!.replicas = 15));
    const oldRS = byRevision(sim, '1');
    const newRS = byRevision(sim, '2');
    expect([oldRS.spec!.replicas, newRS.spec!.replicas]).toEqual([11, 7]);
    expect(oldRS.metadata.annotations).toMatchObject({ [DESIRED_REPLICAS_ANNOTATION]: '15', [MAX_REPLICAS_ANNOTATION]: '18' });
    expect(sim.scaledEvents().slice(-2)).toEqual([`Scaled up replica set ${oldRS.metadata.name} from 8 to 11`, `Scaled up replica set ${newRS.metadata.name} from 5 to 7`]);
  });

  it('scaling a finished Deployment scales its one ReplicaSet', async () => {
    const sim = new Sim([deployment('web', 2)]);
    await sim.settle();
    await sim.makeReady();
    await sim.edit((d) => void (d.spec!.replicas = 5));
    const rs = sim.replicaSets()[0]!;
    expect(rs.spec!.replicas).toBe(5);
    expect(sim.scaledEvents().at(-1)).toBe(`Scaled up replica set ${rs.metadata.name} from 2 to 5`);
    await sim.edit((d) => void (d.spec!.replicas = 1));
    expect(sim.scaledEvents().at(-1)).toBe(`Scaled down replica set ${rs.metadata.name} from 5 to 1`);
    expect(sim.pods()).toHaveLength(1);
    expect(isPodReady(sim.pods()[0]!)).toBe(true);
  });

  it('adopts an orphan ReplicaSet whose labels match and releases one that stopped matching', async () => {
    const sim = new Sim([deployment('web', 1)]);
    await sim.settle();
    const rs = sim.replicaSets()[0]!;
    const client = sim.cluster.client<RS>({ group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' });
    await client.patch('default', rs.metadata.name!, 'merge', { metadata: { ownerReferences: null } });
    await sim.settle();
    expect(sim.replicaSets()[0]!.metadata.ownerReferences?.[0]?.uid).toBe('uid-web');
    expect(sim.replicaSets()).toHaveLength(1);
    await client.patch('default', rs.metadata.name!, 'merge', { metadata: { labels: { app: 'other' } } });
    await sim.settle();
    const released = sim.replicaSets().find((r) => r.metadata.uid === rs.metadata.uid)!;
    expect(released.metadata.ownerReferences).toBeUndefined();
    // The replacement would have the released set's name: a hash collision, resolved by collisionCount.
    expect(sim.deployment().status?.collisionCount).toBe(1);
    const replacement = sim.replicaSets().find((r) => r.metadata.uid !== rs.metadata.uid)!;
    expect(replacement.metadata.name).not.toBe(rs.metadata.name);
    expect(replacement.metadata.ownerReferences?.[0]?.uid).toBe('uid-web');
    expect(replacement.spec!.replicas).toBe(1);
  });

  it('copies a ReplicaSet ReplicaFailure condition to the Deployment, and drops it when it clears', async () => {
    const sim = new Sim([deployment('web', 1)]);
    await sim.settle();
    const rs = sim.replicaSets()[0]!;
    const client = sim.cluster.client<RS>({ group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' });
    const cond = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-x" is forbidden: exceeded quota', lastTransitionTime: '2026-01-01T00:00:00Z' as unknown as Date };
    await client.updateStatus({ ...rs, metadata: { ...rs.metadata, resourceVersion: undefined }, status: { replicas: 0, ...rs.status, conditions: [cond] } });
    await sim.dc.reconcile('default/web');
    expect(getCondition(sim.deployment().status, 'ReplicaFailure')).toEqual({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-x" is forbidden: exceeded quota', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' });
    const cur = sim.replicaSets()[0]!;
    await client.updateStatus({ ...cur, status: { replicas: 0, ...cur.status, conditions: undefined } });
    await sim.dc.reconcile('default/web');
    expect(getCondition(sim.deployment().status, 'ReplicaFailure')).toBeUndefined();
  });

  it('an empty selector only warns', async () => {
    const sim = new Sim([deployment('web', 1, { selector: {} })]);
    await sim.settle();
    expect(sim.replicaSets()).toEqual([]);
    expect(sim.cluster.events.length).toBeGreaterThan(0);
    for (const e of sim.cluster.events) expect(e).toEqual({ object: 'Deployment/default/web', type: 'Warning', reason: 'SelectingAll', message: 'This deployment is selecting all pods. A non-empty selector is required.' });
    expect(sim.deployment().status?.observedGeneration).toBe(1);
  });
});
