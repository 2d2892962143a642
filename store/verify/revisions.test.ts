// The revision checker on small histories: each bad one is rejected, its good twin accepted.

import { describe, expect, it } from 'vitest';
import { checkRevisions } from './revisions.js';
import { cas, del, get, op, put } from './testing.js';

const v = (value: string, modRevision: number) => ({ value, modRevision });

describe('revisions', () => {
  it('two acknowledged writes may not share a revision, even on different keys', () => {
    expect(checkRevisions([op(1, 'a', ...put('x', 5), 0, 1), op(2, 'b', ...put('y', 5), 0, 1)])).toHaveLength(1);
    expect(checkRevisions([op(1, 'a', ...put('x', 5), 0, 1), op(2, 'b', ...put('y', 6), 0, 1)])).toEqual([]);
    // A delete of nothing and a failed compare take no revision of their own.
    expect(checkRevisions([op(1, 'a', ...put('x', 5), 0, 1), op(2, 'b', ...del(0, 5), 0, 1), op(3, 'c', ...cas('q', 'r', false, 5), 0, 1)])).toEqual([]);
  });

  it('a write invoked after another returned must have a larger revision', () => {
    expect(checkRevisions([op(1, 'a', ...put('x', 5), 0, 1), op(2, 'b', ...put('y', 4), 2, 3)])).toHaveLength(1);
    // Concurrent: any order.
    expect(checkRevisions([op(1, 'a', ...put('x', 5), 0, 3), op(2, 'b', ...put('y', 4), 2, 4)])).toEqual([]);
  });

  it('a linearizable read may not read below a revision already acknowledged; a serializable one may', () => {
    expect(checkRevisions([op(1, 'a', ...put('x', 5), 0, 1), op(2, 'b', ...get(null, 4), 2, 3)])).toHaveLength(1);
    expect(checkRevisions([op(1, 'a', ...put('x', 5), 0, 1), op(2, 'b', ...get(null, 4, true), 2, 3)])).toEqual([]);
    expect(checkRevisions([op(1, 'a', ...put('x', 5), 0, 1), op(2, 'b', ...get(null, 5), 2, 3)])).toEqual([]);
  });

  it('a write after a read must take a revision above the one the read saw', () => {
    expect(checkRevisions([op(1, 'a', ...get(null, 7), 0, 1), op(2, 'b', ...put('y', 7), 2, 3)])).toHaveLength(1);
    expect(checkRevisions([op(1, 'a', ...get(null, 7), 0, 1), op(2, 'b', ...put('y', 8), 2, 3)])).toEqual([]);
  });

  it('a read must return a value written to that key, with the revision it was written at', () => {
    const w = op(1, 'a', ...put('x', 5), 0, 1);
    expect(checkRevisions([w, op(2, 'a', ...get(v('x', 5), 5), 2, 3)])).toEqual([]);
    expect(checkRevisions([w, op(2, 'a', ...get(v('x', 4), 5), 2, 3)])).toHaveLength(1);
    expect(checkRevisions([w, op(2, 'a', ...get(v('ghost', 5), 5), 2, 3)])).toHaveLength(1);
    expect(checkRevisions([w, op(2, 'b', ...get(v('x', 5), 5), 2, 3)])).toHaveLength(1);
    // Serializable reads too: stale is allowed, invented is not.
    expect(checkRevisions([w, op(2, 'a', ...get(v('x', 3), 5, true), 2, 3)])).toHaveLength(1);
  });

  it('a read may not return a value whose write was invoked after the read returned', () => {
    expect(checkRevisions([op(2, 'a', ...get(v('x', 5), 5), 0, 1), op(1, 'a', ...put('x', 5), 2, undefined)])).toHaveLength(1);
  });
});
