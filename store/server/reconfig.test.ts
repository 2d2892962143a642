import { describe, expect, it } from 'vitest';
import { raftIdOf } from './identity.js';
import { Membership, type MemberRecord } from './membership.js';
import { HEALTH_INTERVAL_MS, isLearnerReady, mayAddMember, mayPromoteMember, mayRemoveMember, validateChange, type ReconfigView } from './reconfig.js';

const NOW = 1_000_000;
const LONG_AGO = NOW - HEALTH_INTERVAL_MS - 1;
const JUST_NOW = NOW - 10;

const rec = (id: bigint, o: Partial<MemberRecord> = {}): MemberRecord => ({ id, name: `m${id}`, peerUrls: [`http://h:${id}`], clientUrls: [], isLearner: false, ...o });

/** Member 1 is this member; `since` gives each other member's stream start (absent: down). */
function view(members: MemberRecord[], since: Record<string, number> = {}, strict = true): ReconfigView {
  return { selfId: 1n, members, strict, now: NOW, activeSince: (id) => since[id.toString()] };
}

const msg = (e: { message: string } | undefined): string | undefined => e?.message;

describe('mayAddMember (etcd 3.4 strict reconfig check)', () => {
  it('lets a one-member cluster take a second voter (restoring a cluster), and anything when not strict', () => {
    expect(mayAddMember(view([rec(1n)]), false)).toBeUndefined();
    const twoUnstarted = [rec(1n), rec(2n, { name: '' }), rec(3n, { name: '' })];
    expect(mayAddMember(view(twoUnstarted, {}, false), false)).toBeUndefined();
  });

  it('refuses a voter when the started voters would not make a quorum', () => {
    // 1 started of 2 voters + the new one: 1 < 2.
    expect(msg(mayAddMember(view([rec(1n), rec(2n, { name: '' })]), false))).toBe('etcdserver: re-configuration failed due to not enough started members');
    // 3 started of 4 + 1: 3 >= 3.
    const four = [rec(1n), rec(2n), rec(3n), rec(4n, { name: '' })];
    expect(msg(mayAddMember(view(four, { 2: LONG_AGO, 3: LONG_AGO, 4: LONG_AGO }), false))).toBeUndefined();
  });

  it('is unhealthy unless every other voter has been connected for the health interval (learners too)', () => {
    const three = [rec(1n), rec(2n), rec(3n)];
    expect(msg(mayAddMember(view(three, { 2: LONG_AGO, 3: JUST_NOW }), true))).toBe('etcdserver: unhealthy cluster');
    expect(msg(mayAddMember(view(three, { 2: LONG_AGO }), false))).toBe('etcdserver: unhealthy cluster');
    expect(mayAddMember(view(three, { 2: LONG_AGO, 3: LONG_AGO }), true)).toBeUndefined();
    // A learner is not a voter: not needed connected.
    expect(mayAddMember(view([...three, rec(4n, { isLearner: true })], { 2: LONG_AGO, 3: LONG_AGO }), false)).toBeUndefined();
  });
});

describe('mayRemoveMember', () => {
  const three = [rec(1n), rec(2n), rec(3n)];

  it('always lets a learner go', () => {
    expect(mayRemoveMember(view([...three, rec(4n, { isLearner: true, name: '' })], {}), 4n)).toBeUndefined();
  });

  it('refuses when the remaining started voters are not a quorum', () => {
    const members = [rec(1n), rec(2n), rec(3n, { name: '' }), rec(4n, { name: '' })];
    // Without 2: 1 started of 3.
    expect(msg(mayRemoveMember(view(members, { 2: LONG_AGO }), 2n))).toBe('etcdserver: re-configuration failed due to not enough started members');
  });

  it('lets a member this one is not connected to go, but not one whose removal breaks the active quorum', () => {
    expect(mayRemoveMember(view(three, { 2: LONG_AGO }), 3n)).toBeUndefined();
    // 3 is down: removing 2 leaves this member alone among the active voters.
    expect(msg(mayRemoveMember(view(three, { 2: LONG_AGO }), 2n))).toBe('etcdserver: unhealthy cluster');
    expect(msg(mayRemoveMember(view(three, { 2: LONG_AGO, 3: JUST_NOW }), 2n))).toBe('etcdserver: unhealthy cluster');
    expect(mayRemoveMember(view(three, { 2: LONG_AGO, 3: LONG_AGO }), 2n)).toBeUndefined();
    // Removing itself counts itself as active.
    expect(mayRemoveMember(view(three, { 2: LONG_AGO, 3: LONG_AGO }), 1n)).toBeUndefined();
    expect(msg(mayRemoveMember(view(three, { 2: LONG_AGO }), 1n))).toBe('etcdserver: unhealthy cluster');
    expect(mayRemoveMember(view(three, {}, false), 1n)).toBeUndefined();
  });
});

