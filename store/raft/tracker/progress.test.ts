// Progress: the leader's per-follower state machine (probe / replicate / snapshot).

import { describe, expect, it } from 'vitest';
import { Progress, type ProgressState } from './progress.js';

interface Shape {
  state: ProgressState;
  match: number;
  next: number;
  paused?: boolean;
  pendingSnapshot?: number;
  maxInflight?: number;
  /** Indexes already in flight (replicate state). */
  inflight?: number[];
}

function progress(s: Shape): Progress {
  const pr = new Progress({ match: s.match, next: s.next, maxInflight: s.maxInflight ?? 256, isLearner: false });
  pr.state = s.state;
  pr.msgAppFlowPaused = s.paused ?? false;
  pr.pendingSnapshot = s.pendingSnapshot ?? 0;
  for (const i of s.inflight ?? []) pr.inflights.add(i);
  return pr;
}

/** The fields every transition is about. */
const view = (pr: Progress) => ({
  state: pr.state,
  match: pr.match,
  next: pr.next,
  paused: pr.msgAppFlowPaused,
  pendingSnapshot: pr.pendingSnapshot,
  inflight: pr.inflights.length(),
});

describe('Progress.becomeProbe', () => {
  const cases: Array<{ name: string; from: Shape; next: number }> = [
    { name: 'from replicate: probe right after match', from: { state: 'replicate', match: 1, next: 5, inflight: [2, 3, 4] }, next: 2 },
    { name: 'from probe', from: { state: 'probe', match: 1, next: 5, paused: true }, next: 2 },
    { name: 'from snapshot: after the snapshot', from: { state: 'snapshot', match: 1, next: 5, pendingSnapshot: 10 }, next: 11 },
    { name: 'from snapshot, match beyond it', from: { state: 'snapshot', match: 12, next: 13, pendingSnapshot: 10 }, next: 13 },
    { name: 'from snapshot, none pending', from: { state: 'snapshot', match: 1, next: 5, pendingSnapshot: 0 }, next: 2 },
    { name: 'fresh progress', from: { state: 'probe', match: 0, next: 7 }, next: 1 },
  ];
  it.each(cases)('$name', ({ from, next }) => {
    const pr = progress(from);
    pr.becomeProbe();
    expect(view(pr)).toEqual({ state: 'probe', match: from.match, next, paused: false, pendingSnapshot: 0, inflight: 0 });
  });
});

describe('Progress.becomeReplicate', () => {
  const cases: Array<{ name: string; from: Shape }> = [
    { name: 'from probe', from: { state: 'probe', match: 1, next: 5, paused: true } },
    { name: 'from snapshot', from: { state: 'snapshot', match: 10, next: 5, pendingSnapshot: 10 } },
    { name: 'from replicate (reset the window)', from: { state: 'replicate', match: 3, next: 9, inflight: [5, 8], paused: true } },
  ];
  it.each(cases)('$name', ({ from }) => {
    const pr = progress(from);
    pr.becomeReplicate();
    expect(view(pr)).toEqual({ state: 'replicate', match: from.match, next: from.match + 1, paused: false, pendingSnapshot: 0, inflight: 0 });
  });
});

describe('Progress.becomeSnapshot', () => {
  const cases: Array<{ name: string; from: Shape }> = [
    { name: 'from probe', from: { state: 'probe', match: 1, next: 5, paused: true } },
    { name: 'from replicate', from: { state: 'replicate', match: 1, next: 9, inflight: [5, 8] } },
  ];
  it.each(cases)('$name', ({ from }) => {
    const pr = progress(from);
    pr.becomeSnapshot(20);
    // match and next are left as they are; nothing is sent until the snapshot is reported.
    expect(view(pr)).toEqual({ state: 'snapshot', match: from.match, next: from.next, paused: false, pendingSnapshot: 20, inflight: 0 });
    expect(pr.isPaused()).toBe(true);
  });
});

