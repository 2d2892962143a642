import type { V1Taint, V1Toleration } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podContext } from '../framework.js';
import { nodeInfoOf } from '../nodeinfo.js';
import { node, pod } from '../test-helpers.js';
import { nodeUnschedulableFilter } from './node-unschedulable.js';
import { countIntolerablePreferNoSchedule, effectiveTaints, taintTolerationFilter, taintTolerationScore, toleratesTaint } from './taint-toleration.js';

const taint: V1Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('toleratesTaint', () => {
  it.each<[V1Toleration, boolean]>([
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'gpu' }, true],
    [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', operator: 'Gt', value: 'gpu' }, false],
  ])('%o → %s', (t, want) => {
    expect(toleratesTaint(t, taint)).toBe(want);
  });
});

describe('TaintToleration filter', () => {
  it.each<[string, V1Taint[], V1Toleration[] | undefined, string[]]>([
    ['no taints', [], undefined, []],
    ['NoSchedule untolerated', [taint], undefined, ['node(s) had untolerated taint {dedicated: gpu}']],
    ['NoExecute untolerated', [{ key: 'k', effect: 'NoExecute' }], undefined, ['node(s) had untolerated taint {k: }']],
    ['PreferNoSchedule never filters', [{ key: 'k', effect: 'PreferNoSchedule' }], undefined, []],
    ['tolerated', [taint], [{ key: 'dedicated', operator: 'Exists' }], []],
    ['the first untolerated is reported', [taint, { key: 'b', value: 'v', effect: 'NoSchedule' }], [{ key: 'dedicated', operator: 'Exists' }], ['node(s) had untolerated taint {b: v}']],
  ])('%s', (_name, taints, tolerations, want) => {
    expect(taintTolerationFilter.filter(podContext(pod('p', { tolerations })), nodeInfoOf(node('n', { taints })))).toEqual(want);
  });

  it.each<[string, 'True' | 'False' | 'Unknown' | null, string[]]>([
    ['Ready', 'True', []],
    ['NotReady', 'False', ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']],
    ['Unknown', 'Unknown', ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }']],
    ['no Ready condition', null, ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }']],
  ])('a node that is %s', (_name, ready, want) => {
    expect(taintTolerationFilter.filter(podContext(pod('p')), nodeInfoOf(node('n', { ready })))).toEqual(want);
    const tolerant = pod('p', { tolerations: [{ operator: 'Exists' }] });
    expect(taintTolerationFilter.filter(podContext(tolerant), nodeInfoOf(node('n', { ready })))).toEqual([]);
  });

  it('does not add a readiness taint the node lifecycle controller already put', () => {
    const n = node('n', { ready: 'False', taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] });
    expect(effectiveTaints(n)).toEqual([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  });
});

describe('NodeUnschedulable', () => {
  it.each<[string, boolean, V1Toleration[] | undefined, string[]]>([
    ['schedulable', false, undefined, []],
    ['cordoned', true, undefined, ['node(s) were unschedulable']],
    ['cordoned, tolerated', true, [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }], []],
  ])('%s', (_name, unschedulable, tolerations, want) => {
    expect(nodeUnschedulableFilter.filter(podContext(pod('p', { tolerations })), nodeInfoOf(node('n', { unschedulable })))).toEqual(want);
  });
});

describe('TaintToleration score', () => {
  it('counts untolerated PreferNoSchedule taints and reverses them', () => {
    const prefer = (key: string): V1Taint => ({ key, effect: 'PreferNoSchedule' });
    const p = pod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }, { key: 'b', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(countIntolerablePreferNoSchedule([prefer('a'), prefer('b'), prefer('c')], p.spec!.tolerations)).toBe(2);
    const ctx = podContext(p);
    const nodes = [node('x'), node('y', { taints: [prefer('c')] }), node('z', { taints: [prefer('b'), prefer('c')] })].map((n) => nodeInfoOf(n));
    const raw = nodes.map((n) => taintTolerationScore.score(ctx, n));
    expect(raw).toEqual([0, 1, 2]);
    expect(taintTolerationScore.normalize!(raw, ctx)).toEqual([100, 50, 0]);
    expect(taintTolerationScore.normalize!([0, 0], ctx)).toEqual([100, 100]);
  });
});
