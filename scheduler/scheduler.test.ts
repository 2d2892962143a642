import { describe, expect, it } from 'vitest';
import { ApiStatusError, RESOURCES, type ClientSet, type KubeObject, type ResourceClient, type ResourceRef } from '../client/types.js';
import { FakeCluster } from '../client/testing/fake.js';
import { createScheduler, nodeSchedulingPropertiesChanged, truncateMessage, type ScheduleAttempt, type Scheduler } from './scheduler.js';
import { node, pod, type TestNode, type TestPod } from './test-helpers.js';

interface Setup {
  cluster: FakeCluster;
  sched: Scheduler;
  /** Lets held bindings through (when `holdBindings`). */
  release: () => void;
  bindCalls: string[];
}

function setup(nodes: TestNode[], pods: TestPod[] = [], opts: { holdBindings?: boolean; failBindings?: number } = {}): Setup {
  const cluster = new FakeCluster();
  cluster.seed(RESOURCES.nodes, nodes);
  cluster.seed(RESOURCES.pods, pods);
  const base = cluster.clientSet();
  let release!: () => void;
  const gate = opts.holdBindings ? new Promise<void>((r) => (release = r)) : Promise.resolve();
  release ??= () => undefined;
  let failures = opts.failBindings ?? 0;
  const bindCalls: string[] = [];
  // A client set whose pods/binding can be held back or made to fail.
  const cs: ClientSet = {
    ...base,
    client: <T extends KubeObject>(r: ResourceRef): ResourceClient<T> => {
      const c = base.client<T>(r);
      if (r.plural !== 'pods') return c;
      return {
        ...c,
        createSubresource: async (ns, name, sub, body) => {
          bindCalls.push(`${ns}/${name}`);
          await gate;
          if (failures > 0) {
            failures--;
            throw new ApiStatusError(500, 'InternalError', 'etcdserver: request timed out');
          }
          return c.createSubresource(ns, name, sub, body);
        },
      };
    },
  };
  const sched = createScheduler(cs, { clock: { now: () => cluster.nowMs }, random: () => 0 });
  return { cluster, sched, release, bindCalls };
}

/** Schedules until the active queue is empty, waiting for each binding. */
async function drain(sched: Scheduler): Promise<ScheduleAttempt[]> {
  const out: ScheduleAttempt[] = [];
  for (let a = await sched.scheduleOne(); a; a = await sched.scheduleOne()) {
    if (a.result === 'scheduled') await a.binding;
    out.push(a);
  }
  return out;
}

const nodeOf = (cluster: FakeCluster, name: string, ns = 'default') => cluster.get<TestPod>(RESOURCES.pods, `${ns}/${name}`)?.spec?.nodeName;
const summary = (attempts: ScheduleAttempt[]) => attempts.map((a) => (a.result === 'scheduled' ? `${a.pod}→${a.node}` : a.result === 'skipped' ? `${a.pod} skipped` : `${a.pod}: ${a.message}`));

