// RaftLog: storage + unstable tail, the AppendEntries receiver rules, the commit rules, and the
// committed/applied cursors.

import { describe, expect, it } from 'vitest';
import { RaftLog } from './log.js';
import { MemoryStorage } from './storage.js';
import { CompactedError, UnavailableError, emptyConfState, type Entry, type Snapshot } from './types.js';

type IT = [index: number, term: number];

/** Every entry is 16 bytes (empty data) unless `size` data bytes are given. */
const ent = (index: number, term: number, size = 0): Entry => ({ index, term, type: 'normal', data: new Uint8Array(size) });
const ents = (its: readonly IT[]): Entry[] => its.map(([i, t]) => ent(i, t));

const snap = (index: number, term: number): Snapshot => ({
  metadata: { index, term, confState: { ...emptyConfState(), voters: [1] } },
  data: new Uint8Array(),
});

interface LogShape {
  /** Snapshot held by storage. */
  snap?: IT;
  /** Entries persisted in storage (after the snapshot). */
  stable?: IT[];
  /** Entries appended to the unstable tail. */
  unstable?: IT[];
  committed?: number;
  applied?: number;
  maxApplyingSize?: number;
}

function newLog(shape: LogShape): RaftLog {
  const storage = new MemoryStorage();
  if (shape.snap) storage.applySnapshot(snap(shape.snap[0], shape.snap[1]));
  if (shape.stable) storage.append(ents(shape.stable));
  const log = new RaftLog(storage, shape.maxApplyingSize);
  if (shape.unstable) log.append(ents(shape.unstable));
  if (shape.committed !== undefined) log.commitTo(shape.committed);
  if (shape.applied !== undefined) log.appliedTo(shape.applied);
  return log;
}

const pairs = (es: readonly Entry[]): IT[] => es.map((e) => [e.index, e.term]);
const ids = (es: readonly Entry[]) => es.map((e) => e.index);

describe('RaftLog: construction', () => {
  const cases: Array<{ name: string; shape: LogShape; first: number; last: number; lastTerm: number; committed: number }> = [
    { name: 'empty storage', shape: {}, first: 1, last: 0, lastTerm: 0, committed: 0 },
    { name: 'stable entries', shape: { stable: [[1, 1], [2, 2]] }, first: 1, last: 2, lastTerm: 2, committed: 0 },
    { name: 'snapshot only', shape: { snap: [5, 3] }, first: 6, last: 5, lastTerm: 3, committed: 5 },
    { name: 'snapshot and entries', shape: { snap: [5, 3], stable: [[6, 3], [7, 4]] }, first: 6, last: 7, lastTerm: 4, committed: 5 },
    { name: 'with unstable entries', shape: { snap: [5, 3], stable: [[6, 3]], unstable: [[7, 4], [8, 4]] }, first: 6, last: 8, lastTerm: 4, committed: 5 },
  ];
  it.each(cases)('$name', ({ shape, first, last, lastTerm, committed }) => {
    const log = newLog(shape);
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm()]).toEqual([first, last, lastTerm]);
    // Whatever is in the snapshot is committed and applied by definition.
    expect(log.committed).toBe(committed);
    expect(log.applied).toBe(committed);
    expect(log.unstable.offset).toBe(last - (shape.unstable?.length ?? 0) + 1);
  });
});

