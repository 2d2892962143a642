// The linearizability checker on hand-made histories (each bad one must be rejected, each
// almost-identical good one accepted) and on random histories made linearizable by construction,
// which must pass, and must fail once one read is made to return a value nobody wrote.

import { describe, expect, it } from 'vitest';
import type { KvOp } from './history.js';
import { EventLog } from './event-log.js';
import { checkLinearizability, resolveUnknownWrites } from './linearizability.js';
import { cas, del, get, op, put, randomHistory, randomHistoryWithLog } from './testing.js';

const v = (value: string, modRevision: number) => ({ value, modRevision });

function anomalies(ops: KvOp[]): string[] {
  const r = checkLinearizability(ops);
  expect(r.undecided).toEqual([]);
  return r.anomalies.map((a) => a.message);
}

describe('linearizability: hand-made histories', () => {
  it('a read after a completed write must see it (a stale read is caught)', () => {
    const good = [op(1, 'a', ...put('x', 2), 0, 1), op(2, 'a', ...get(v('x', 2), 2), 2, 3)];
    expect(anomalies(good)).toEqual([]);
    const stale = [op(1, 'a', ...put('x', 2), 0, 1), op(2, 'a', ...get(null, 2), 2, 3)];
    expect(anomalies(stale)).toHaveLength(1);
  });

  it('a read concurrent with a write may see either value', () => {
    const w = op(1, 'a', ...put('x', 2), 0, 10);
    expect(anomalies([w, op(2, 'a', ...get(null, 1), 1, 2)])).toEqual([]);
    expect(anomalies([w, op(2, 'a', ...get(v('x', 2), 2), 1, 2)])).toEqual([]);
  });

  it('two reads may not see the new value then the old one (no going back in time)', () => {
    const w = op(1, 'a', ...put('x', 2), 0, 10);
    const r1 = op(2, 'a', ...get(v('x', 2), 2), 1, 2);
    const r2 = op(3, 'a', ...get(null, 1), 3, 4);
    expect(anomalies([w, r1, r2])).toHaveLength(1);
    // Reversed, it is fine: old value first, new value after.
    const r1b = op(2, 'a', ...get(null, 1), 1, 2);
    const r2b = op(3, 'a', ...get(v('x', 2), 2), 3, 4);
    expect(anomalies([w, r1b, r2b])).toEqual([]);
  });

  it('a compare-and-set that succeeded twice on the same expected value is caught', () => {
    const ops = [
      op(1, 'a', ...put('x', 2), 0, 1),
      op(2, 'a', ...cas('x', 'y', true, 3), 2, 5),
      op(3, 'a', ...cas('x', 'z', true, 4), 2, 5),
    ];
    expect(anomalies(ops)).toHaveLength(1);
    const oneWins = [ops[0]!, ops[1]!, op(3, 'a', ...cas('x', 'z', false, 3, v('y', 3)), 2, 5)];
    expect(anomalies(oneWins)).toEqual([]);
  });

  it('a failed compare must report the value the key held', () => {
    const ops = [op(1, 'a', ...put('x', 2), 0, 1), op(2, 'a', ...cas('q', 'y', false, 2, v('w', 2)), 2, 3)];
    expect(anomalies(ops)).toHaveLength(1);
  });

  it("a delete's count must match whether the key existed", () => {
    expect(anomalies([op(1, 'a', ...del(1, 1), 0, 1)])).toHaveLength(1);
    expect(anomalies([op(1, 'a', ...put('x', 2), 0, 1), op(1, 'a', ...del(1, 3), 2, 3)])).toEqual([]);
    expect(anomalies([op(1, 'a', ...put('x', 2), 0, 1), op(1, 'a', ...del(0, 2), 2, 3)])).toHaveLength(1);
  });

  it('a write with an unknown outcome may take effect late, or never', () => {
    const lost = op(1, 'a', ...put('x', 2), 0, undefined);
    expect(anomalies([lost, op(2, 'a', ...get(null, 1), 5, 6)])).toEqual([]);
    expect(anomalies([lost, op(2, 'a', ...get(v('x', 2), 2), 5, 6), op(2, 'a', ...get(v('x', 2), 2), 7, 8)])).toEqual([]);
    // ...but only once: after it was seen and overwritten, it cannot come back.
    const back = [lost, op(2, 'a', ...get(v('x', 2), 2), 5, 6), op(2, 'a', ...put('y', 3), 7, 8), op(2, 'a', ...get(v('x', 2), 3), 9, 10)];
    expect(anomalies(back)).toHaveLength(1);
    // ...and never before it was invoked.
    const early = [op(2, 'a', ...get(v('x', 2), 2), 0, 1), op(1, 'a', ...put('x', 2), 5, undefined)];
    expect(anomalies(early)).toHaveLength(1);
  });

  it('keys are independent: a fault on one key is reported for that key only', () => {
    const ops = [op(1, 'a', ...put('x', 2), 0, 1), op(1, 'b', ...put('y', 3), 2, 3), op(2, 'b', ...get(null, 3), 4, 5)];
    expect(anomalies(ops)).toEqual([expect.stringContaining('key b')]);
  });

  it('serializable reads are left to the revision checker', () => {
    const ops = [op(1, 'a', ...put('x', 2), 0, 1), op(2, 'a', ...get(null, 1, true), 2, 3)];
    expect(anomalies(ops)).toEqual([]);
  });

  it('resolveUnknownWrites: unknown writes the log shows must happen, the others are dropped', () => {
    const known = op(1, 'a', ...put('x', 2), 0, 1);
    const seen = op(1, 'a', ...put('y', 3), 2, undefined);
    const never = op(2, 'a', ...put('z', 4), 2, undefined);
    const log = new EventLog([
      { revision: 2, key: 'a', type: 'put', value: 'x' },
      { revision: 3, key: 'a', type: 'put', value: 'y' },
    ]);
    expect(resolveUnknownWrites([known, seen, never], log)).toEqual([known, { ...seen, applied: true }]);
    // Once it must happen, it must fit somewhere: a compare-and-set on a value the key never held cannot.
    const impossible = op(3, 'a', { f: 'cas', expect: 'q', value: 'y' }, { f: 'cas', succeeded: true, revision: 3, current: null }, 2, undefined);
    expect(anomalies(resolveUnknownWrites([known, impossible], log))).toHaveLength(1);
    expect(anomalies([known, impossible])).toEqual([]);
  });

  it('resolveUnknownWrites: an unknown delete stays possible only if a delete event is unexplained', () => {
    const w = op(1, 'a', ...put('x', 2), 0, 1);
    const d = op(2, 'a', { f: 'delete' }, { f: 'delete', deleted: 1, revision: 3 }, 2, undefined);
    const explainedLog = new EventLog([{ revision: 2, key: 'a', type: 'put', value: 'x' }]);
    expect(resolveUnknownWrites([w, d], explainedLog)).toEqual([w]);
    const unexplained = new EventLog([
      { revision: 2, key: 'a', type: 'put', value: 'x' },
      { revision: 3, key: 'a', type: 'delete' },
    ]);
    expect(resolveUnknownWrites([w, d], unexplained)).toEqual([w, d]);
    // ...and then both outcomes remain possible for the search.
    expect(anomalies([w, d, op(3, 'a', ...get(null, 3), 5, 6)])).toEqual([]);
    expect(anomalies([w, d, op(3, 'a', ...get(v('x', 2), 3), 5, 6)])).toEqual([]);
  });

  it('long histories are checked without exhausting the stack', () => {
    const r = checkLinearizability(randomHistory(3, 20_000, 4, 1));
    expect(r.anomalies).toEqual([]);
    expect(r.undecided).toEqual([]);
  });

  it('an exhausted search budget is reported as undecided, not as a pass or an anomaly', () => {
    const ops = randomHistory(7, 200, 5, 1);
    const r = checkLinearizability(ops, { maxStates: 3 });
    expect(r.undecided).toEqual(['k0']);
    expect(r.anomalies).toEqual([]);
  });
});