describe('scheduler over a fake cluster', () => {
  it('binds a pod to the one node it fits, through pods/binding, and says so in an event', async () => {
    const { cluster, sched } = setup([node('small', { cpu: '1' }), node('big', { cpu: '4' })], [pod('web', { cpu: '2' })]);
    expect(summary(await drain(sched))).toEqual(['default/web→big']);
    expect(nodeOf(cluster, 'web')).toBe('big');
    const binding = cluster.actions.find((a) => a.verb === 'subresource');
    expect(binding).toEqual({
      verb: 'subresource',
      resource: 'pods',
      key: 'default/web',
      subresource: 'binding',
      object: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web', namespace: 'default', uid: 'uid-web' }, target: { apiVersion: 'v1', kind: 'Node', name: 'big' } },
    });
    expect(cluster.events).toEqual([{ object: 'Pod/default/web', type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web to big' }]);
    expect(sched.stats().cache).toEqual({ nodes: 2, boundPods: 1, assumedPods: 0 });
  });

  it('marks an unschedulable pod with the PodScheduled condition and a FailedScheduling event, once', async () => {
    const { cluster, sched } = setup([node('a', { cpu: '1' }), node('b', { cpu: '1' }), node('c', { cpu: '1' })], [pod('web', { cpu: '2' })]);
    const msg = '0/3 nodes are available: 3 Insufficient cpu.';
    expect(summary(await drain(sched))).toEqual([`default/web: ${msg}`]);
    const p = cluster.get<TestPod>(RESOURCES.pods, 'default/web')!;
    expect(p.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'Unschedulable', message: msg }]);
    expect(cluster.events).toEqual([{ object: 'Pod/default/web', type: 'Warning', reason: 'FailedScheduling', message: msg }]);
    const patch = cluster.actions.find((a) => a.verb === 'patch');
    expect(patch?.subresource).toBe('status');
    expect(sched.queue.where('default/web')).toBe('unschedulable');

    // Retried after the parking time: the same verdict is not patched again, the event repeats.
    cluster.nowMs += 60_000;
    expect(summary(await drain(sched))).toEqual([`default/web: ${msg}`]);
    expect(cluster.actions.filter((a) => a.verb === 'patch')).toHaveLength(1);
    expect(cluster.events).toHaveLength(2);
  });

  it('reports each node by the first filter that rejects it, counted and sorted', async () => {
    const nodes = [
      node('cordoned', { unschedulable: true }),
      node('tainted', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
      node('notready', { ready: 'False' }),
      node('elsewhere', { labels: { zone: 'b' } }),
      node('full', { labels: { zone: 'a' }, cpu: '1', memory: '1Gi' }),
      node('full2', { labels: { zone: 'a' }, cpu: '1', memory: '1Gi', unschedulable: true }),
    ];
    const { sched } = setup(nodes, [pod('web', { cpu: '2', memory: '2Gi', nodeSelector: { zone: 'a' } })]);
    const [a] = await drain(sched);
    expect(a).toMatchObject({
      result: 'unschedulable',
      message:
        "0/6 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: db}, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) were unschedulable.",
    });
  });

  it('says so when there are no nodes at all', async () => {
    const { cluster, sched } = setup([], [pod('web')]);
    expect(summary(await drain(sched))).toEqual(['default/web: no nodes available to schedule pods']);
    expect(cluster.get<TestPod>(RESOURCES.pods, 'default/web')!.status?.conditions?.[0]?.reason).toBe('Unschedulable');
  });

  it('retries a parked pod when a node is added (after its backoff)', async () => {
    const { cluster, sched } = setup([node('a', { cpu: '1' })], [pod('web', { cpu: '2' })]);
    await drain(sched);
    expect(sched.queue.where('default/web')).toBe('unschedulable');
    await cluster.client<TestNode>(RESOURCES.nodes).create(undefined, node('b', { cpu: '4' }));
    expect(sched.queue.where('default/web')).toBe('backoff');
    expect(await sched.scheduleOne()).toBeUndefined(); // still backing off
    cluster.nowMs += 1_000;
    expect(summary(await drain(sched))).toEqual(['default/web→b']);
  });

  it('does not retry on a heartbeat-only node update, does on a relevant one', async () => {
    const { cluster, sched } = setup([node('a', { cpu: '1' })], [pod('web', { cpu: '2' })]);
    await drain(sched);
    const nodes = cluster.client<TestNode>(RESOURCES.nodes);
    const cur = cluster.get<TestNode>(RESOURCES.nodes, 'a')!;
    await nodes.update({ ...cur, status: { ...cur.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:10Z' as unknown as Date }] } });
    expect(sched.queue.where('default/web')).toBe('unschedulable');
    const cur2 = cluster.get<TestNode>(RESOURCES.nodes, 'a')!;
    await nodes.update({ ...cur2, status: { ...cur2.status, allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });
    cluster.nowMs += 1_000;
    expect(summary(await drain(sched))).toEqual(['default/web→a']);
  });

  it('retries a parked pod when a bound pod is deleted and frees its node', async () => {
    const { cluster, sched } = setup([node('a', { cpu: '2' })], [pod('old', { cpu: '2', nodeName: 'a' }), pod('web', { cpu: '1' })]);
    expect(summary(await drain(sched))).toEqual(['default/web: 0/1 nodes are available: 1 Insufficient cpu.']);
    await cluster.client<TestPod>(RESOURCES.pods).delete('default', 'old');
    cluster.nowMs += 1_000;
    expect(summary(await drain(sched))).toEqual(['default/web→a']);
  });

  it('a finished pod frees its node', async () => {
    const { cluster, sched } = setup([node('a', { cpu: '2' })], [pod('job', { cpu: '2', nodeName: 'a' }), pod('web', { cpu: '1' })]);
    await drain(sched);
    await cluster.client<TestPod>(RESOURCES.pods).patch('default', 'job', 'merge', { status: { phase: 'Succeeded' } }, { subresource: 'status' });
    cluster.nowMs += 1_000;
    expect(summary(await drain(sched))).toEqual(['default/web→a']);
  });

  it('picks the least loaded node', async () => {
    const nodes = [node('a'), node('b'), node('c')];
    const running = [pod('x', { cpu: '3', memory: '3Gi', nodeName: 'a' }), pod('y', { cpu: '1', memory: '1Gi', nodeName: 'b' }), pod('z', { cpu: '2', memory: '2Gi', nodeName: 'c' })];
    const { sched } = setup(nodes, [...running, pod('web', { cpu: '500m', memory: '512Mi' })]);
    const [a] = await drain(sched);
    expect(a).toMatchObject({ result: 'scheduled', node: 'b' });
  });

  it('spreads the replicas of one controller over the nodes', async () => {
    const replicas = ['r1', 'r2', 'r3'].map((n) => pod(n, { cpu: '100m', owner: 'web-rs' }));
    const { cluster, sched } = setup([node('a'), node('b'), node('c')], replicas);
    await drain(sched);
    expect(['r1', 'r2', 'r3'].map((n) => nodeOf(cluster, n)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('prefers the node without a sibling when resource scores tie', async () => {
    const running = [pod('sibling', { cpu: '100m', memory: '100Mi', owner: 'web-rs', nodeName: 'a' }), pod('other', { cpu: '100m', memory: '100Mi', owner: 'db-rs', nodeName: 'b' })];
    const { cluster, sched } = setup([node('a'), node('b')], [...running, pod('web', { owner: 'web-rs' }), pod('lonely')]);
    const attempts = await drain(sched);
    expect(nodeOf(cluster, 'web')).toBe('b');
    // Without an owner both nodes tie; the injected random (0) takes the first by name.
    expect(nodeOf(cluster, 'lonely')).toBe('a');
    const web = attempts.find((a) => a.pod === 'default/web');
    expect(web?.result === 'scheduled' && web.scores.map((s) => [s.name, s.byPlugin['SelectorSpread']])).toEqual([
      ['a', 0],
      ['b', 100],
    ]);
  });

  it('assumes a pod on its node before the binding returns, so two pods that fit once are not both placed', async () => {
    const { cluster, sched, release } = setup([node('a', { cpu: '1' })], [pod('p1', { cpu: '1' })], { holdBindings: true });
    const first = await sched.scheduleOne();
    expect(first).toMatchObject({ result: 'scheduled', node: 'a' });
    expect(sched.stats().cache).toMatchObject({ assumedPods: 1, boundPods: 0 });
    await cluster.client<TestPod>(RESOURCES.pods).create('default', pod('p2', { cpu: '1' }));
    const second = await sched.scheduleOne();
    expect(second).toMatchObject({ result: 'unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' });
    release();
    expect(first?.result === 'scheduled' && (await first.binding)).toBe(true);
    // The informer's bound pod confirms the assumption.
    expect(sched.stats().cache).toMatchObject({ assumedPods: 0, boundPods: 1 });
    expect(nodeOf(cluster, 'p1')).toBe('a');
    expect(nodeOf(cluster, 'p2')).toBeUndefined();
  });

  it('our own status patch of an assumed pod does not queue it again', async () => {
    const { cluster, sched, release } = setup([node('a', { cpu: '1' })], [pod('p1', { cpu: '1' })], { holdBindings: true });
    await sched.scheduleOne();
    await cluster.client<TestPod>(RESOURCES.pods).patch('default', 'p1', 'merge', { status: { message: 'x' } }, { subresource: 'status' });
    await cluster.client<TestPod>(RESOURCES.pods).patch('default', 'p1', 'merge', { metadata: { labels: { a: 'b' } } });
    expect(await sched.scheduleOne()).toBeUndefined();
    release();
  });

  it('forgets the assumption when the binding fails, records why, and retries after the backoff', async () => {
    const { cluster, sched, bindCalls } = setup([node('a', { cpu: '1' })], [pod('web', { cpu: '1' })], { failBindings: 1 });
    const a = await sched.scheduleOne();
    expect(a).toMatchObject({ result: 'scheduled', node: 'a' });
    expect(a?.result === 'scheduled' && (await a.binding)).toBe(false);
    expect(sched.stats().cache).toMatchObject({ assumedPods: 0, boundPods: 0 });
    expect(sched.cache.nodeInfo('a')?.requested['cpu']).toBe(0);
    expect(sched.queue.where('default/web')).toBe('backoff');
    const msg = 'running Bind plugin "DefaultBinder": etcdserver: request timed out';
    expect(cluster.events).toEqual([{ object: 'Pod/default/web', type: 'Warning', reason: 'FailedScheduling', message: msg }]);
    expect(cluster.get<TestPod>(RESOURCES.pods, 'default/web')!.status?.conditions).toMatchObject([{ type: 'PodScheduled', status: 'False', reason: 'SchedulerError', message: msg }]);
    cluster.nowMs += 1_000;
    expect(summary(await drain(sched))).toEqual(['default/web→a']);
    expect(bindCalls).toEqual(['default/web', 'default/web']);
  });

  it('a pod deleted while its binding runs is not requeued', async () => {
    const { cluster, sched, release } = setup([node('a')], [pod('web')], { holdBindings: true });
    const a = await sched.scheduleOne();
    await cluster.client<TestPod>(RESOURCES.pods).delete('default', 'web');
    release();
    expect(a?.result === 'scheduled' && (await a.binding)).toBe(false);
    expect(sched.queue.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 0, inFlight: 0 });
    expect(sched.stats().cache).toMatchObject({ assumedPods: 0, boundPods: 0 });
  });

  it('schedules higher priority first', async () => {
    const { cluster, sched } = setup([node('a', { cpu: '1' })], []);
    const pods = cluster.client<TestPod>(RESOURCES.pods);
    await pods.create('default', pod('low', { cpu: '1', priority: 0 }));
    await pods.create('default', pod('high', { cpu: '1', priority: 1000 }));
    const attempts = summary(await drain(sched));
    expect(attempts).toEqual(['default/high→a', 'default/low: 0/1 nodes are available: 1 Insufficient cpu.']);
  });

  it('leaves alone pods of other schedulers, bound pods and pods being deleted', async () => {
    const deleting = pod('deleting');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z' as unknown as Date;
    const { sched } = setup([node('a')], [pod('other', { schedulerName: 'my-scheduler' }), pod('bound', { nodeName: 'a' }), deleting]);
    expect(await drain(sched)).toEqual([]);
    expect(sched.stats().cache.boundPods).toBe(1);
  });

  it('host ports: a second pod wanting the same port goes elsewhere', async () => {
    const { cluster, sched } = setup([node('a'), node('b')], [pod('p1', { hostPorts: [8080] }), pod('p2', { hostPorts: [8080] }), pod('p3', { hostPorts: [8080] })]);
    const attempts = summary(await drain(sched));
    expect([nodeOf(cluster, 'p1'), nodeOf(cluster, 'p2')].sort()).toEqual(['a', 'b']);
    expect(attempts[2]).toBe("default/p3: 0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.");
  });

  it('run() schedules pods as they come and stops on abort', async () => {
    const { cluster, sched } = setup([node('a')], []);
    const ac = new AbortController();
    const running = sched.run(ac.signal);
    await cluster.client<TestPod>(RESOURCES.pods).create('default', pod('web'));
    for (let i = 0; i < 50 && !nodeOf(cluster, 'web'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(nodeOf(cluster, 'web')).toBe('a');
    ac.abort();
    await running;
  });
});

describe('helpers', () => {
  it('truncateMessage keeps 1024 characters with " ..."', () => {
    expect(truncateMessage('short')).toBe('short');
    const long = 'x'.repeat(2000);
    expect(truncateMessage(long)).toHaveLength(1024);
    expect(truncateMessage(long).endsWith('x ...')).toBe(true);
  });

  it.each<[string, Partial<Parameters<typeof node>[1]>, boolean]>([
    ['same', {}, false],
    ['cordoned', { unschedulable: true }, true],
    ['label', { labels: { zone: 'a' } }, true],
    ['taint', { taints: [{ key: 'k', effect: 'NoSchedule' }] }, true],
    ['capacity', { cpu: '8' }, true],
    ['readiness', { ready: 'False' }, true],
  ])('node change %s → %s', (_name, o, want) => {
    expect(nodeSchedulingPropertiesChanged(node('a'), node('a', o))).toBe(want);
  });
});
