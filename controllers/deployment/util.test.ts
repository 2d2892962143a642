import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { computeHash, fnv32a, safeEncodeString } from './hash.js';
import {
  equalIgnoreHash,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportion,
  resolveFenceposts,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  scaledValue,
  setNewReplicaSetAnnotations,
} from './util.js';

const dep = (replicas: number, surge?: number | string, unavailable?: number | string, type = 'RollingUpdate'): V1Deployment => ({
  metadata: { name: 'web' },
  spec: { replicas, selector: {}, template: {}, strategy: { type, rollingUpdate: type === 'RollingUpdate' ? { maxSurge: surge, maxUnavailable: unavailable } : undefined } },
});
const rs = (replicas: number, annotations: Record<string, string> = {}): V1ReplicaSet => ({ metadata: { name: `rs${replicas}`, annotations }, spec: { replicas, selector: {} } });

describe('intstr and fenceposts', () => {
  it.each([
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['0%', 10, true, 0],
    ['100%', 3, false, 3],
    ['33%', 4, true, 2],
    ['33%', 4, false, 1],
  ] as const)('scaledValue(%s of %s, roundUp=%s) = %s', (v, total, up, want) => expect(scaledValue(v, total, up)).toBe(want));

  it('rejects a string that is not a percentage', () => expect(() => scaledValue('5', 10, true)).toThrow());

  it.each([
    [1, 1, 4, 1, 1],
    ['25%', '25%', 10, 3, 2],
    [0, 0, 5, 0, 1],
    ['0%', '0%', 3, 0, 1],
    ['50%', '10%', 3, 2, 0],
  ] as const)('surge %s unavailable %s of %s → %s/%s', (s, u, n, ws, wu) => expect(resolveFenceposts(s, u, n)).toEqual({ surge: ws, unavailable: wu }));

  it('maxUnavailable is capped by replicas and 0 for Recreate or 0 replicas; maxSurge 0 for Recreate', () => {
    expect(maxUnavailable(dep(2, 0, 5))).toBe(2);
    expect(maxUnavailable(dep(0, 1, 1))).toBe(0);
    expect(maxUnavailable(dep(3, 1, 1, 'Recreate'))).toBe(0);
    expect(maxSurge(dep(3, 1, 1, 'Recreate'))).toBe(0);
    expect(maxSurge(dep(4, undefined, undefined))).toBe(1); // 25% default, rounded up
  });
});

describe('NewRSNewReplicas', () => {
  it.each([
    // replicas, surge, old sets' sizes, new size → want
    [4, 1, [4], 0, 1],
    [4, 1, [3], 1, 2],
    [4, 1, [4], 1, 1], // at replicas+surge: no room
    [4, 2, [0], 3, 4], // never above replicas
    [10, 3, [8], 5, 5],
  ])('replicas %s surge %s old %j new %s → %s', (replicas, surge, olds, cur, want) => {
    const d = dep(replicas, surge, 1);
    const newRS = rs(cur);
    expect(newRSNewReplicas(d, [...olds.map((n) => rs(n)), newRS], newRS)).toBe(want);
  });
  it('Recreate goes straight to replicas', () => expect(newRSNewReplicas(dep(5, 0, 0, 'Recreate'), [rs(5), rs(0)], rs(0))).toBe(5));
});

describe('proportional scaling', () => {
  it('splits by the max-replicas annotation and rounds half away from zero', () => {
    const d = dep(15, 3, 2);
    expect(proportion(rs(8, { 'deployment.kubernetes.io/max-replicas': '13' }), d, 5, 0)).toBe(3);
    expect(proportion(rs(5, { 'deployment.kubernetes.io/max-replicas': '13' }), d, 5, 3)).toBe(2);
    // Scaling to 0 removes everything.
    expect(proportion(rs(5), dep(0, 1, 1), -5, 0)).toBe(-5);
    expect(proportion(rs(0), d, 5, 0)).toBe(0);
  });
});

describe('revision annotations', () => {
  it('raises the revision of a reused set and keeps the old one in revision-history', () => {
    const d = dep(2, 1, 1);
    d.metadata!.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'team': 'a', [REVISION_ANNOTATION]: '5' };
    const set = rs(0, { [REVISION_ANNOTATION]: '1' });
    expect(setNewReplicaSetAnnotations(d, set, '3', true)).toBe(true);
    expect(set.metadata!.annotations).toEqual({ [REVISION_ANNOTATION]: '3', [REVISION_HISTORY_ANNOTATION]: '1', team: 'a' });
    expect(setNewReplicaSetAnnotations(d, set, '5', true)).toBe(true);
    expect(set.metadata!.annotations![REVISION_HISTORY_ANNOTATION]).toBe('1,3');
    expect(setNewReplicaSetAnnotations(d, set, '5', true)).toBe(false);
  });
});

describe('pod-template-hash', () => {
  it('fnv32a matches the reference vectors', () => {
    expect(fnv32a(Buffer.from(''))).toBe(0x811c9dc5);
    expect(fnv32a(Buffer.from('a'))).toBe(0xe40c292c);
    expect(fnv32a(Buffer.from('foobar'))).toBe(0xbf9cf968);
  });
  it('SafeEncodeString maps each digit byte into the vowel-free alphabet (hence hashes like 5d4f8b9c6)', () => expect(safeEncodeString('0123456789')).toBe('456789bcdf'));
  it('is stable under key order, changes with the template and with collisionCount', () => {
    const a = computeHash({ metadata: { labels: { app: 'web', x: '1' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const b = computeHash({ spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { x: '1', app: 'web' } } });
    expect(a).toBe(b);
    expect(computeHash({ spec: { containers: [{ image: 'nginx:2', name: 'c' }] } })).not.toBe(a);
    expect(computeHash({ metadata: { labels: { app: 'web', x: '1' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, 1)).not.toBe(a);
    expect(a).toMatch(/^[4-9bcdf]{1,10}$/);
  });
  it('equalIgnoreHash ignores only the pod-template-hash label', () => {
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    expect(equalIgnoreHash(t, { ...t, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } })).toBe(true);
    expect(equalIgnoreHash(t, { ...t, metadata: { labels: { app: 'web', other: 'x' } } })).toBe(false);
  });
});