describe('linearizability: random histories', () => {
  it('histories produced by a sequential store pass', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const ops = randomHistory(seed, 150);
      const r = checkLinearizability(ops);
      expect({ seed, anomalies: r.anomalies, undecided: r.undecided }).toEqual({ seed, anomalies: [], undecided: [] });
    }
  });

  it('they pass too once their own log has settled the lost answers', () => {
    let settled = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const { ops, log } = randomHistoryWithLog(seed, 150);
      const resolved = resolveUnknownWrites(ops, new EventLog(log));
      settled += ops.length - resolved.length + resolved.filter((o) => o.applied).length;
      const r = checkLinearizability(resolved);
      expect({ seed, anomalies: r.anomalies, undecided: r.undecided }).toEqual({ seed, anomalies: [], undecided: [] });
    }
    expect(settled).toBeGreaterThan(60);
  });

  it('the same histories fail once one read returns a value nobody wrote', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const ops = randomHistory(seed, 150);
      const reads = ops.filter((o) => o.input.f === 'get' && o.output);
      const victim = reads[Math.floor(reads.length / 2)]!;
      const out = victim.output!;
      if (out.f !== 'get') throw new Error('unreachable: a read has a read output');
      victim.output = { ...out, current: { value: 'never-written', modRevision: out.revision } };
      expect({ seed, failed: checkLinearizability(ops).anomalies.length }).toEqual({ seed, failed: 1 });
    }
  });

  it('the same histories fail once a successful compare-and-set is reported as failed', () => {
    let mutated = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const ops = randomHistory(seed, 150);
      const victim = ops.find((o) => o.output?.f === 'cas' && o.output.succeeded);
      if (!victim || victim.output?.f !== 'cas') continue;
      // It claims to have seen the value it expected, yet to have failed: impossible from any order.
      const expected = victim.input.f === 'cas' ? victim.input.expect : null;
      victim.output = { ...victim.output, succeeded: false, current: expected === null ? null : { value: expected, modRevision: 1 } };
      mutated++;
      expect({ seed, failed: checkLinearizability(ops).anomalies.length }).toEqual({ seed, failed: 1 });
    }
    expect(mutated).toBeGreaterThan(30);
  });
});
