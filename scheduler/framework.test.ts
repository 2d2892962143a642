import { describe, expect, it } from 'vitest';
import { defaultNormalize, fitErrorMessage, podContext, runFilters, selectHost, type FilterPlugin, type NodeScore } from './framework.js';
import { nodeInfoOf } from './nodeinfo.js';
import { node, pod } from './test-helpers.js';

describe('fitErrorMessage', () => {
  const failures = (entries: [string, string[]][]) => new Map(entries);
  it.each<[string, number, Map<string, string[]>, string, string]>([
    ['one reason everywhere', 3, failures([['a', ['Insufficient cpu']], ['b', ['Insufficient cpu']], ['c', ['Insufficient cpu']]]), '', '0/3 nodes are available: 3 Insufficient cpu.'],
    [
      'reasons counted and sorted as strings',
      3,
      failures([['a', ['node(s) were unschedulable']], ['b', ['Insufficient cpu', 'Insufficient memory']], ['c', ['Insufficient cpu']]]),
      '',
      '0/3 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable, 2 Insufficient cpu.',
    ],
    ['"10 x" sorts before "2 y" (Go sort.Strings)', 12, failures([...Array.from({ length: 10 }, (_, i): [string, string[]] => [`a${i}`, ['z']]), ['b1', ['a']], ['b2', ['a']]]), '', '0/12 nodes are available: 10 z, 2 a.'],
    ['with a PostFilter message', 1, failures([['a', ['Insufficient cpu']]]), 'preemption: not eligible.', '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible.'],
  ])('%s', (_name, n, f, post, want) => {
    expect(fitErrorMessage(n, f, post)).toBe(want);
  });
});

describe('runFilters', () => {
  it('stops at the first failing filter of each node', () => {
    const calls: string[] = [];
    const f = (name: string, failOn: string): FilterPlugin => ({
      name,
      filter: (_ctx, ni) => {
        calls.push(`${name}:${ni.name}`);
        return ni.name === failOn ? [`${name} says no`] : [];
      },
    });
    const nodes = ['a', 'b', 'c'].map((n) => nodeInfoOf(node(n)));
    const out = runFilters([f('F1', 'a'), f('F2', 'b')], podContext(pod('p')), nodes);
    expect(out.feasible.map((n) => n.name)).toEqual(['c']);
    expect([...out.failures]).toEqual([
      ['a', ['F1 says no']],
      ['b', ['F2 says no']],
    ]);
    expect(calls).toEqual(['F1:a', 'F1:b', 'F2:b', 'F1:c', 'F2:c']);
  });
});

describe('selectHost', () => {
  const s = (name: string, total: number): NodeScore => ({ name, total, byPlugin: {} });
  it.each<[NodeScore[], number, string | undefined]>([
    [[s('a', 1), s('b', 3), s('c', 2)], 0, 'b'],
    [[s('a', 3), s('b', 3), s('c', 2)], 0, 'a'],
    [[s('a', 3), s('b', 3), s('c', 2)], 0.99, 'b'],
    [[s('a', 3), s('b', 3), s('c', 3)], 0.5, 'b'],
    [[], 0, undefined],
  ])('%o with random %d → %s', (scores, r, want) => {
    expect(selectHost(scores, () => r)).toBe(want);
  });
});

describe('defaultNormalize', () => {
  it.each<[number[], boolean, number[]]>([
    [[0, 5, 10], false, [0, 50, 100]],
    [[0, 5, 10], true, [100, 50, 0]],
    [[0, 0], false, [0, 0]],
    [[0, 0], true, [100, 100]],
    [[3, 7], false, [42, 100]],
  ])('%o reverse=%s → %o', (scores, reverse, want) => {
    expect(defaultNormalize(scores, reverse)).toEqual(want);
  });
});