describe('Progress.sentEntries', () => {
  const cases: Array<{ name: string; from: Shape; count: number; next: number; paused: boolean; inflight: number }> = [
    // Replicate: optimistic, next advances and the window fills.
    { name: 'replicate, empty append', from: { state: 'replicate', match: 4, next: 5 }, count: 0, next: 5, paused: false, inflight: 0 },
    { name: 'replicate, entries', from: { state: 'replicate', match: 4, next: 5 }, count: 3, next: 8, paused: false, inflight: 1 },
    { name: 'replicate, fills the window', from: { state: 'replicate', match: 4, next: 6, maxInflight: 2, inflight: [5] }, count: 1, next: 7, paused: true, inflight: 2 },
    { name: 'replicate, full window, empty append', from: { state: 'replicate', match: 4, next: 7, maxInflight: 2, inflight: [5, 6], paused: true }, count: 0, next: 7, paused: true, inflight: 2 },
    // Probe: one append at a time; next does not move.
    { name: 'probe, entries', from: { state: 'probe', match: 4, next: 5 }, count: 3, next: 5, paused: true, inflight: 0 },
    { name: 'probe, empty append', from: { state: 'probe', match: 4, next: 5 }, count: 0, next: 5, paused: false, inflight: 0 },
    { name: 'probe, already paused', from: { state: 'probe', match: 4, next: 5, paused: true }, count: 0, next: 5, paused: true, inflight: 0 },
    // Snapshot: nothing changes.
    { name: 'snapshot', from: { state: 'snapshot', match: 4, next: 5, pendingSnapshot: 9 }, count: 2, next: 5, paused: false, inflight: 0 },
  ];
  it.each(cases)('$name', ({ from, count, next, paused, inflight }) => {
    const pr = progress(from);
    pr.sentEntries(count);
    expect([pr.next, pr.msgAppFlowPaused, pr.inflights.length()]).toEqual([next, paused, inflight]);
    expect(pr.state).toBe(from.state);
  });

  it('records the last index of each replicate append in the window', () => {
    const pr = progress({ state: 'replicate', match: 4, next: 5, maxInflight: 3 });
    pr.sentEntries(2); // 5, 6
    pr.sentEntries(1); // 7
    pr.sentEntries(4); // 8..11
    expect(pr.next).toBe(12);
    expect(pr.isPaused()).toBe(true);
    pr.inflights.freeLE(6);
    expect(pr.inflights.length()).toBe(2);
    pr.inflights.freeLE(10); // 11 is still in flight
    expect(pr.inflights.length()).toBe(1);
  });
});

describe('Progress.maybeUpdate', () => {
  const cases: Array<{ name: string; from: Shape; n: number; updated: boolean; match: number; next: number; paused: boolean }> = [
    { name: 'older ack', from: { state: 'probe', match: 3, next: 5, paused: true }, n: 2, updated: false, match: 3, next: 5, paused: true },
    { name: 'same as match', from: { state: 'probe', match: 3, next: 5, paused: true }, n: 3, updated: false, match: 3, next: 5, paused: true },
    { name: 'news below next', from: { state: 'probe', match: 3, next: 5, paused: true }, n: 4, updated: true, match: 4, next: 5, paused: false },
    { name: 'news at next', from: { state: 'probe', match: 3, next: 5, paused: true }, n: 5, updated: true, match: 5, next: 6, paused: false },
    { name: 'news beyond next', from: { state: 'probe', match: 3, next: 5 }, n: 8, updated: true, match: 8, next: 9, paused: false },
    { name: 'replicate: next stays ahead', from: { state: 'replicate', match: 3, next: 10 }, n: 6, updated: true, match: 6, next: 10, paused: false },
    // An old ack still pushes next past it (invariant match < next).
    { name: 'old ack beyond a low next', from: { state: 'probe', match: 3, next: 2 }, n: 3, updated: false, match: 3, next: 4, paused: false },
  ];
  it.each(cases)('$name', ({ from, n, updated, match, next, paused }) => {
    const pr = progress(from);
    expect(pr.maybeUpdate(n)).toBe(updated);
    expect([pr.match, pr.next, pr.msgAppFlowPaused]).toEqual([match, next, paused]);
  });
});