describe('RaftLog.term', () => {
  // Snapshot 3/3, stable 4/4 5/5, unstable 6/6.
  const shape: LogShape = { snap: [3, 3], stable: [[4, 4], [5, 5]], unstable: [[6, 6]] };
  const cases: Array<{ i: number; want?: number; err?: typeof CompactedError | typeof UnavailableError }> = [
    { i: 0, err: CompactedError },
    { i: 2, err: CompactedError },
    { i: 3, want: 3 }, // the snapshot's term stays known for matching
    { i: 4, want: 4 },
    { i: 5, want: 5 },
    { i: 6, want: 6 },
    { i: 7, err: UnavailableError },
  ];
  it.each(cases)('term($i)', ({ i, want, err }) => {
    const log = newLog(shape);
    if (err) {
      expect(() => log.term(i)).toThrow(err);
      expect(log.termOrZero(i)).toBe(0);
      expect(log.matchTerm(i, 0)).toBe(false);
    } else {
      expect(log.term(i)).toBe(want);
      expect(log.termOrZero(i)).toBe(want);
      expect(log.matchTerm(i, want!)).toBe(true);
      expect(log.matchTerm(i, want! + 1)).toBe(false);
    }
  });

  it('prefers the unstable tail where it replaced stored entries', () => {
    const log = newLog({ stable: [[1, 1], [2, 1], [3, 1]] });
    log.append([ent(2, 2)]);
    expect([log.term(1), log.term(2)]).toEqual([1, 2]);
    // Entry 3 is still in storage but no longer part of the log.
    expect(() => log.term(3)).toThrow(UnavailableError);
    expect(log.lastIndex()).toBe(2);
  });

  it('sees a pending (unstable) snapshot as the start of the log', () => {
    const log = newLog({ stable: [[1, 1], [2, 1]] });
    log.restore(snap(10, 4));
    expect(log.term(10)).toBe(4);
    expect(() => log.term(9)).toThrow(CompactedError);
    expect(() => log.term(11)).toThrow(UnavailableError);
  });

  it('follows storage compaction done by the host', () => {
    const log = newLog({ stable: [[1, 1], [2, 1], [3, 2]], committed: 3, applied: 3 });
    (log.storage as MemoryStorage).compact(2);
    expect(log.firstIndex()).toBe(3);
    expect(log.term(2)).toBe(1);
    expect(() => log.term(1)).toThrow(CompactedError);
  });
});

describe('RaftLog.findConflict', () => {
  // Log 1/1 2/2 3/3.
  const cases: Array<{ ents: IT[]; want: number }> = [
    { ents: [], want: 0 },
    // All present with matching terms: no conflict.
    { ents: [[1, 1], [2, 2], [3, 3]], want: 0 },
    { ents: [[2, 2], [3, 3]], want: 0 },
    { ents: [[3, 3]], want: 0 },
    // New entries: the first new index.
    { ents: [[1, 1], [2, 2], [3, 3], [4, 4], [5, 4]], want: 4 },
    { ents: [[2, 2], [3, 3], [4, 4], [5, 4]], want: 4 },
    { ents: [[3, 3], [4, 4]], want: 4 },
    { ents: [[4, 4]], want: 4 },
    // Term conflicts: the first conflicting index.
    { ents: [[1, 4], [2, 4]], want: 1 },
    { ents: [[2, 1], [3, 4], [4, 4]], want: 2 },
    { ents: [[3, 1], [4, 2], [5, 4], [6, 4]], want: 3 },
  ];
  it.each(cases)('$ents -> $want', ({ ents: es, want }) => {
    const log = newLog({ unstable: [[1, 1], [2, 2], [3, 3]] });
    expect(log.findConflict(ents(es))).toBe(want);
  });
});

describe('RaftLog.findConflictByTerm', () => {
  // Log 1/1 2/2 3/2 4/3 5/3 6/5 (no compaction).
  const full: LogShape = { stable: [[1, 1], [2, 2], [3, 2], [4, 3], [5, 3], [6, 5]] };
  // The same log compacted up to 3 (snapshot 3/2).
  const compacted: LogShape = { snap: [3, 2], stable: [[4, 3], [5, 3], [6, 5]] };
  const cases: Array<{ name: string; shape: LogShape; index: number; term: number; want: IT }> = [
    { name: 'term matches at index', shape: full, index: 6, term: 5, want: [6, 5] },
    { name: 'skip a whole term', shape: full, index: 6, term: 4, want: [5, 3] },
    { name: 'the last entry of the term', shape: full, index: 6, term: 3, want: [5, 3] },
    { name: 'skip two terms', shape: full, index: 6, term: 2, want: [3, 2] },
    { name: 'down to the first entry', shape: full, index: 6, term: 1, want: [1, 1] },
    { name: 'nothing is old enough', shape: full, index: 6, term: 0, want: [0, 0] },
    { name: 'from the middle', shape: full, index: 4, term: 2, want: [3, 2] },
    { name: 'already at or below the term', shape: full, index: 3, term: 2, want: [3, 2] },
    { name: 'index 0', shape: full, index: 0, term: 5, want: [0, 0] },
    // An index the log does not hold: its term is unknown, so it may match.
    { name: 'beyond the last index', shape: full, index: 8, term: 5, want: [8, 0] },
    { name: 'compacted: at the snapshot', shape: compacted, index: 6, term: 2, want: [3, 2] },
    { name: 'compacted: below the snapshot', shape: compacted, index: 6, term: 1, want: [2, 0] },
    { name: 'compacted: above the snapshot', shape: compacted, index: 5, term: 3, want: [5, 3] },
  ];
  it.each(cases)('$name: ($index, $term)', ({ shape, index, term, want }) => {
    expect(newLog(shape).findConflictByTerm(index, term)).toEqual(want);
  });
});