describe('promotion', () => {
  it('needs the learner at 90% of the leader match; an untracked id passes to the apply-time check', () => {
    const progress = new Map([
      [1, { match: 100 }],
      [2, { match: 89 }],
      [3, { match: 90 }],
    ]);
    expect(msg(isLearnerReady(progress, 1, 2))).toBe('etcdserver: can only promote a learner member which is in sync with leader');
    expect(isLearnerReady(progress, 1, 3)).toBeUndefined();
    expect(isLearnerReady(progress, 1, 4)).toBeUndefined();
  });

  it('counts the learner as a started voter for the quorum check', () => {
    expect(mayPromoteMember(view([rec(1n), rec(2n, { name: '' })]))).toBeUndefined();
    expect(msg(mayPromoteMember(view([rec(1n), rec(2n, { name: '' }), rec(3n, { name: '' }), rec(4n, { name: '' })])))).toBe(
      'etcdserver: re-configuration failed due to not enough started members',
    );
  });
});

describe('validateChange (apply time, the same on every member)', () => {
  function table(): Membership {
    const t = new Membership();
    t.add(rec(1n));
    t.add(rec(2n, { isLearner: true }));
    t.add(rec(3n));
    t.remove(3n);
    return t;
  }

  it('refuses removed ids as "member not found", whatever the change', () => {
    const t = table();
    expect(msg(validateChange(t, { kind: 'remove', id: 3n }))).toBe('etcdserver: member not found');
    expect(msg(validateChange(t, { kind: 'add', member: rec(3n, { peerUrls: ['http://new:1'] }) }))).toBe('etcdserver: member not found');
    expect(msg(validateChange(t, { kind: 'promote', id: 3n }))).toBe('etcdserver: member not found');
  });

  it('add: existing id, colliding Raft id, taken peer URL, one learner at most', () => {
    const t = table();
    expect(msg(validateChange(t, { kind: 'add', member: rec(1n, { peerUrls: ['http://new:1'] }) }))).toBe('etcdserver: member ID already exist');
    const collider = (1n << 52n) + 1n;
    expect(raftIdOf(collider)).toBe(raftIdOf(1n));
    expect(msg(validateChange(t, { kind: 'add', member: rec(collider, { peerUrls: ['http://new:1'] }) }))).toBe('etcdserver: member ID already exist');
    expect(msg(validateChange(t, { kind: 'add', member: rec(9n, { peerUrls: ['http://new:1', 'http://h:2'] }) }))).toBe('etcdserver: Peer URLs already exists');
    expect(msg(validateChange(t, { kind: 'add', member: rec(9n, { isLearner: true }) }))).toBe('etcdserver: too many learner members in cluster');
    expect(validateChange(t, { kind: 'add', member: rec(9n) })).toBeUndefined();
  });

  it('promote, remove, update', () => {
    const t = table();
    expect(msg(validateChange(t, { kind: 'promote', id: 1n }))).toBe('etcdserver: can only promote a learner member');
    expect(validateChange(t, { kind: 'promote', id: 2n })).toBeUndefined();
    expect(msg(validateChange(t, { kind: 'promote', id: 7n }))).toBe('etcdserver: member not found');
    expect(msg(validateChange(t, { kind: 'remove', id: 7n }))).toBe('etcdserver: member not found');
    expect(validateChange(t, { kind: 'remove', id: 2n })).toBeUndefined();
    expect(msg(validateChange(t, { kind: 'update', id: 7n, peerUrls: ['http://x:1'] }))).toBe('etcdserver: member not found');
    expect(msg(validateChange(t, { kind: 'update', id: 1n, peerUrls: ['http://h:2'] }))).toBe('etcdserver: Peer URLs already exists');
    // Its own URLs are not a conflict.
    expect(validateChange(t, { kind: 'update', id: 1n, peerUrls: ['http://h:1', 'http://h:11'] })).toBeUndefined();
  });
});
