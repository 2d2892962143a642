import type { V1Lease, V1Node, V1Pod } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeCluster } from '../client/testing/fake.js';
import { RESOURCES, type ClientSet, type DeleteOptions, type KubeObject, type ResourceRef } from '../client/types.js';
import { DEFAULT_KUBELET_OPTIONS, Kubelet } from './kubelet.js';
import { ANNOTATIONS } from './pod-lifecycle.js';
import { ManualTime } from './testing.js';

type Pod = V1Pod & KubeObject;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

let cluster: FakeCluster;
let time: ManualTime;
let kubelet: Kubelet;
let deletes: { key: string; options?: DeleteOptions }[];

/** The fake's client set, with the options of every delete recorded (the fake drops them). */
function recordingClientSet(): ClientSet {
  const cs = cluster.clientSet();
  return {
    ...cs,
    client: <T extends KubeObject>(r: ResourceRef) => {
      const c = cs.client<T>(r);
      return {
        ...c,
        delete: async (ns: string | undefined, name: string, options?: DeleteOptions) => {
          deletes.push({ key: `${ns}/${name}`, ...(options ? { options } : {}) });
          return c.delete(ns, name, options);
        },
      };
    },
  };
}

beforeEach(async () => {
  cluster = new FakeCluster();
  cluster.nowMs = T0;
  time = new ManualTime(T0);
  deletes = [];
  kubelet = new Kubelet(recordingClientSet(), { ...DEFAULT_KUBELET_OPTIONS, nodes: 2, labels: { zone: 'a' } }, { clock: time, timers: time });
  await kubelet.start();
  await time.advance(0);
});

const pods = () => cluster.client<Pod>(RESOURCES.pods);
const pod = (name: string) => cluster.get<Pod>(RESOURCES.pods, `default/${name}`);
const lease = (node: string) => cluster.get<V1Lease & KubeObject>(RESOURCES.leases, `kube-node-lease/${node}`);

async function createPod(name: string, opts: { node?: string; annotations?: Record<string, string>; restartPolicy?: string } = {}): Promise<void> {
  await pods().create('default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: opts.annotations ?? {} },
    spec: { nodeName: opts.node ?? 'node-1', restartPolicy: opts.restartPolicy ?? 'Always', containers: [{ name: 'web', image: 'nginx' }] },
    status: { phase: 'Pending' },
  } as Pod);
}