describe('RaftLog.maybeAppend (AppendEntries receiver, Figure 2)', () => {
  // Log 1/1 2/2 3/3, committed 1.
  const prev: IT[] = [[1, 1], [2, 2], [3, 3]];
  const cases: Array<{
    name: string;
    index: number;
    logTerm: number;
    commit: number;
    ents: IT[];
    wantLastNew: number | undefined;
    wantCommit: number;
    wantLog: IT[];
  }> = [
    // Rule 2: reject when the log does not contain an entry at index with logTerm.
    { name: 'term mismatch', index: 3, logTerm: 2, commit: 3, ents: [[4, 4]], wantLastNew: undefined, wantCommit: 1, wantLog: prev },
    { name: 'index past the end', index: 4, logTerm: 3, commit: 3, ents: [[5, 4]], wantLastNew: undefined, wantCommit: 1, wantLog: prev },
    // Heartbeat-like: nothing to append; commit = min(leaderCommit, index of last new entry).
    { name: 'empty, leader commit = last', index: 3, logTerm: 3, commit: 3, ents: [], wantLastNew: 3, wantCommit: 3, wantLog: prev },
    { name: 'empty, leader commit beyond', index: 3, logTerm: 3, commit: 4, ents: [], wantLastNew: 3, wantCommit: 3, wantLog: prev },
    { name: 'empty, leader commit below', index: 3, logTerm: 3, commit: 2, ents: [], wantLastNew: 3, wantCommit: 2, wantLog: prev },
    { name: 'empty, commit never decreases', index: 3, logTerm: 3, commit: 0, ents: [], wantLastNew: 3, wantCommit: 1, wantLog: prev },
    { name: 'empty, at an earlier index', index: 2, logTerm: 2, commit: 3, ents: [], wantLastNew: 2, wantCommit: 2, wantLog: prev },
    // Rule 4: append new entries.
    { name: 'append one', index: 3, logTerm: 3, commit: 3, ents: [[4, 4]], wantLastNew: 4, wantCommit: 3, wantLog: [...prev, [4, 4]] },
    { name: 'append, commit it', index: 3, logTerm: 3, commit: 4, ents: [[4, 4]], wantLastNew: 4, wantCommit: 4, wantLog: [...prev, [4, 4]] },
    { name: 'append, leader commit beyond', index: 3, logTerm: 3, commit: 5, ents: [[4, 4]], wantLastNew: 4, wantCommit: 4, wantLog: [...prev, [4, 4]] },
    { name: 'append two', index: 3, logTerm: 3, commit: 5, ents: [[4, 4], [5, 4]], wantLastNew: 5, wantCommit: 5, wantLog: [...prev, [4, 4], [5, 4]] },
    { name: 'from the start (index 0 matches term 0)', index: 0, logTerm: 0, commit: 4, ents: [[1, 1], [2, 2], [3, 3], [4, 4]], wantLastNew: 4, wantCommit: 4, wantLog: [...prev, [4, 4]] },
    // Rule 3: an existing entry conflicting with a new one: delete it and all that follow.
    { name: 'conflict at the last entry', index: 2, logTerm: 2, commit: 3, ents: [[3, 4]], wantLastNew: 3, wantCommit: 3, wantLog: [[1, 1], [2, 2], [3, 4]] },
    { name: 'conflict in the middle', index: 1, logTerm: 1, commit: 2, ents: [[2, 4], [3, 4]], wantLastNew: 3, wantCommit: 2, wantLog: [[1, 1], [2, 4], [3, 4]] },
    { name: 'conflict, shorter replacement', index: 1, logTerm: 1, commit: 9, ents: [[2, 4]], wantLastNew: 2, wantCommit: 2, wantLog: [[1, 1], [2, 4]] },
    // ...but an entry already present (same index and term) is no conflict: nothing is truncated.
    { name: 'already present', index: 2, logTerm: 2, commit: 4, ents: [[3, 3]], wantLastNew: 3, wantCommit: 3, wantLog: prev },
    // Rule 5: commit = min(leaderCommit, index of last NEW entry), not our last index.
    { name: 'stale short append keeps the suffix', index: 1, logTerm: 1, commit: 4, ents: [[2, 2]], wantLastNew: 2, wantCommit: 2, wantLog: prev },
    { name: 'stale append of the first entry', index: 0, logTerm: 0, commit: 3, ents: [[1, 1]], wantLastNew: 1, wantCommit: 1, wantLog: prev },
    { name: 'partly present, partly new', index: 1, logTerm: 1, commit: 4, ents: [[2, 2], [3, 3], [4, 4]], wantLastNew: 4, wantCommit: 4, wantLog: [...prev, [4, 4]] },
  ];
  it.each(cases)('$name', ({ index, logTerm, commit, ents: es, wantLastNew, wantCommit, wantLog }) => {
    const log = newLog({ unstable: prev, committed: 1 });
    expect(log.maybeAppend(index, logTerm, commit, ents(es))).toBe(wantLastNew);
    expect(log.committed).toBe(wantCommit);
    expect(pairs(log.allEntries())).toEqual(wantLog);
  });

  const committedConflicts: Array<{ name: string; committed: number; index: number; logTerm: number; ents: IT[] }> = [
    { name: 'conflict at the committed index', committed: 1, index: 0, logTerm: 0, ents: [[1, 2]] },
    { name: 'conflict below the committed index', committed: 3, index: 1, logTerm: 1, ents: [[2, 3], [3, 3]] },
    { name: 'conflict at the last committed entry', committed: 3, index: 2, logTerm: 2, ents: [[3, 4]] },
  ];
  it.each(committedConflicts)('throws on a $name', ({ committed, index, logTerm, ents: es }) => {
    const log = newLog({ unstable: prev, committed });
    expect(() => log.maybeAppend(index, logTerm, 3, ents(es))).toThrow(/conflicts with committed/);
    expect(pairs(log.allEntries())).toEqual(prev);
    expect(log.committed).toBe(committed);
  });

  it('truncates entries already in storage through the unstable tail', () => {
    const log = newLog({ stable: prev, committed: 1 });
    expect(log.maybeAppend(1, 1, 1, ents([[2, 5]]))).toBe(2);
    expect(pairs(log.allEntries())).toEqual([[1, 1], [2, 5]]);
    expect(pairs(log.unstableEntries())).toEqual([[2, 5]]);
  });
});

