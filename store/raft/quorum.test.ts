// Quorums: majority and joint-majority answers for commit indexes and votes.

import { describe, expect, it } from 'vitest';
import { jointCommitted, jointIds, jointVote, majorityCommitted, majorityVote, type VoteResult } from './quorum.js';

const acked = (m: Record<number, number>) => (id: number): number | undefined => m[id];
const votes = (m: Record<number, boolean>) => new Map(Object.entries(m).map(([k, v]) => [Number(k), v]));
const set = (ids: number[]) => new Set(ids);

describe('majorityCommitted', () => {
  const cases: Array<{ voters: number[]; acks: Record<number, number>; want: number }> = [
    // An empty config does not constrain.
    { voters: [], acks: {}, want: Infinity },
    { voters: [], acks: { 1: 5 }, want: Infinity },
    // One voter.
    { voters: [1], acks: {}, want: 0 },
    { voters: [1], acks: { 1: 5 }, want: 5 },
    // Two voters: both are needed.
    { voters: [1, 2], acks: { 1: 5, 2: 3 }, want: 3 },
    { voters: [1, 2], acks: { 1: 5 }, want: 0 },
    { voters: [1, 2], acks: { 1: 5, 2: 5 }, want: 5 },
    // Three voters: the second largest.
    { voters: [1, 2, 3], acks: { 1: 5, 2: 3, 3: 1 }, want: 3 },
    { voters: [1, 2, 3], acks: { 1: 1, 2: 3, 3: 5 }, want: 3 },
    { voters: [1, 2, 3], acks: { 1: 5 }, want: 0 },
    { voters: [1, 2, 3], acks: { 1: 5, 2: 5 }, want: 5 },
    { voters: [1, 2, 3], acks: { 1: 5, 3: 4 }, want: 4 },
    // Four voters: three are needed.
    { voters: [1, 2, 3, 4], acks: { 1: 9, 2: 8, 3: 7, 4: 6 }, want: 7 },
    { voters: [1, 2, 3, 4], acks: { 1: 9, 2: 8 }, want: 0 },
    { voters: [1, 2, 3, 4], acks: { 1: 9, 2: 8, 3: 1 }, want: 1 },
    // Five voters: three are needed.
    { voters: [1, 2, 3, 4, 5], acks: { 1: 9, 2: 8, 3: 7, 4: 6, 5: 5 }, want: 7 },
    { voters: [1, 2, 3, 4, 5], acks: { 1: 2, 2: 2, 3: 9, 4: 9 }, want: 2 },
    // Acks from non-voters (learners, removed nodes) do not count.
    { voters: [1, 2, 3], acks: { 1: 5, 4: 10, 5: 10 }, want: 0 },
  ];
  it.each(cases)('voters $voters, acks $acks', ({ voters, acks, want }) => {
    expect(majorityCommitted(set(voters), acked(acks))).toBe(want);
  });
});

describe('majorityVote', () => {
  const cases: Array<{ voters: number[]; votes: Record<number, boolean>; want: VoteResult }> = [
    { voters: [], votes: {}, want: 'won' }, // an empty config agrees to everything
    { voters: [1], votes: {}, want: 'pending' },
    { voters: [1], votes: { 1: true }, want: 'won' },
    { voters: [1], votes: { 1: false }, want: 'lost' },
    { voters: [1, 2], votes: { 1: true }, want: 'pending' },
    { voters: [1, 2], votes: { 1: false }, want: 'lost' },
    { voters: [1, 2], votes: { 1: true, 2: false }, want: 'lost' },
    { voters: [1, 2], votes: { 1: true, 2: true }, want: 'won' },
    { voters: [1, 2, 3], votes: { 1: true }, want: 'pending' },
    { voters: [1, 2, 3], votes: { 1: true, 2: false }, want: 'pending' },
    { voters: [1, 2, 3], votes: { 1: true, 2: true }, want: 'won' },
    { voters: [1, 2, 3], votes: { 1: false, 2: false }, want: 'lost' },
    { voters: [1, 2, 3], votes: { 1: true, 2: false, 3: false }, want: 'lost' },
    { voters: [1, 2, 3, 4], votes: { 1: true, 2: true }, want: 'pending' },
    { voters: [1, 2, 3, 4], votes: { 1: true, 2: true, 3: true }, want: 'won' },
    { voters: [1, 2, 3, 4], votes: { 1: false }, want: 'pending' },
    { voters: [1, 2, 3, 4], votes: { 1: false, 2: false }, want: 'lost' }, // 3 of 4 impossible
    { voters: [1, 2, 3, 4, 5], votes: { 1: true, 2: true, 3: false, 4: false }, want: 'pending' },
    { voters: [1, 2, 3, 4, 5], votes: { 1: true, 2: false, 3: false, 4: false }, want: 'lost' },
    // Votes of non-voters do not count.
    { voters: [1, 2, 3], votes: { 4: true, 5: true }, want: 'pending' },
    { voters: [1, 2, 3], votes: { 1: true, 4: true, 5: true }, want: 'pending' },
  ];
  it.each(cases)('voters $voters, votes $votes', ({ voters, votes: v, want }) => {
    expect(majorityVote(set(voters), votes(v))).toBe(want);
  });
});

