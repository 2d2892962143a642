import { describe, expect, it } from 'vitest';
import { nodeInfoOf } from '../nodeinfo.js';
import { node, pod } from '../test-helpers.js';
import { normalizeSpread, siblingsOnNode } from './spread.js';

describe('spread by controller', () => {
  it('counts live pods of the same controller in the same namespace', () => {
    const deleting = pod('s3', { owner: 'rs', nodeName: 'n' });
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z' as unknown as Date;
    const ni = nodeInfoOf(node('n'), [
      pod('s1', { owner: 'rs', nodeName: 'n' }),
      pod('s2', { owner: 'rs', nodeName: 'n' }),
      deleting,
      pod('other', { owner: 'other-rs', nodeName: 'n' }),
      pod('elsewhere', { owner: 'rs', nodeName: 'n', namespace: 'prod' }),
    ]);
    expect(siblingsOnNode(pod('new', { owner: 'rs' }), ni)).toBe(2);
    expect(siblingsOnNode(pod('orphan'), ni)).toBe(0);
  });

  it.each<[number[], number[]]>([
    [[0, 0, 0], [100, 100, 100]],
    [[2, 1, 0], [0, 50, 100]],
    [[3, 1], [0, 66]],
  ])('normalize %o → %o', (counts, want) => {
    expect(normalizeSpread(counts)).toEqual(want);
  });
});