describe('registration and heartbeats', () => {
  it('registers every node Ready with its labels and address', () => {
    for (const [name, ip] of [['node-1', '172.18.0.2'], ['node-2', '172.18.0.3']] as const) {
      const node = cluster.get<V1Node & KubeObject>(RESOURCES.nodes, name)!;
      expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', zone: 'a' });
      expect(node.status!.addresses![0]).toEqual({ type: 'InternalIP', address: ip });
      expect(node.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
      expect(lease(name)!.spec).toEqual({ holderIdentity: name, leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' });
      expect(lease(name)!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name, uid: `uid-${name}` }]);
    }
  });

  it('re-registers over an existing Node, keeping its spec', async () => {
    const again = new FakeCluster();
    again.seed(RESOURCES.nodes, [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { keep: 'me' } }, spec: { unschedulable: true } } as V1Node & KubeObject]);
    const k = new Kubelet(again.clientSet(), { ...DEFAULT_KUBELET_OPTIONS, nodes: 1 }, { clock: time, timers: time });
    await k.start();
    const node = again.get<V1Node & KubeObject>(RESOURCES.nodes, 'node-1')!;
    expect(node.metadata.labels).toMatchObject({ keep: 'me', 'kubernetes.io/hostname': 'node-1' });
    expect(node.spec).toEqual({ unschedulable: true });
    expect(node.status!.nodeInfo!.kubeletVersion).toBe('v1.32.0');
    k.stop();
  });

  it('renews the Lease every 10 s and posts status every minute', async () => {
    await time.advance(10_000);
    expect(lease('node-1')!.spec!.renewTime).toBe('2026-01-01T00:00:10.000000Z');
    await time.advance(50_000);
    expect(lease('node-1')!.spec!.renewTime).toBe('2026-01-01T00:01:00.000000Z');
    const ready = cluster.get<V1Node & KubeObject>(RESOURCES.nodes, 'node-1')!.status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.lastHeartbeatTime).toBe('2026-01-01T00:01:00Z');
    expect(ready.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(kubelet.node('node-1')!.counters).toMatchObject({ leaseRenewals: 7, statusPosts: 2, errors: 0 });
  });

  it('a failed node stops renewing until it recovers; the others go on', async () => {
    expect(kubelet.failNext()!.name).toBe('node-1');
    expect(kubelet.failNext()!.name).toBe('node-2');
    expect(kubelet.failNext()).toBeUndefined();
    kubelet.node('node-2')!.recover();
    await time.advance(30_000);
    expect(lease('node-1')!.spec!.renewTime).toBe('2026-01-01T00:00:00.000000Z');
    expect(lease('node-2')!.spec!.renewTime).toBe('2026-01-01T00:00:30.000000Z');
    expect(kubelet.metrics()).toContain('kubelet_lite_node_failed{node="node-1"} 1');
    expect(kubelet.recoverAll().map((n) => n.name)).toEqual(['node-1']);
    await time.advance(0);
    expect(lease('node-1')!.spec!.renewTime).toBe('2026-01-01T00:00:30.000000Z');
    expect(kubelet.metrics()).toContain('kubelet_lite_node_failed{node="node-1"} 0');
  });

  it('recreates a Lease someone deleted', async () => {
    await cluster.client(RESOURCES.leases).delete('kube-node-lease', 'node-1');
    await time.advance(10_000); // the renewal fails (404) and forgets its copy
    await time.advance(1_000); // the retry finds none and creates it
    expect(lease('node-1')!.spec!.renewTime).toBe('2026-01-01T00:00:11.000000Z');
  });
});

