import { describe, expect, it } from 'vitest';
import { threeWayPatch } from './three-way.js';

const container = (env: { name: string; value: string }[], image = 'nginx:1') => ({ name: 'app', image, env });

describe('three-way merge patch', () => {
  it('is empty when the file matches the live object (fields others set are kept)', () => {
    const file = { spec: { replicas: 3 } };
    expect(threeWayPatch(file, file, { spec: { replicas: 3, paused: false }, status: { x: 1 } }, true)).toEqual({});
  });
  it('sets what changed and nulls what the previous apply set and the file dropped', () => {
    const original = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 3 } };
    const modified = { metadata: { labels: { a: '1' } }, spec: { replicas: 5 } };
    const current = { metadata: { labels: { a: '1', b: '2', c: 'controller' } }, spec: { replicas: 3, revisionHistoryLimit: 10 } };
    expect(threeWayPatch(original, modified, current, true)).toEqual({ metadata: { labels: { b: null } }, spec: { replicas: 5 } });
  });
  it('never deletes a field only others set', () => {
    expect(threeWayPatch({}, { a: 1 }, { a: 1, b: 2 }, true)).toEqual({});
  });
  it('merges containers and env by name, deleting dropped items with $patch', () => {
    const original = { containers: [container([{ name: 'A', value: '1' }, { name: 'B', value: '2' }])] };
    const modified = { containers: [container([{ name: 'A', value: '1' }], 'nginx:2')] };
    const current = { containers: [{ ...container([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]), terminationMessagePath: '/dev/termination-log' }] };
    expect(threeWayPatch(original, modified, current, true)).toEqual({ containers: [{ name: 'app', image: 'nginx:2', env: [{ name: 'B', $patch: 'delete' }] }] });
  });
  it('replaces lists whole in a JSON merge patch', () => {
    expect(threeWayPatch({ l: [1, 2] }, { l: [1] }, { l: [1, 2] }, false)).toEqual({ l: [1] });
    expect(threeWayPatch(undefined, { containers: [container([])] }, { containers: [container([], 'old')] }, false)).toEqual({ containers: [container([])] });
  });
});
