import { describe, expect, it } from 'vitest';
import { podContext } from '../framework.js';
import { nodeInfoOf } from '../nodeinfo.js';
import { node, pod, type NodeOptions, type PodOptions } from '../test-helpers.js';
import { nodePortsFilter } from './node-ports.js';
import { balancedAllocationScore, insufficientResources, leastAllocatedScore, leastRequestedScore } from './node-resources.js';

describe('NodeResourcesFit filter', () => {
  it.each<{ name: string; node: NodeOptions; existing?: PodOptions[]; pod: PodOptions; want: string[] }>([
    { name: 'fits', node: { cpu: '2', memory: '4Gi' }, pod: { cpu: '1', memory: '1Gi' }, want: [] },
    { name: 'fits exactly', node: { cpu: '2' }, existing: [{ cpu: '1500m' }], pod: { cpu: '500m' }, want: [] },
    { name: 'cpu', node: { cpu: '2' }, existing: [{ cpu: '1500m' }], pod: { cpu: '501m' }, want: ['Insufficient cpu'] },
    { name: 'memory', node: { memory: '1Gi' }, pod: { memory: '2Gi' }, want: ['Insufficient memory'] },
    { name: 'cpu and memory', node: { cpu: '1', memory: '1Gi' }, pod: { cpu: '2', memory: '2Gi' }, want: ['Insufficient cpu', 'Insufficient memory'] },
    { name: 'too many pods', node: { pods: '1' }, existing: [{}], pod: {}, want: ['Too many pods'] },
    { name: 'too many pods comes first', node: { pods: '1', cpu: '1' }, existing: [{ cpu: '1' }], pod: { cpu: '1' }, want: ['Too many pods', 'Insufficient cpu'] },
    { name: 'no request never fails on an overcommitted node', node: { cpu: '1' }, existing: [{ cpu: '2' }], pod: {}, want: [] },
    { name: 'an extended resource', node: { extra: { 'example.com/gpu': '1' } }, pod: { containers: [{ name: 'a', resources: { requests: { 'example.com/gpu': '2' } } }] }, want: ['Insufficient example.com/gpu'] },
    { name: 'an extended resource the node lacks', node: {}, pod: { containers: [{ name: 'a', resources: { requests: { 'example.com/gpu': '1' } } }] }, want: ['Insufficient example.com/gpu'] },
  ])('$name', ({ node: n, existing, pod: p, want }) => {
    const ni = nodeInfoOf(node('n', n), (existing ?? []).map((o, i) => pod(`e${i}`, { ...o, nodeName: 'n' })));
    expect(insufficientResources(podContext(pod('p', p)), ni)).toEqual(want);
  });
});

describe('NodePorts filter', () => {
  it.each<[number[], number[], string[]]>([
    [[80], [], []],
    [[80], [81], []],
    [[80], [80], ["node(s) didn't have free ports for the requested pod ports"]],
    [[], [80], []],
  ])('want %o with %o in use', (want, used, reasons) => {
    const ni = nodeInfoOf(node('n'), [pod('e', { hostPorts: used, nodeName: 'n' })]);
    expect(nodePortsFilter.filter(podContext(pod('p', { hostPorts: want })), ni)).toEqual(reasons);
  });
});

describe('scores', () => {
  it.each([
    [0, 4000, 100],
    [1000, 4000, 75],
    [3999, 4000, 0],
    [4000, 4000, 0],
    [5000, 4000, 0],
    [1, 0, 0],
  ])('leastRequestedScore(%d, %d) = %d', (req, cap, want) => {
    expect(leastRequestedScore(req, cap)).toBe(want);
  });

  it('LeastAllocated averages cpu and memory, with defaults for absent requests', () => {
    // 4 cpu / 8Gi node with a 2 cpu / 2Gi pod; the new pod asks 0 cpu... absent → 100m and 200Mi.
    const ni = nodeInfoOf(node('n', { cpu: '4', memory: '8Gi' }), [pod('e', { cpu: '2', memory: '2Gi', nodeName: 'n' })]);
    const cpu = Math.trunc(((4000 - 2100) * 100) / 4000); // 47
    const mem = Math.trunc(((8 * 2 ** 30 - 2 * 2 ** 30 - 200 * 2 ** 20) * 100) / (8 * 2 ** 30)); // 72
    expect(leastAllocatedScore(podContext(pod('p')), ni)).toBe(Math.trunc((cpu + mem) / 2));
  });

  it.each<[string, PodOptions, number]>([
    ['equal shares are perfectly balanced', { cpu: '2', memory: '4Gi' }, 100],
    ['half cpu, no memory', { cpu: '2' }, 75],
    ['all cpu, no memory', { cpu: '4' }, 50],
    ['over capacity is capped at 1', { cpu: '8' }, 50],
  ])('BalancedAllocation: %s', (_name, p, want) => {
    const ni = nodeInfoOf(node('n', { cpu: '4', memory: '8Gi' }));
    expect(balancedAllocationScore(podContext(pod('p', p)), ni)).toBe(want);
  });
});
