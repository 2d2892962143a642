import { describe, expect, it } from 'vitest';
import { RESOURCES, type KubeObject } from '../../client/types.js';
import { blockingDependents, decideForDependent, gcKey, parseGcKey, resourceForOwner, type DependentFacts } from './graph.js';

const facts = (f: Partial<DependentFacts>): DependentFacts => ({ owners: [], finalizers: [], hasDependents: false, aDependentIsDeletingDependents: false, ...f });

describe('decideForDependent (attemptToDeleteItem)', () => {
  const cases: [string, DependentFacts, ReturnType<typeof decideForDependent>][] = [
    ['no owners: nothing', facts({}), { action: 'none' }],
    ['one solid owner', facts({ owners: [{ uid: 'a', state: 'solid' }] }), { action: 'none' }],
    ['solid + dangling: drop the dangling reference', facts({ owners: [{ uid: 'a', state: 'solid' }, { uid: 'b', state: 'dangling' }] }), { action: 'removeOwnerRefs', uids: ['b'] }],
    ['solid + waiting: drop the waiting reference', facts({ owners: [{ uid: 'a', state: 'waiting' }, { uid: 'b', state: 'solid' }] }), { action: 'removeOwnerRefs', uids: ['a'] }],
    ['all dangling: background delete', facts({ owners: [{ uid: 'a', state: 'dangling' }] }), { action: 'delete', policy: 'Background', unblockFirst: false }],
    ['all dangling, own orphan finalizer: orphan delete', facts({ owners: [{ uid: 'a', state: 'dangling' }], finalizers: ['orphan'] }), { action: 'delete', policy: 'Orphan', unblockFirst: false }],
    ['all dangling, own foreground finalizer', facts({ owners: [{ uid: 'a', state: 'dangling' }], finalizers: ['foregroundDeletion'] }), { action: 'delete', policy: 'Foreground', unblockFirst: false }],
    ['waiting owner, no dependents: background', facts({ owners: [{ uid: 'a', state: 'waiting' }] }), { action: 'delete', policy: 'Background', unblockFirst: false }],
    ['waiting owner, has dependents: foreground', facts({ owners: [{ uid: 'a', state: 'waiting' }], hasDependents: true }), { action: 'delete', policy: 'Foreground', unblockFirst: false }],
    ['waiting owner, a dependent deleting dependents: unblock, then foreground', facts({ owners: [{ uid: 'a', state: 'waiting' }], hasDependents: true, aDependentIsDeletingDependents: true }), { action: 'delete', policy: 'Foreground', unblockFirst: true }],
    ['waiting + dangling, has dependents: foreground', facts({ owners: [{ uid: 'a', state: 'waiting' }, { uid: 'b', state: 'dangling' }], hasDependents: true }), { action: 'delete', policy: 'Foreground', unblockFirst: false }],
  ];
  it.each(cases)('%s', (_name, input, want) => expect(decideForDependent(input)).toEqual(want));
});

describe('keys and references', () => {
  it.each([
    [RESOURCES.replicasets, 'default', 'web', 'replicasets.apps:default/web'],
    [RESOURCES.pods, 'ns', 'p', 'pods:ns/p'],
    [RESOURCES.nodes, undefined, 'n1', 'nodes:n1'],
  ] as const)('gcKey(%s) round-trips', (r, ns, name, key) => {
    expect(gcKey(r, ns, name)).toBe(key);
    expect(parseGcKey(key)).toEqual(ns ? { resource: key.split(':')[0], namespace: ns, name } : { resource: key.split(':')[0], name });
  });
  it('rejects a key without a resource', () => expect(parseGcKey('default/web')).toBeUndefined());

  it.each([
    ['apps/v1', 'ReplicaSet', 'replicasets'],
    ['apps/v1beta2', 'Deployment', 'deployments'],
    ['v1', 'Pod', 'pods'],
    ['batch/v1', 'Job', 'jobs'],
    ['v1', 'ReplicaSet', undefined],
    ['example.com/v1', 'Widget', undefined],
  ])('resourceForOwner(%s %s) = %s', (apiVersion, kind, plural) => {
    expect(resourceForOwner(Object.values(RESOURCES), { apiVersion, kind })?.plural).toBe(plural);
  });

  it('blockingDependents keeps references with blockOwnerDeletion=true to that owner only', () => {
    const dep = (name: string, uid: string, block?: boolean): KubeObject => ({
      metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid, blockOwnerDeletion: block }] },
    });
    const deps = [dep('a', 'o1', true), dep('b', 'o1', false), dep('c', 'o1'), dep('d', 'o2', true)];
    expect(blockingDependents('o1', deps).map((d) => d.metadata.name)).toEqual(['a']);
  });
});
