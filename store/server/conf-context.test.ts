import { describe, expect, it } from 'vitest';
import { decodeConfContext, encodeConfContext, type ConfContext } from './conf-context.js';
import { encodeMember, type MemberRecord } from './membership.js';

const member: MemberRecord = { id: 0xfedcba9876543210n, name: '', peerUrls: ['http://a:1', 'http://b:2'], clientUrls: [], isLearner: true };

describe('conf change context', () => {
  it('round-trips every kind, with and without a request id, keeping 64-bit ids exact', () => {
    const cases: ConfContext[] = [
      { change: { kind: 'add', member }, requestId: 'abc-1' },
      { change: { kind: 'add', member: { ...member, isLearner: false } } },
      { change: { kind: 'promote', id: 0xffffffffffffffffn }, requestId: 'abc-2' },
      { change: { kind: 'remove', id: 1n } },
      { change: { kind: 'update', id: 42n, peerUrls: ['http://c:3'] }, requestId: 'x' },
    ];
    for (const c of cases) expect(decodeConfContext(encodeConfContext(c))).toEqual(c);
  });

  it('reads the older context, a bare member record, as an addition', () => {
    expect(decodeConfContext(encodeMember(member))).toEqual({ change: { kind: 'add', member } });
  });

  it('refuses a context that lacks what its kind needs', () => {
    for (const bad of [{ kind: 'remove' }, { kind: 'update', id: 'ab' }, { kind: 'add' }, { kind: 'explode', id: '1' }]) {
      expect(() => decodeConfContext(Buffer.from(JSON.stringify(bad)))).toThrow('malformed conf change context');
    }
  });
});
