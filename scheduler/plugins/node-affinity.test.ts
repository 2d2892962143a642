import type { V1NodeSelectorRequirement } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podContext } from '../framework.js';
import { nodeInfoOf } from '../nodeinfo.js';
import { node, pod } from '../test-helpers.js';
import { ERR_REASON_AFFINITY, matchesRequirement, nodeAffinityFilter, nodeAffinityScore, podMatchesNode, preferredAffinityScore } from './node-affinity.js';

const labels = { zone: 'a', tier: 'gold', cores: '16', name: 'x' };

describe('node selector requirements', () => {
  it.each<[V1NodeSelectorRequirement, boolean]>([
    [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, true],
    [{ key: 'zone', operator: 'In', values: ['b'] }, false],
    [{ key: 'missing', operator: 'In', values: ['a'] }, false],
    [{ key: 'zone', operator: 'NotIn', values: ['b'] }, true],
    [{ key: 'zone', operator: 'NotIn', values: ['a'] }, false],
    [{ key: 'missing', operator: 'NotIn', values: ['a'] }, true],
    [{ key: 'tier', operator: 'Exists' }, true],
    [{ key: 'missing', operator: 'Exists' }, false],
    [{ key: 'missing', operator: 'DoesNotExist' }, true],
    [{ key: 'tier', operator: 'DoesNotExist' }, false],
    [{ key: 'cores', operator: 'Gt', values: ['8'] }, true],
    [{ key: 'cores', operator: 'Gt', values: ['16'] }, false],
    [{ key: 'cores', operator: 'Lt', values: ['32'] }, true],
    [{ key: 'cores', operator: 'Lt', values: ['16'] }, false],
    [{ key: 'zone', operator: 'Gt', values: ['1'] }, false],
    [{ key: 'cores', operator: 'Gt', values: ['x'] }, false],
    [{ key: 'cores', operator: 'Gt', values: ['1', '2'] }, false],
    [{ key: 'missing', operator: 'Lt', values: ['1'] }, false],
    [{ key: 'zone', operator: 'Bogus', values: ['a'] }, false],
  ])('%o → %s', (req, want) => {
    expect(matchesRequirement(req, labels)).toBe(want);
  });
});

describe('pod node affinity and selector', () => {
  const n = node('n1', { labels: { zone: 'a', disk: 'ssd' } });
  const required = (terms: object[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } }) as never;
  it.each<[string, Parameters<typeof pod>[1], boolean]>([
    ['no constraints', {}, true],
    ['nodeSelector matches', { nodeSelector: { zone: 'a' } }, true],
    ['nodeSelector differs', { nodeSelector: { zone: 'b' } }, false],
    ['nodeSelector all labels needed', { nodeSelector: { zone: 'a', disk: 'hdd' } }, false],
    ['terms are ORed', { affinity: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'disk', operator: 'Exists' }] }]) }, true],
    ['expressions in a term are ANDed', { affinity: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'In', values: ['hdd'] }] }]) }, false],
    ['an empty term matches nothing', { affinity: required([{}]) }, false],
    ['matchFields metadata.name In', { affinity: required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]) }, true],
    ['matchFields metadata.name NotIn', { affinity: required([{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }]) }, false],
    ['matchFields other key', { affinity: required([{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['x'] }] }]) }, false],
    ['selector and affinity both apply', { nodeSelector: { zone: 'b' }, affinity: required([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }]) }, false],
  ])('%s', (_name, opts, want) => {
    expect(podMatchesNode(pod('p', opts), n)).toBe(want);
    expect(nodeAffinityFilter.filter(podContext(pod('p', opts)), nodeInfoOf(n))).toEqual(want ? [] : [ERR_REASON_AFFINITY]);
  });

  it('preferred terms add their weights, normalized to 100', () => {
    const p = pod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 30, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          ],
        },
      } as never,
    });
    const nodes = [node('a', { labels: { zone: 'a' } }), node('b', { labels: { zone: 'a', disk: 'ssd' } }), node('c')];
    const raw = nodes.map((x) => preferredAffinityScore(p, x));
    expect(raw).toEqual([10, 40, 0]);
    expect(nodeAffinityScore.normalize!(raw, podContext(p))).toEqual([25, 100, 0]);
  });
});
