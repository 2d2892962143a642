// The checkers on hand-made histories: each property must reject a history that breaks it and
// accept the legal histories that look almost the same.

import { describe, expect, it } from 'vitest';
import type { Entry } from '../types.js';
import { SafetyChecker, SafetyViolation, checkAcknowledged, type LogView, type ViolationKind } from './checkers.js';

const enc = new TextEncoder();

/** A log from [term, payload] pairs starting at index first (snapshotTerm is the term at first - 1). */
function fakeLog(ents: [number, string][], first = 1, snapshotTerm = 0): LogView {
  const entries: Entry[] = ents.map(([term, data], i) => ({ term, index: first + i, type: 'normal', data: enc.encode(data) }));
  const last = first + ents.length - 1;
  return {
    firstIndex: () => first,
    lastIndex: () => last,
    termAt: (i) => (i === first - 1 ? snapshotTerm : i >= first && i <= last ? entries[i - first]!.term : undefined),
    entries: (lo, hi) => entries.slice(lo - first, hi - first),
  };
}

const entry = (index: number, term: number, data: string): Entry => ({ index, term, type: 'normal', data: enc.encode(data) });

function expectViolation(kind: ViolationKind, f: () => void): SafetyViolation {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SafetyViolation);
    expect((e as SafetyViolation).kind).toBe(kind);
    return e as SafetyViolation;
  }
  throw new Error(`expected a ${kind} violation`);
}

describe('election safety', () => {
  it('two leaders in one term are caught, even at different times', () => {
    const c = new SafetyChecker();
    const log = fakeLog([]);
    c.observeRole(1, 'leader', 2, log);
    c.observeRole(1, 'follower', 3, log);
    c.observeRole(2, 'leader', 3, log);
    expectViolation('electionSafety', () => c.observeRole(3, 'leader', 2, log));
  });

  it('one leader seen many times, and one leader per term, are fine', () => {
    const c = new SafetyChecker();
    const log = fakeLog([]);
    c.observeRole(1, 'leader', 2, log);
    c.observeRole(1, 'leader', 2, log);
    c.observeRole(2, 'leader', 3, log);
    c.observeRole(1, 'leader', 4, log);
    expect(c.stats.leadersElected).toBe(3);
  });
});

describe('leader append-only', () => {
  it('a leader whose log shrinks or rewrites its last entry while in office is caught', () => {
    const c = new SafetyChecker();
    c.observeRole(1, 'leader', 2, fakeLog([[1, 'a'], [2, 'b']]));
    c.observeRole(1, 'leader', 2, fakeLog([[1, 'a'], [2, 'b'], [2, 'c']]));
    expectViolation('leaderAppendOnly', () => c.observeRole(1, 'leader', 2, fakeLog([[1, 'a'], [2, 'b']])));
    const d = new SafetyChecker();
    d.observeRole(1, 'leader', 2, fakeLog([[1, 'a'], [2, 'b']]));
    expectViolation('leaderAppendOnly', () => d.observeRole(1, 'leader', 2, fakeLog([[1, 'a'], [1, 'x'], [2, 'c']])));
  });

  it('a leader compacting its log, or a new term starting from a shorter log, is fine', () => {
    const c = new SafetyChecker();
    c.observeRole(1, 'leader', 2, fakeLog([[1, 'a'], [2, 'b']]));
    c.observeRole(1, 'leader', 2, fakeLog([[2, 'b']], 2, 1));
    c.observeRole(1, 'follower', 3, fakeLog([[1, 'a']]));
    c.observeRole(1, 'leader', 4, fakeLog([[1, 'a']]));
  });
});

describe('log matching', () => {
  it('the same (index, term) after different terms is caught', () => {
    const c = new SafetyChecker();
    c.observeLog(1, 1, fakeLog([[1, 'a'], [1, 'b'], [3, 'c']]));
    const v = expectViolation('logMatching', () => c.observeLog(2, 1, fakeLog([[1, 'a'], [2, 'x'], [3, 'c']])));
    expect(v.message).toMatch(/index 3, term 3/);
  });

  it('the same (index, term) with different content is caught', () => {
    const c = new SafetyChecker();
    c.observeLog(1, 1, fakeLog([[1, 'a'], [2, 'b']]));
    expectViolation('logMatching', () => c.observeLog(2, 1, fakeLog([[1, 'a'], [2, 'B']])));
  });

  it('a difference far below the rewritten part is caught through the chain of previous terms', () => {
    const c = new SafetyChecker();
    c.observeLog(1, 1, fakeLog([[1, 'a'], [1, 'b'], [2, 'c'], [4, 'd']]));
    // Member 2 writes only index 4 (from 4 on): its entry 4 follows term 3 instead of 2.
    expectViolation('logMatching', () => c.observeLog(2, 4, fakeLog([[1, 'a'], [1, 'b'], [3, 'z'], [4, 'd']])));
  });

  it('diverging uncommitted suffixes of different terms are legal', () => {
    const c = new SafetyChecker();
    c.observeLog(1, 1, fakeLog([[1, 'a'], [2, 'b'], [2, 'c']]));
    c.observeLog(2, 1, fakeLog([[1, 'a'], [3, 'x']]));
    c.observeLog(3, 1, fakeLog([[1, 'a'], [3, 'x'], [3, 'y']]));
    // Compacted logs check from the snapshot's term on.
    c.observeLog(4, 3, fakeLog([[3, 'y']], 3, 3));
    expect(c.stats.entriesChecked).toBe(9);
  });
});