describe('RaftLog.append', () => {
  const cases: Array<{ name: string; ents: IT[]; wantLast?: number; wantLog?: IT[]; err?: RegExp }> = [
    { name: 'nothing', ents: [], wantLast: 3, wantLog: [[1, 1], [2, 2], [3, 3]] },
    { name: 'after the last', ents: [[4, 3]], wantLast: 4, wantLog: [[1, 1], [2, 2], [3, 3], [4, 3]] },
    { name: 'replace the tail', ents: [[3, 4], [4, 4]], wantLast: 4, wantLog: [[1, 1], [2, 2], [3, 4], [4, 4]] },
    { name: 'replace after the commit index', ents: [[2, 4]], wantLast: 2, wantLog: [[1, 1], [2, 4]] },
    { name: 'replace a committed entry', ents: [[1, 4]], err: /out of range/ },
  ];
  it.each(cases)('$name', ({ ents: es, wantLast, wantLog, err }) => {
    const log = newLog({ stable: [[1, 1]], unstable: [[2, 2], [3, 3]], committed: 1 });
    if (err) {
      expect(() => log.append(ents(es))).toThrow(err);
      return;
    }
    expect(log.append(ents(es))).toBe(wantLast);
    expect(pairs(log.allEntries())).toEqual(wantLog);
  });
});

