import { describe, expect, it } from 'vitest';
import { claimDecision } from './claim.js';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';

describe('ControllerExpectations', () => {
  it('is satisfied when nothing is pending, when all were observed, or when expired', () => {
    let now = 0;
    const e = new ControllerExpectations({ now: () => now });
    expect(e.satisfied('ns/a')).toBe(true);
    e.expectCreations('ns/a', 2);
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(true);
    e.expectDeletions('ns/a', ['ns/p1', 'ns/p2']);
    e.deletionObserved('ns/a', 'ns/p1');
    e.deletionObserved('ns/a', 'ns/p1'); // the same pod seen twice (deletionTimestamp, then delete) counts once
    expect(e.pending('ns/a')).toEqual({ add: 0, del: 1 });
    now += EXPECTATIONS_TIMEOUT_MS;
    expect(e.satisfied('ns/a')).toBe(false);
    now += 1;
    expect(e.satisfied('ns/a')).toBe(true);
    e.delete('ns/a');
    expect(e.pending('ns/a')).toBeUndefined();
  });
});

describe('claimDecision', () => {
  const obj = (controllerUid?: string, deleting = false) => ({
    metadata: { name: 'p', ownerReferences: controllerUid ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: controllerUid, controller: true }] : undefined, deletionTimestamp: deleting ? (new Date(0) as Date) : undefined },
  });
  it.each([
    ['owned and matching', obj('me'), false, true, 'keep'],
    ['owned, not matching', obj('me'), false, false, 'release'],
    ['owned, not matching, owner deleting', obj('me'), true, false, 'keep'],
    ['orphan matching', obj(), false, true, 'adopt'],
    ['orphan matching, owner deleting', obj(), true, true, 'ignore'],
    ['orphan matching but terminating', obj(undefined, true), false, true, 'ignore'],
    ['orphan not matching', obj(), false, false, 'ignore'],
    ['owned by another', obj('other'), false, true, 'ignore'],
  ] as const)('%s → %s', (_n, o, deleting, matches, want) => expect(claimDecision(o, 'me', deleting, matches)).toBe(want));
});
