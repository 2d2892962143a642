// Durability and reads against the log: an acknowledged write missing from a member, a member that
// disagrees, a hole, a keyspace that is not what its log adds up to, and a read that shows a
// state the log never had are all caught.

import { describe, expect, it } from 'vitest';
import { checkDurability, type MemberCopy } from './durability.js';
import { EventLog } from './event-log.js';
import type { LogEvent } from './history.js';
import { checkReadsAgainstLog } from './reads-vs-log.js';
import { del, get, op, put } from './testing.js';

const log: LogEvent[] = [
  { revision: 2, key: 'a', type: 'put', value: 'x' },
  { revision: 3, key: 'b', type: 'put', value: 'y' },
  { revision: 4, key: 'a', type: 'delete' },
];
const ops = [op(1, 'a', ...put('x', 2), 0, 1), op(2, 'b', ...put('y', 3), 0, 1), op(1, 'a', ...del(1, 4), 2, 3)];
const finalState = new Map([['b', { value: 'y', modRevision: 3 }]]);
const copy = (name: string, events: LogEvent[] = log, state = finalState, revision = 4): MemberCopy => ({ name, events, finalState: state, revision });

describe('durability', () => {
  it('identical complete copies pass', () => {
    expect(checkDurability(ops, [copy('m1'), copy('m2'), copy('m3')])).toEqual([]);
  });

  it('a member without an acknowledged write is caught (and its hole too)', () => {
    const lost = [log[0]!, log[2]!];
    const r = checkDurability(ops, [copy('m1'), copy('m2', lost, new Map())]);
    expect(r.some((a) => a.message.includes('m2 lost the acknowledged'))).toBe(true);
    expect(r.some((a) => a.message.includes('no event at revision 3'))).toBe(true);
  });

  it('members that disagree are caught', () => {
    const other: LogEvent[] = [log[0]!, { ...log[1]!, value: 'other' }, log[2]!];
    const r = checkDurability([], [copy('m1'), copy('m2', other, new Map([['b', { value: 'other', modRevision: 3 }]]))]);
    expect(r.map((a) => a.message)).toEqual([expect.stringContaining('disagree at event 1')]);
  });

  it('a keyspace that is not what the log adds up to is caught', () => {
    const r = checkDurability([], [copy('m1', log, new Map([['b', { value: 'y', modRevision: 3 }], ['a', { value: 'x', modRevision: 2 }]]))]);
    expect(r.map((a) => a.message)).toEqual([expect.stringContaining('m1: a is x@2')]);
  });
});

describe('reads against the log', () => {
  const events = new EventLog(log);
  it('a read, even serializable, must show the state the log had at its revision', () => {
    expect(checkReadsAgainstLog([op(1, 'a', ...get({ value: 'x', modRevision: 2 }, 3, true), 0, 1)], events)).toEqual([]);
    expect(checkReadsAgainstLog([op(1, 'a', ...get(null, 4, true), 0, 1)], events)).toEqual([]);
    expect(checkReadsAgainstLog([op(1, 'a', ...get({ value: 'x', modRevision: 2 }, 4, true), 0, 1)], events)).toHaveLength(1);
    expect(checkReadsAgainstLog([op(1, 'a', ...get(null, 2), 0, 1)], events)).toHaveLength(1);
  });
});