describe('RaftLog.isUpToDate (§5.4.1)', () => {
  // Our log ends at index 3, term 3.
  const cases: Array<{ lastIndex: number; term: number; want: boolean }> = [
    // A greater last term wins whatever the length.
    { lastIndex: 2, term: 4, want: true },
    { lastIndex: 3, term: 4, want: true },
    { lastIndex: 4, term: 4, want: true },
    // A smaller last term loses whatever the length.
    { lastIndex: 2, term: 2, want: false },
    { lastIndex: 3, term: 2, want: false },
    { lastIndex: 4, term: 2, want: false },
    // Same last term: the longer (or equally long) log wins.
    { lastIndex: 2, term: 3, want: false },
    { lastIndex: 3, term: 3, want: true },
    { lastIndex: 4, term: 3, want: true },
  ];
  it.each(cases)('candidate at ($lastIndex, $term): $want', ({ lastIndex, term, want }) => {
    const log = newLog({ stable: [[1, 1], [2, 2]], unstable: [[3, 3]] });
    expect(log.isUpToDate(lastIndex, term)).toBe(want);
  });

  it('anyone is as up to date as an empty log', () => {
    expect(newLog({}).isUpToDate(0, 0)).toBe(true);
  });

  it('uses the snapshot term when the log is only a snapshot', () => {
    const log = newLog({ snap: [5, 2] });
    expect(log.isUpToDate(5, 2)).toBe(true);
    expect(log.isUpToDate(9, 1)).toBe(false);
    expect(log.isUpToDate(4, 2)).toBe(false);
  });
});

describe('RaftLog.maybeCommit (§5.4.2: only current-term entries commit by counting)', () => {
  // Log 1/1 2/2 3/3 4/3.
  const cases: Array<{ committed: number; maxIndex: number; term: number; want: boolean; wantCommit: number }> = [
    { committed: 0, maxIndex: 1, term: 3, want: false, wantCommit: 0 }, // older term
    { committed: 0, maxIndex: 2, term: 3, want: false, wantCommit: 0 }, // older term
    { committed: 0, maxIndex: 3, term: 3, want: true, wantCommit: 3 }, // commits 1 and 2 indirectly
    { committed: 0, maxIndex: 4, term: 3, want: true, wantCommit: 4 },
    { committed: 0, maxIndex: 5, term: 3, want: false, wantCommit: 0 }, // beyond the log
    { committed: 0, maxIndex: 2, term: 2, want: true, wantCommit: 2 },
    { committed: 3, maxIndex: 3, term: 3, want: false, wantCommit: 3 }, // not news
    { committed: 3, maxIndex: 2, term: 2, want: false, wantCommit: 3 }, // never backwards
    { committed: 1, maxIndex: 3, term: 4, want: false, wantCommit: 1 }, // a newer term has no entry there
  ];
  it.each(cases)('committed $committed, maxCommit($maxIndex, term $term)', ({ committed, maxIndex, term, want, wantCommit }) => {
    const log = newLog({ unstable: [[1, 1], [2, 2], [3, 3], [4, 3]], committed });
    expect(log.maybeCommit(maxIndex, term)).toBe(want);
    expect(log.committed).toBe(wantCommit);
  });

  it('is not fooled by a quorum index of +Infinity (no voters)', () => {
    const log = newLog({ unstable: [[1, 1]] });
    expect(log.maybeCommit(Number.POSITIVE_INFINITY, 1)).toBe(false);
  });
});

describe('RaftLog.commitTo', () => {
  const cases: Array<{ to: number; want?: number; err?: boolean }> = [
    { to: 0, want: 1 }, // never decreases
    { to: 1, want: 1 },
    { to: 2, want: 2 },
    { to: 3, want: 3 },
    { to: 4, err: true }, // beyond the last index: the log was lost
  ];
  it.each(cases)('commitTo($to)', ({ to, want, err }) => {
    const log = newLog({ stable: [[1, 1], [2, 2]], unstable: [[3, 3]], committed: 1 });
    if (err) {
      expect(() => log.commitTo(to)).toThrow(/out of range/);
      expect(log.committed).toBe(1);
    } else {
      log.commitTo(to);
      expect(log.committed).toBe(want);
    }
  });
});

describe('RaftLog.appliedTo', () => {
  const cases: Array<{ applied: number; to: number; want?: number; err?: boolean }> = [
    { applied: 1, to: 0, want: 1 }, // 0 means "nothing to report"
    { applied: 1, to: 1, want: 1 },
    { applied: 1, to: 2, want: 2 },
    { applied: 1, to: 3, want: 3 }, // up to committed
    { applied: 1, to: 4, err: true }, // beyond committed
    { applied: 2, to: 1, err: true }, // backwards
  ];
  it.each(cases)('applied $applied, appliedTo($to)', ({ applied, to, want, err }) => {
    const log = newLog({ unstable: [[1, 1], [2, 1], [3, 1], [4, 1]], committed: 3, applied });
    if (err) {
      expect(() => log.appliedTo(to)).toThrow(/out of range/);
      expect(log.applied).toBe(applied);
    } else {
      log.appliedTo(to);
      expect(log.applied).toBe(want);
    }
  });
});