describe('Progress.maybeDecrTo', () => {
  const cases: Array<{ name: string; from: Shape; rejected: number; hint: number; ok: boolean; next: number; paused: boolean }> = [
    // Replicate: a rejection at or below match answers an old append.
    { name: 'replicate: rejected = match (stale)', from: { state: 'replicate', match: 5, next: 10 }, rejected: 5, hint: 5, ok: false, next: 10, paused: false },
    { name: 'replicate: rejected < match (stale)', from: { state: 'replicate', match: 5, next: 10 }, rejected: 4, hint: 4, ok: false, next: 10, paused: false },
    // ...otherwise fall back to right after match (the hint is not used).
    { name: 'replicate: rejected > match', from: { state: 'replicate', match: 5, next: 10 }, rejected: 9, hint: 7, ok: true, next: 6, paused: false },
    { name: 'replicate: low hint', from: { state: 'replicate', match: 5, next: 10 }, rejected: 6, hint: 0, ok: true, next: 6, paused: false },
    // Probe: only the rejection of the probe in flight (at next - 1) counts.
    { name: 'probe: rejected != next-1 (stale)', from: { state: 'probe', match: 0, next: 10, paused: true }, rejected: 5, hint: 5, ok: false, next: 10, paused: true },
    { name: 'probe: rejected = next (stale)', from: { state: 'probe', match: 0, next: 10, paused: true }, rejected: 10, hint: 5, ok: false, next: 10, paused: true },
    { name: 'probe: hint at rejected', from: { state: 'probe', match: 0, next: 10, paused: true }, rejected: 9, hint: 9, ok: true, next: 9, paused: false },
    { name: 'probe: hint below', from: { state: 'probe', match: 0, next: 10, paused: true }, rejected: 9, hint: 5, ok: true, next: 6, paused: false },
    { name: 'probe: hint 0', from: { state: 'probe', match: 0, next: 10, paused: true }, rejected: 9, hint: 0, ok: true, next: 1, paused: false },
    { name: 'probe: hint above rejected is capped', from: { state: 'probe', match: 0, next: 10, paused: true }, rejected: 9, hint: 100, ok: true, next: 9, paused: false },
    { name: 'probe: never below match+1', from: { state: 'probe', match: 3, next: 10, paused: true }, rejected: 9, hint: 1, ok: true, next: 4, paused: false },
    { name: 'probe: next right after match', from: { state: 'probe', match: 3, next: 4, paused: true }, rejected: 3, hint: 1, ok: true, next: 4, paused: false },
    { name: 'probe: first index', from: { state: 'probe', match: 0, next: 2, paused: true }, rejected: 1, hint: 0, ok: true, next: 1, paused: false },
  ];
  it.each(cases)('$name', ({ from, rejected, hint, ok, next, paused }) => {
    const pr = progress(from);
    expect(pr.maybeDecrTo(rejected, hint)).toBe(ok);
    expect([pr.next, pr.msgAppFlowPaused, pr.match, pr.state]).toEqual([next, paused, from.match, from.state]);
  });
});

describe('Progress.isPaused', () => {
  const cases: Array<{ name: string; from: Shape; want: boolean }> = [
    { name: 'probe', from: { state: 'probe', match: 0, next: 1 }, want: false },
    { name: 'probe, waiting for an answer', from: { state: 'probe', match: 0, next: 1, paused: true }, want: true },
    { name: 'replicate', from: { state: 'replicate', match: 0, next: 1 }, want: false },
    { name: 'replicate, window full', from: { state: 'replicate', match: 0, next: 1, paused: true }, want: true },
    { name: 'snapshot', from: { state: 'snapshot', match: 0, next: 1, pendingSnapshot: 5 }, want: true },
  ];
  it.each(cases)('$name', ({ from, want }) => expect(progress(from).isPaused()).toBe(want));

  it('probe: an append pauses, its ack unpauses', () => {
    const pr = progress({ state: 'probe', match: 0, next: 1 });
    pr.sentEntries(1);
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeUpdate(1)).toBe(true);
    expect(pr.isPaused()).toBe(false);
  });

  it('probe: an append pauses, its rejection unpauses', () => {
    const pr = progress({ state: 'probe', match: 0, next: 5 });
    pr.sentEntries(1);
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeDecrTo(4, 2)).toBe(true);
    expect([pr.isPaused(), pr.next]).toEqual([false, 3]);
  });

  it('replicate: freeing the window and sending again unpauses', () => {
    const pr = progress({ state: 'replicate', match: 0, next: 1, maxInflight: 1 });
    pr.sentEntries(1);
    expect(pr.isPaused()).toBe(true);
    pr.maybeUpdate(1);
    pr.inflights.freeLE(1);
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(0);
    expect(pr.isPaused()).toBe(false);
  });
});

describe('Progress.clone', () => {
  it('copies every field and shares nothing', () => {
    const pr = progress({ state: 'replicate', match: 3, next: 7, maxInflight: 4, inflight: [5, 6], paused: false });
    pr.recentActive = true;
    pr.isLearner = true;
    const c = pr.clone();
    expect(view(c)).toEqual(view(pr));
    expect([c.recentActive, c.isLearner, c.inflights.size]).toEqual([true, true, 4]);
    c.sentEntries(2);
    c.maybeUpdate(8);
    expect(view(pr)).toEqual({ state: 'replicate', match: 3, next: 7, paused: false, pendingSnapshot: 0, inflight: 2 });
  });
});