describe('pods', () => {
  it('a bound pod reaches Running and Ready with an IP from its node', async () => {
    await createPod('web');
    await createPod('other', { node: 'node-2' });
    await createPod('elsewhere', { node: 'node-9' });
    await time.advance(0);
    expect(pod('web')!.status).toMatchObject({ phase: 'Pending', hostIP: '172.18.0.2', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] });
    await time.advance(1000);
    expect(pod('web')!.status).toMatchObject({ phase: 'Running', podIP: '10.244.1.2', containerStatuses: [{ ready: false, state: { running: { startedAt: iso(T0 + 1000) } } }] });
    await time.advance(1000);
    expect(pod('web')!.status!.containerStatuses![0]!.ready).toBe(true);
    expect(pod('web')!.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
    expect(pod('other')!.status).toMatchObject({ phase: 'Running', podIP: '10.244.2.2', hostIP: '172.18.0.3' });
    // Not ours: untouched.
    expect(pod('elsewhere')!.status).toEqual({ phase: 'Pending' });
    expect(cluster.events.filter((e) => e.object === 'Pod/default/web').map((e) => e.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    // Three writes for web (Pending, Running, Ready) and nothing more while it just runs.
    const writes = () => cluster.actions.filter((a) => a.verb === 'updateStatus' && a.key === 'default/web').length;
    expect(writes()).toBe(3);
    await time.advance(120_000);
    expect(writes()).toBe(3);
  });

  it.each([
    ['0', 'Succeeded', 'Completed'],
    ['2', 'Failed', 'Error'],
  ])('run-seconds with restartPolicy Never, exit %s → %s', async (exitCode, phase, reason) => {
    await createPod('job', { restartPolicy: 'Never', annotations: { [ANNOTATIONS.runSeconds]: '3', [ANNOTATIONS.exitCode]: exitCode } });
    await time.advance(3000);
    expect(pod('job')!.status!.phase).toBe('Running');
    await time.advance(1000);
    expect(pod('job')!.status!.phase).toBe(phase);
    expect(pod('job')!.status!.containerStatuses![0]!.state!.terminated).toMatchObject({ exitCode: Number(exitCode), reason });
  });

  it('OnFailure restarts a failed container, then backs off', async () => {
    await createPod('flaky', { restartPolicy: 'OnFailure', annotations: { [ANNOTATIONS.runSeconds]: '2', [ANNOTATIONS.exitCode]: '1', [ANNOTATIONS.readyDelay]: '0' } });
    await time.advance(3000);
    expect(pod('flaky')!.status!.containerStatuses![0]).toMatchObject({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1 } } });
    await time.advance(2000);
    expect(pod('flaky')!.status!.containerStatuses![0]!.state!.waiting!.reason).toBe('CrashLoopBackOff');
    expect(cluster.events.filter((e) => e.reason === 'BackOff')).toHaveLength(1);
    await time.advance(10_000);
    expect(pod('flaky')!.status!.containerStatuses![0]).toMatchObject({ restartCount: 2, state: { running: {} } });
  });

  it('graceful deletion: Killing, terminal status, then the final DELETE with gracePeriodSeconds 0', async () => {
    await createPod('web');
    await time.advance(2000);
    const cur = pod('web')!;
    // What the apiserver does on DELETE of a bound pod (grace 30).
    await pods().update({ ...cur, metadata: { ...cur.metadata, deletionTimestamp: iso(time.now() + 30_000) as unknown as Date, deletionGracePeriodSeconds: 30 } });
    await time.advance(0);
    expect(cluster.events.filter((e) => e.reason === 'Killing')).toEqual([{ object: 'Pod/default/web', type: 'Normal', reason: 'Killing', message: 'Stopping container web' }]);
    expect(pod('web')!.status!.containerStatuses![0]!.ready).toBe(false);
    await time.advance(1000);
    expect(deletes).toEqual([]);
    await time.advance(1000);
    expect(pod('web')).toBeUndefined();
    expect(deletes).toEqual([{ key: 'default/web', options: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-web' } } }]);
    const last = cluster.actions.filter((a) => a.key === 'default/web' && a.verb === 'updateStatus').at(-1)!;
    expect((last.object as Pod).status!.phase).toBe('Succeeded');
    expect(cluster.events.filter((e) => e.reason === 'Killing')).toHaveLength(1);
    // Its IP goes back to the pool.
    await createPod('next');
    await time.advance(1000);
    expect(pod('next')!.status!.podIP).toBe('10.244.1.3');
    expect(kubelet.node('node-1')!.podCount).toBe(1);
  });

  it('a failed node leaves its pods alone until it recovers', async () => {
    kubelet.failNext();
    await createPod('web');
    await time.advance(5000);
    expect(pod('web')!.status).toEqual({ phase: 'Pending' });
    kubelet.recoverAll();
    await time.advance(0);
    // Caught up at once: first sight now, running a second later.
    expect(pod('web')!.status!.startTime).toBe(iso(T0 + 5000));
    await time.advance(2000);
    expect(pod('web')!.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
  });

  it('picks up pods bound before it started, keeping the IP their status shows', async () => {
    const c2 = new FakeCluster();
    c2.seed(RESOURCES.pods, [{
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'old', namespace: 'default', uid: 'u-old' },
      spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx' }] },
      status: { phase: 'Running', podIP: '10.244.1.77', startTime: iso(T0 - 60_000) as unknown as Date, containerStatuses: [{ name: 'web', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: iso(T0 - 59_000) as unknown as Date } } }] },
    } as Pod]);
    const k = new Kubelet(c2.clientSet(), { ...DEFAULT_KUBELET_OPTIONS, nodes: 1 }, { clock: time, timers: time });
    await k.start();
    await time.advance(0);
    const p = c2.get<Pod>(RESOURCES.pods, 'default/old')!;
    expect(p.status).toMatchObject({ phase: 'Running', podIP: '10.244.1.77', startTime: iso(T0 - 60_000) });
    expect(c2.events).toEqual([]);
    k.stop();
  });
});
