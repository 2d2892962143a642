// A small in-memory cluster for Deployment tests: FakeCluster + the ReplicaSet and Deployment
// controllers with their queues, and a "kubelet" that marks pods Running and Ready on demand.
// Test-only.

import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { FakeCluster } from '../../client/testing/fake.js';
import { RESOURCES, rfc3339, type KubeObject } from '../../client/types.js';
import type { Controller } from '../common/controller.js';
import { isPodActive, isPodReady } from '../common/pods.js';
import { createReplicaSetController } from '../replicaset/controller.js';
import { createDeploymentController } from './controller.js';

export type D = V1Deployment & KubeObject;
export type RS = V1ReplicaSet & KubeObject;
export type Pod = V1Pod & KubeObject;

export function deployment(name: string, replicas: number, spec: Partial<V1Deployment['spec']> = {}, image = 'nginx:1'): D {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...spec,
    },
  };
}

export class Sim {
  readonly cluster = new FakeCluster();
  readonly rsc: Controller;
  readonly dc: Controller;
  private readonly queues = new Map<Controller, Set<string>>();
  /** Called after every reconcile; throw to fail the test at the exact step. */
  check: () => void = () => undefined;
  reconciles = 0;
  /** Errors reconcile threw (each retried). */
  readonly errors: unknown[] = [];

  constructor(objects: D[]) {
    this.cluster.seed(RESOURCES.deployments, objects);
    const cs = this.cluster.clientSet();
    const clock = { now: () => this.cluster.nowMs };
    this.rsc = createReplicaSetController(cs, { clock });
    this.dc = createDeploymentController(cs, { clock });
    for (const c of [this.rsc, this.dc]) {
      const q = new Set<string>();
      this.queues.set(c, q);
      c.register(cs, (k) => q.add(k));
    }
    for (const d of objects) this.queues.get(this.dc)!.add(`default/${d.metadata.name}`);
  }

  /** Runs both controllers until their queues are empty. */
  async settle(limit = 500): Promise<void> {
    for (let i = 0; i < limit; i++) {
      let worked = false;
      for (const [c, q] of this.queues) {
        const key = q.values().next().value;
        if (key === undefined) continue;
        q.delete(key);
        worked = true;
        this.reconciles++;
        try {
          await c.reconcile(key);
        } catch (e) {
          // As a work queue would: retry the key (conflicts, hash collisions), but not forever.
          this.errors.push(e);
          if (this.errors.length > 20) throw e;
          q.add(key);
        }
        this.check();
      }
      if (!worked) return;
    }
    throw new Error('controllers did not settle');
  }

  /** Re-enqueues every object (a resync), e.g. after moving the clock. */
  resync(): void {
    for (const d of this.deployments()) this.queues.get(this.dc)!.add(`default/${d.metadata.name}`);
    for (const rs of this.replicaSets()) this.queues.get(this.rsc)!.add(`default/${rs.metadata.name}`);
  }

  deployments = (): D[] => this.cluster.list<D>(RESOURCES.deployments);
  deployment = (name = 'web'): D => this.cluster.get<D>(RESOURCES.deployments, `default/${name}`)!;
  replicaSets = (): RS[] => this.cluster.list<RS>(RESOURCES.replicasets);
  pods = (): Pod[] => this.cluster.list<Pod>(RESOURCES.pods).filter(isPodActive);
  podsOf = (rs: RS): Pod[] => this.pods().filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
  readyPods = (): Pod[] => this.pods().filter(isPodReady);

  /** The "kubelet": schedules and readies pods (all, or those `which` picks), then lets controllers react. */
  async makeReady(which: (p: Pod) => boolean = () => true): Promise<number> {
    const client = this.cluster.client<Pod>(RESOURCES.pods);
    let n = 0;
    for (const p of this.pods()) {
      if (isPodReady(p) || !which(p)) continue;
      await client.update({ ...p, spec: { ...p.spec!, nodeName: p.spec?.nodeName ?? 'node-1' } });
      const cur = this.cluster.get<Pod>(RESOURCES.pods, `default/${p.metadata.name}`)!;
      await client.updateStatus({ ...cur, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(this.cluster.nowMs) }] } });
      n++;
    }
    await this.settle();
    return n;
  }

  /** Edits the Deployment as a user would (generation bumps on spec changes, as the apiserver does). */
  async edit(mutate: (d: D) => void, name = 'web'): Promise<void> {
    const d = JSON.parse(JSON.stringify(this.deployment(name))) as D;
    const before = JSON.stringify(d.spec);
    mutate(d);
    if (JSON.stringify(d.spec) !== before) d.metadata.generation = (d.metadata.generation ?? 1) + 1;
    await this.cluster.client<D>(RESOURCES.deployments).update(d);
    await this.settle();
  }

  scaledEvents = (): string[] => this.cluster.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
}