describe('RaftLog.nextCommittedEnts / hasNextCommittedEnts', () => {
  // Snapshot 3/1, stable 4 5 6, unstable 7 8 (all term 1).
  const base: LogShape = { snap: [3, 1], stable: [[4, 1], [5, 1], [6, 1]], unstable: [[7, 1], [8, 1]] };
  const cases: Array<{ committed: number; applied: number; want: number[] }> = [
    { committed: 3, applied: 3, want: [] },
    { committed: 5, applied: 3, want: [4, 5] },
    { committed: 5, applied: 4, want: [5] },
    { committed: 5, applied: 5, want: [] },
    { committed: 8, applied: 5, want: [6, 7, 8] }, // across storage and the unstable tail
    { committed: 8, applied: 6, want: [7, 8] }, // unstable only
    { committed: 8, applied: 8, want: [] },
  ];
  it.each(cases)('committed $committed, applied $applied', ({ committed, applied, want }) => {
    const log = newLog({ ...base, committed, applied });
    expect(ids(log.nextCommittedEnts())).toEqual(want);
    expect(log.hasNextCommittedEnts()).toBe(want.length > 0);
    // Asking does not move the cursors.
    expect([log.committed, log.applied]).toEqual([committed, applied]);
  });

  it('never hands out what is below the first index, even if applied lags', () => {
    const log = newLog({ ...base, committed: 5 });
    log.applied = 0; // forced: a host that never reported anything
    expect(ids(log.nextCommittedEnts())).toEqual([4, 5]);
    expect(log.hasNextCommittedEnts()).toBe(true);
  });

  const sized: Array<{ maxApplyingSize: number; want: number[] }> = [
    { maxApplyingSize: 0, want: [4] }, // always at least one entry
    { maxApplyingSize: 16, want: [4] },
    { maxApplyingSize: 31, want: [4] },
    { maxApplyingSize: 32, want: [4, 5] },
    { maxApplyingSize: 64, want: [4, 5, 6, 7] },
    { maxApplyingSize: 80, want: [4, 5, 6, 7, 8] },
    { maxApplyingSize: Infinity, want: [4, 5, 6, 7, 8] },
  ];
  it.each(sized)('maxApplyingSize $maxApplyingSize', ({ maxApplyingSize, want }) => {
    const log = newLog({ ...base, committed: 8, maxApplyingSize });
    expect(ids(log.nextCommittedEnts())).toEqual(want);
    expect(log.hasNextCommittedEnts()).toBe(true);
  });

  it('hands out nothing while a snapshot is pending', () => {
    const log = newLog({ ...base, committed: 6 });
    log.restore(snap(20, 2));
    expect(log.hasNextCommittedEnts()).toBe(false);
    expect(log.nextCommittedEnts()).toEqual([]);
  });
});

describe('RaftLog.restore', () => {
  it('replaces the log with the snapshot and commits it', () => {
    const log = newLog({ stable: [[1, 1], [2, 1]], unstable: [[3, 2]], committed: 2, applied: 1 });
    const s = snap(10, 4);
    log.restore(s);
    expect(log.committed).toBe(10);
    expect(log.applied).toBe(1); // applied moves when the host applies the snapshot
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm()]).toEqual([11, 10, 4]);
    expect(log.unstableEntries()).toEqual([]);
    expect(log.unstable.snapshot).toBe(s);
    expect(log.snapshot()).toBe(s);
    expect(log.allEntries()).toEqual([]);
    expect(log.matchTerm(10, 4)).toBe(true);
  });

  it('continues after the snapshot once the host persisted it', () => {
    const log = newLog({ stable: [[1, 1]] });
    const s = snap(10, 4);
    log.restore(s);
    (log.storage as MemoryStorage).applySnapshot(s);
    log.stableSnapTo(10);
    log.appliedTo(10);
    expect(log.unstable.snapshot).toBeUndefined();
    expect(log.snapshot()).toBe(s);
    expect([log.firstIndex(), log.lastIndex(), log.term(10)]).toEqual([11, 10, 4]);
    expect(log.append([ent(11, 4)])).toBe(11);
    expect(log.maybeCommit(11, 4)).toBe(true);
    expect(ids(log.nextCommittedEnts())).toEqual([11]);
  });
});

