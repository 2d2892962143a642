import type { V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { compareByCreationAndPhase, isPodUpdated, newDaemonPod, nodeShouldRunDaemonPod, pinToNode, scaledValue, targetNodeName, type DaemonSet } from './util.js';

function ds(spec: Record<string, unknown> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'uid-agent', generation: 2 },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...spec } } },
  };
}

function node(name: string, labels: Record<string, string> = {}, taints: V1Taint[] = []): V1Node {
  return { metadata: { name, labels }, spec: { taints } };
}

describe('nodeShouldRunDaemonPod', () => {
  const table: [string, DaemonSet, V1Node, boolean, boolean][] = [
    ['plain node', ds(), node('n1'), true, true],
    ['nodeSelector matches', ds({ nodeSelector: { disk: 'ssd' } }), node('n1', { disk: 'ssd' }), true, true],
    ['nodeSelector does not match', ds({ nodeSelector: { disk: 'ssd' } }), node('n1', { disk: 'hdd' }), false, false],
    ['required affinity does not match', ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } } }), node('n1', { zone: 'b' }), false, false],
    ['template nodeName elsewhere', ds({ nodeName: 'n2' }), node('n1'), false, false],
    ['untolerated NoSchedule: keep running, create none', ds(), node('n1', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]), false, true],
    ['untolerated NoExecute: evict', ds(), node('n1', {}, [{ key: 'dedicated', effect: 'NoExecute' }]), false, false],
    ['tolerated NoSchedule', ds({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }), node('n1', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]), true, true],
    ['PreferNoSchedule ignored', ds(), node('n1', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]), true, true],
    ['automatic: unschedulable', ds(), node('n1', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), true, true],
    ['automatic: not-ready NoExecute', ds(), node('n1', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), true, true],
    ['automatic: unreachable NoExecute', ds(), node('n1', {}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]), true, true],
    ['automatic: memory-pressure', ds(), node('n1', {}, [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]), true, true],
    ['network-unavailable needs hostNetwork', ds(), node('n1', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), false, true],
    ['network-unavailable with hostNetwork', ds({ hostNetwork: true }), node('n1', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), true, true],
  ];
  it.each(table)('%s', (_name, set, n, shouldRun, shouldContinueRunning) => {
    expect(nodeShouldRunDaemonPod(n, set)).toEqual({ shouldRun, shouldContinueRunning });
  });
});

describe('daemon pods', () => {
  it('newDaemonPod pins the node by matchFields, adds the daemon tolerations, labels and controller ref', () => {
    const pod = newDaemonPod(ds({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }, { key: 'x', operator: 'Exists' }] }), 'node-2', 'abc');
    expect(pod.metadata.generateName).toBe('agent-');
    expect(pod.metadata.labels).toEqual({ app: 'agent', 'controller-revision-hash': 'abc', 'pod-template-generation': '2' });
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'uid-agent', controller: true, blockOwnerDeletion: true }]);
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] }] });
    expect(pod.spec?.nodeName).toBeUndefined();
    const keys = pod.spec?.tolerations?.map((t) => `${t.key}:${t.effect ?? ''}`);
    expect(keys).toEqual([
      'node.kubernetes.io/unschedulable:NoSchedule',
      'x:',
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
    ]);
    expect(targetNodeName(pod)).toBe('node-2');
    expect(targetNodeName({ ...pod, spec: { ...pod.spec!, nodeName: 'node-3' } })).toBe('node-3');
  });

  it('pinToNode replaces required terms and keeps the rest of the affinity', () => {
    const a = pinToNode({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'b', operator: 'Exists' }] } }] }, podAntiAffinity: {} }, 'n');
    expect(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] }]);
    expect(a.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(a.podAntiAffinity).toEqual({});
  });

  it.each([
    ['hash matches', { 'controller-revision-hash': 'h' }, true],
    ['generation matches', { 'pod-template-generation': '2' }, true],
    ['neither', { 'controller-revision-hash': 'old', 'pod-template-generation': '1' }, false],
  ] as const)('isPodUpdated: %s', (_n, labels, want) => {
    expect(isPodUpdated({ metadata: { labels: { ...labels } } }, 'h', 2)).toBe(want);
  });

  it('orders bound pods first, then oldest, then by name', () => {
    const p = (name: string, t: string, nodeName?: string): V1Pod => ({ metadata: { name, creationTimestamp: t as unknown as Date }, spec: { containers: [], nodeName } });
    const sorted = [p('c', '2026-01-01T00:00:02Z'), p('b', '2026-01-01T00:00:01Z', 'n'), p('a', '2026-01-01T00:00:01Z', 'n'), p('d', '2026-01-01T00:00:00Z')].sort(compareByCreationAndPhase);
    expect(sorted.map((x) => x.metadata?.name)).toEqual(['a', 'b', 'd', 'c']);
  });

  it.each([
    [undefined, 10, 1],
    [2, 10, 2],
    ['25%', 10, 3],
    ['10%', 3, 1],
    ['0%', 3, 0],
  ] as const)('scaledValue(%s of %s) = %s', (v, total, want) => {
    expect(scaledValue(v, total, 1)).toBe(want);
  });
});