describe('jointCommitted', () => {
  const cases: Array<{ name: string; incoming: number[]; outgoing: number[]; acks: Record<number, number>; want: number }> = [
    { name: 'both empty', incoming: [], outgoing: [], acks: {}, want: Infinity },
    { name: 'empty outgoing: the incoming majority', incoming: [1, 2, 3], outgoing: [], acks: { 1: 5, 2: 3, 3: 1 }, want: 3 },
    { name: 'empty incoming: the outgoing majority', incoming: [], outgoing: [1, 2, 3], acks: { 1: 5, 2: 3, 3: 1 }, want: 3 },
    { name: 'same halves', incoming: [1, 2, 3], outgoing: [1, 2, 3], acks: { 1: 5, 2: 3, 3: 1 }, want: 3 },
    { name: 'disjoint halves: the lower one', incoming: [1, 2, 3], outgoing: [4, 5, 6], acks: { 1: 5, 2: 5, 3: 5, 4: 2, 5: 2, 6: 2 }, want: 2 },
    { name: 'disjoint halves, incoming behind', incoming: [1, 2, 3], outgoing: [4, 5, 6], acks: { 1: 1, 2: 1, 4: 7, 5: 7 }, want: 1 },
    { name: 'overlap: 1 2 | 2 3', incoming: [1, 2], outgoing: [2, 3], acks: { 1: 9, 2: 6, 3: 4 }, want: 4 },
    { name: 'one member swapped', incoming: [1, 2, 4], outgoing: [1, 2, 3], acks: { 1: 9, 2: 8, 3: 7, 4: 1 }, want: 8 },
    { name: 'a new member not caught up', incoming: [1, 2, 3, 4], outgoing: [1, 2, 3], acks: { 1: 9, 2: 8, 3: 7 }, want: 7 },
    { name: 'outgoing member unknown', incoming: [1, 2], outgoing: [1, 2, 3], acks: { 1: 9, 2: 8 }, want: 8 },
  ];
  it.each(cases)('$name', ({ incoming, outgoing, acks, want }) => {
    expect(jointCommitted({ incoming: set(incoming), outgoing: set(outgoing) }, acked(acks))).toBe(want);
  });
});

describe('jointVote', () => {
  const cases: Array<{ name: string; incoming: number[]; outgoing: number[]; votes: Record<number, boolean>; want: VoteResult }> = [
    { name: 'both empty', incoming: [], outgoing: [], votes: {}, want: 'won' },
    // An empty outgoing half is won: the incoming half decides alone.
    { name: 'empty outgoing, pending', incoming: [1, 2, 3], outgoing: [], votes: { 1: true }, want: 'pending' },
    { name: 'empty outgoing, won', incoming: [1, 2, 3], outgoing: [], votes: { 1: true, 2: true }, want: 'won' },
    { name: 'empty outgoing, lost', incoming: [1, 2, 3], outgoing: [], votes: { 1: false, 2: false }, want: 'lost' },
    // Both halves must be won.
    { name: 'won + pending', incoming: [1, 2, 3], outgoing: [3, 4, 5], votes: { 1: true, 2: true }, want: 'pending' },
    { name: 'won + won', incoming: [1, 2, 3], outgoing: [3, 4, 5], votes: { 1: true, 2: true, 3: true, 4: true }, want: 'won' },
    { name: 'won + lost', incoming: [1, 2, 3], outgoing: [3, 4, 5], votes: { 1: true, 2: true, 4: false, 5: false }, want: 'lost' },
    { name: 'lost + pending', incoming: [1, 2, 3], outgoing: [3, 4, 5], votes: { 1: false, 2: false }, want: 'lost' },
    { name: 'pending + pending', incoming: [1, 2, 3], outgoing: [3, 4, 5], votes: { 3: true }, want: 'pending' },
    { name: 'pending + lost', incoming: [1, 2, 3], outgoing: [3, 4, 5], votes: { 3: false, 4: false }, want: 'lost' },
    { name: 'nothing yet', incoming: [1, 2, 3], outgoing: [3, 4, 5], votes: {}, want: 'pending' },
    { name: 'shared member decides both', incoming: [1, 2], outgoing: [2, 3], votes: { 1: true, 2: true, 3: true }, want: 'won' },
    { name: 'shared member rejects both', incoming: [1, 2], outgoing: [2, 3], votes: { 2: false }, want: 'lost' },
  ];
  it.each(cases)('$name', ({ incoming, outgoing, votes: v, want }) => {
    expect(jointVote({ incoming: set(incoming), outgoing: set(outgoing) }, votes(v))).toBe(want);
  });
});

describe('jointIds', () => {
  const cases: Array<{ incoming: number[]; outgoing: number[]; want: number[] }> = [
    { incoming: [], outgoing: [], want: [] },
    { incoming: [1, 2], outgoing: [], want: [1, 2] },
    { incoming: [1, 2], outgoing: [2, 3], want: [1, 2, 3] },
    { incoming: [], outgoing: [3], want: [3] },
  ];
  it.each(cases)('$incoming && $outgoing', ({ incoming, outgoing, want }) => {
    expect([...jointIds({ incoming: set(incoming), outgoing: set(outgoing) })].sort()).toEqual(want);
  });
});
