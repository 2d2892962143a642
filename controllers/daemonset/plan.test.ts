import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../client/types.js';
import { calculateStatus, planManage, planRollingUpdate } from './plan.js';
import type { DaemonSet, Node, Pod } from './util.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

function ds(strategy: Record<string, unknown> = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }): DaemonSet {
  return {
    metadata: { name: 'agent', namespace: 'default', uid: 'uid-agent', generation: 3 },
    spec: { selector: { matchLabels: { app: 'agent' } }, updateStrategy: strategy, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'a' }] } } },
  } as DaemonSet;
}

const nodes = (...names: string[]): Node[] => names.map((name) => ({ metadata: { name }, spec: {} }));

/** A pod on a node: rev 'new' or 'old', state 'ready' | 'pending' | 'failed' | 'succeeded' | 'terminating'. */
function pod(name: string, node: string, rev: 'new' | 'old', state = 'ready', createdSec = 0): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'agent', 'controller-revision-hash': rev === 'new' ? 'H' : 'OLD' },
      creationTimestamp: rfc3339(Date.parse('2026-01-01T00:00:00Z') + createdSec * 1000),
      deletionTimestamp: state === 'terminating' ? rfc3339(NOW) : undefined,
    },
    spec: { containers: [], nodeName: node },
    status: {
      phase: state === 'failed' ? 'Failed' : state === 'succeeded' ? 'Succeeded' : state === 'pending' ? 'Pending' : 'Running',
      conditions: [{ type: 'Ready', status: state === 'ready' || state === 'terminating' ? 'True' : 'False', lastTransitionTime: rfc3339(NOW - 60_000) }],
    },
  };
}

function group(pods: Pod[]): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) m.set(p.spec!.nodeName!, [...(m.get(p.spec!.nodeName!) ?? []), p]);
  return m;
}

const names = (ps: Pod[]) => ps.map((p) => p.metadata.name);

describe('planManage', () => {
  it('creates on nodes without a pod, keeps the oldest of several, deletes finished and misplaced ones', () => {
    const tainted: Node = { metadata: { name: 'n4' }, spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } };
    const pods = [pod('a', 'n1', 'new', 'ready', 1), pod('b', 'n1', 'new', 'ready', 2), pod('c', 'n2', 'new', 'succeeded'), pod('d', 'n3', 'new', 'failed'), pod('e', 'n4', 'new')];
    const plan = planManage(ds(), [...nodes('n1', 'n2', 'n3', 'n5'), tainted], group(pods), 'H', NOW);
    expect(plan.createOn).toEqual(['n5']);
    expect(names(plan.deletePods)).toEqual(['b', 'c', 'e']);
    expect(plan.failedPods.map((f) => [f.pod.metadata.name, f.node])).toEqual([['d', 'n3']]);
  });

  it('does not create beside a terminating pod (the replacement waits until it is gone)', () => {
    const plan = planManage(ds(), nodes('n1'), group([pod('a', 'n1', 'old', 'terminating')]), 'H', NOW);
    expect(plan).toEqual({ createOn: [], deletePods: [], failedPods: [] });
  });

  it('deletes unscheduled pods pinned to nodes that no longer exist', () => {
    const p = pod('a', 'gone', 'new', 'pending');
    const m = new Map([['gone', [{ ...p, spec: { containers: [] } }]]]);
    expect(names(planManage(ds(), nodes('n1'), m, 'H', NOW).deletePods)).toEqual(['a']);
  });

  it('with surge keeps one old and one new pod until the new one is available', () => {
    const surge = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(planManage(surge, nodes('n1'), group([pod('o', 'n1', 'old'), pod('n', 'n1', 'new', 'pending', 5)]), 'H', NOW).deletePods).toEqual([]);
    expect(names(planManage(surge, nodes('n1'), group([pod('o', 'n1', 'old'), pod('n', 'n1', 'new', 'ready', 5)]), 'H', NOW).deletePods)).toEqual(['o']);
  });
});

describe('planRollingUpdate', () => {
  it('maxUnavailable 1: deletes one old available pod at a time', () => {
    const plan = planRollingUpdate(ds(), nodes('n1', 'n2', 'n3'), group([pod('a', 'n1', 'old'), pod('b', 'n2', 'old'), pod('c', 'n3', 'old')]), 'H', undefined, NOW);
    expect(names(plan.deletePods)).toEqual(['a']);
    expect(plan.createOn).toEqual([]);
  });

  it('waits while an updated pod is not yet available, but replaces unavailable old pods at once', () => {
    const plan = planRollingUpdate(ds(), nodes('n1', 'n2', 'n3'), group([pod('a', 'n1', 'new', 'pending'), pod('b', 'n2', 'old'), pod('c', 'n3', 'old', 'pending')]), 'H', undefined, NOW);
    expect(names(plan.deletePods)).toEqual(['c']);
  });

  it('counts a node without any pod as unavailable', () => {
    const plan = planRollingUpdate(ds(), nodes('n1', 'n2'), group([pod('b', 'n2', 'old')]), 'H', undefined, NOW);
    expect(plan.deletePods).toEqual([]);
  });

  it('maxUnavailable 50% of 4 deletes two', () => {
    const set = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } });
    const plan = planRollingUpdate(set, nodes('n1', 'n2', 'n3', 'n4'), group(['n1', 'n2', 'n3', 'n4'].map((n) => pod(`p-${n}`, n, 'old'))), 'H', undefined, NOW);
    expect(names(plan.deletePods)).toEqual(['p-n1', 'p-n2']);
  });

  it('0/0 falls back to one unavailable', () => {
    const set = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } });
    expect(planRollingUpdate(set, nodes('n1', 'n2'), group([pod('a', 'n1', 'old'), pod('b', 'n2', 'old')]), 'H', undefined, NOW).deletePods).toHaveLength(1);
  });

  it('surge: creates new pods beside old ones up to maxSurge, then deletes old ones whose replacement is available', () => {
    const set = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const start = planRollingUpdate(set, nodes('n1', 'n2'), group([pod('a', 'n1', 'old'), pod('b', 'n2', 'old')]), 'H', undefined, NOW);
    expect(start).toEqual({ createOn: ['n1'], deletePods: [], failedPods: [] });
    const waiting = planRollingUpdate(set, nodes('n1', 'n2'), group([pod('a', 'n1', 'old'), pod('a2', 'n1', 'new', 'pending'), pod('b', 'n2', 'old')]), 'H', undefined, NOW);
    expect(waiting).toEqual({ createOn: [], deletePods: [], failedPods: [] });
    const swap = planRollingUpdate(set, nodes('n1', 'n2'), group([pod('a', 'n1', 'old'), pod('a2', 'n1', 'new'), pod('b', 'n2', 'old')]), 'H', undefined, NOW);
    expect(swap.createOn).toEqual(['n2']);
    expect(names(swap.deletePods)).toEqual(['a']);
  });
});

describe('calculateStatus', () => {
  it('counts desired, current, misscheduled, ready, available, updated per node (oldest pod)', () => {
    const tainted: Node = { metadata: { name: 'n4' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } };
    const pods = [pod('a', 'n1', 'new'), pod('b', 'n2', 'old'), pod('c', 'n3', 'new', 'pending'), pod('d', 'n4', 'new')];
    expect(calculateStatus(ds(), [...nodes('n1', 'n2', 'n3', 'n5'), tainted], group(pods), 'H', undefined, NOW)).toEqual({
      desiredNumberScheduled: 4,
      currentNumberScheduled: 3,
      numberMisscheduled: 1,
      numberReady: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
      numberUnavailable: 2,
    });
  });
});