describe('leader completeness', () => {
  it('a leader of a later term without a committed entry is caught at its election', () => {
    const c = new SafetyChecker();
    c.observeCommit(1, 2, 2, fakeLog([[1, 'a'], [2, 'b']]));
    const v = expectViolation('leaderCompleteness', () => c.observeRole(2, 'leader', 3, fakeLog([[1, 'a']])));
    expect(v.message).toMatch(/lacks index 2/);
  });

  it('a leader in office of a later term is caught when a commit it lacks is observed', () => {
    const c = new SafetyChecker();
    c.observeRole(3, 'leader', 5, fakeLog([[1, 'a'], [5, 'z']]));
    expectViolation('leaderCompleteness', () => c.observeCommit(1, 2, 4, fakeLog([[1, 'a'], [4, 'b']])));
  });

  it('a stale leader of an earlier term may lack it; a compacted prefix counts as held', () => {
    const c = new SafetyChecker();
    c.observeCommit(1, 3, 4, fakeLog([[1, 'a'], [2, 'b'], [4, 'c']]));
    c.observeRole(2, 'leader', 3, fakeLog([[1, 'a'], [3, 'q']])); // term 3 < commit term 4
    c.observeRole(3, 'leader', 5, fakeLog([[5, 'd']], 4, 4)); // indexes 1-3 are in its snapshot
    expect(c.stats.leadersElected).toBe(2);
  });
});

describe('state machine safety', () => {
  it('two members applying different entries at one index are caught', () => {
    const c = new SafetyChecker();
    c.observeApply(1, entry(5, 2, 'a'));
    expectViolation('stateMachineSafety', () => c.observeApply(2, entry(5, 3, 'b')));
  });

  it('applying something other than what was committed is caught', () => {
    const c = new SafetyChecker();
    c.observeCommit(1, 1, 1, fakeLog([[1, 'a']]));
    expectViolation('stateMachineSafety', () => c.observeApply(2, entry(1, 1, 'not-a')));
  });

  it('two members committing different entries at one index are caught before anyone applies', () => {
    const c = new SafetyChecker();
    c.observeCommit(1, 2, 2, fakeLog([[1, 'a'], [2, 'b']]));
    expectViolation('stateMachineSafety', () => c.observeCommit(2, 2, 3, fakeLog([[1, 'a'], [3, 'c']])));
  });

  it('a snapshot whose state disagrees with the committed entries is caught', () => {
    const c = new SafetyChecker();
    c.observeApply(1, entry(1, 1, 'a'));
    c.observeApply(1, entry(2, 1, 'b'));
    c.observeSnapshot(2, 2, 1, [{ index: 1, term: 1, data: 'a' }, { index: 2, term: 1, data: 'b' }]);
    expectViolation('stateMachineSafety', () => c.observeSnapshot(3, 2, 1, [{ index: 1, term: 1, data: 'a' }, { index: 2, term: 1, data: 'X' }]));
    expectViolation('stateMachineSafety', () => c.observeSnapshot(3, 2, 2, []));
  });

  it('the same entries applied again after a restart are fine', () => {
    const c = new SafetyChecker();
    c.observeApply(1, entry(1, 1, 'a'));
    c.observeApply(2, entry(1, 1, 'a'));
    c.observeApply(1, entry(1, 1, 'a'));
    expect(c.stats.appliesChecked).toBe(3);
  });

  it('a skipped property is not reported', () => {
    const c = new SafetyChecker({ skip: ['stateMachineSafety'] });
    c.observeApply(1, entry(5, 2, 'a'));
    c.observeApply(2, entry(5, 3, 'b'));
  });
});

describe('no acknowledged proposal lost', () => {
  const p = (index: number, data: string) => ({ index, term: 1, data });

  it('passes when every member applied every acknowledged payload once, in the same order', () => {
    checkAcknowledged(['a', 'b'], [
      { id: 1, applied: [p(4, 'a'), p(5, 'x'), p(6, 'b')] },
      { id: 2, applied: [p(4, 'a'), p(5, 'x'), p(6, 'b')] },
    ]);
  });

  it('a payload missing on one member is caught', () => {
    expectViolation('stateMachineSafety', () =>
      checkAcknowledged(['a', 'b'], [
        { id: 1, applied: [p(4, 'a'), p(6, 'b')] },
        { id: 2, applied: [p(4, 'a')] },
      ]),
    );
  });

  it('a payload missing everywhere is caught', () => {
    expectViolation('lostAcknowledged', () => checkAcknowledged(['a', 'b'], [{ id: 1, applied: [p(4, 'a')] }, { id: 2, applied: [p(4, 'a')] }]));
  });

  it('a payload applied twice is caught', () => {
    expectViolation('lostAcknowledged', () => checkAcknowledged(['a'], [{ id: 1, applied: [p(4, 'a'), p(5, 'a')] }]));
  });

  it('a different order is caught', () => {
    expectViolation('stateMachineSafety', () =>
      checkAcknowledged(['a', 'b'], [
        { id: 1, applied: [p(4, 'a'), p(5, 'b')] },
        { id: 2, applied: [p(4, 'b'), p(5, 'a')] },
      ]),
    );
  });
});