describe('RaftLog.slice', () => {
  // Snapshot 3/3, stable 4 5, unstable 6 7 8; every entry 16 bytes.
  const shape: LogShape = { snap: [3, 3], stable: [[4, 4], [5, 5]], unstable: [[6, 6], [7, 6], [8, 6]] };
  const cases: Array<{ lo: number; hi: number; maxSize?: number; want?: number[]; err?: typeof CompactedError | RegExp }> = [
    { lo: 2, hi: 6, err: CompactedError },
    { lo: 3, hi: 4, err: CompactedError }, // the snapshot index holds no entry
    { lo: 4, hi: 4, want: [] },
    { lo: 9, hi: 9, want: [] },
    { lo: 4, hi: 6, want: [4, 5] }, // storage only
    { lo: 5, hi: 7, want: [5, 6] }, // across
    { lo: 4, hi: 9, want: [4, 5, 6, 7, 8] },
    { lo: 6, hi: 9, want: [6, 7, 8] }, // unstable only
    { lo: 7, hi: 8, want: [7] },
    { lo: 4, hi: 10, err: /out of bound/ },
    { lo: 6, hi: 5, err: /invalid slice/ },
    // Size limits, across the boundary.
    { lo: 4, hi: 9, maxSize: 0, want: [4] },
    { lo: 4, hi: 9, maxSize: 16, want: [4] },
    { lo: 4, hi: 9, maxSize: 32, want: [4, 5] }, // storage fills the budget exactly
    { lo: 4, hi: 9, maxSize: 47, want: [4, 5] },
    { lo: 4, hi: 9, maxSize: 48, want: [4, 5, 6] },
    { lo: 4, hi: 9, maxSize: 79, want: [4, 5, 6, 7] },
    { lo: 4, hi: 9, maxSize: 80, want: [4, 5, 6, 7, 8] },
    { lo: 5, hi: 9, maxSize: 20, want: [5] },
    { lo: 6, hi: 9, maxSize: 0, want: [6] },
    { lo: 6, hi: 9, maxSize: 32, want: [6, 7] },
  ];
  it.each(cases)('slice($lo, $hi, $maxSize)', ({ lo, hi, maxSize, want, err }) => {
    const log = newLog(shape);
    const max = maxSize ?? Infinity;
    if (err) expect(() => log.slice(lo, hi, max)).toThrow(err);
    else expect(ids(log.slice(lo, hi, max))).toEqual(want);
  });

  it('stops at the first storage entry that does not fit', () => {
    // Storage 1 (16 bytes), 2 (116 bytes), unstable 3 (16 bytes).
    const storage = new MemoryStorage();
    storage.append([ent(1, 1), ent(2, 1, 100)]);
    const log = new RaftLog(storage);
    log.append([ent(3, 1)]);
    expect(ids(log.slice(1, 4, 50))).toEqual([1]);
    expect(ids(log.slice(2, 4, 50))).toEqual([2]);
    expect(ids(log.slice(2, 4, 132))).toEqual([2, 3]);
  });

  const from: Array<{ i: number; want?: number[]; err?: typeof CompactedError }> = [
    { i: 3, err: CompactedError },
    { i: 4, want: [4, 5, 6, 7, 8] },
    { i: 8, want: [8] },
    { i: 9, want: [] },
    { i: 12, want: [] },
  ];
  it.each(from)('entriesFrom($i)', ({ i, want, err }) => {
    const log = newLog(shape);
    if (err) expect(() => log.entriesFrom(i, Infinity)).toThrow(err);
    else expect(ids(log.entriesFrom(i, Infinity))).toEqual(want);
  });
});

describe('RaftLog.stableTo', () => {
  it('moves persisted entries out of the unstable tail, unless they were replaced', () => {
    const log = newLog({ stable: [[1, 1]], unstable: [[2, 1], [3, 1]] });
    log.stableTo(2, 1);
    expect(pairs(log.unstableEntries())).toEqual([[3, 1]]);
    log.stableTo(3, 9); // stale term: ignored
    expect(pairs(log.unstableEntries())).toEqual([[3, 1]]);
  });
});
