// Random runs of a 5-member group: every step chosen by the seed (ticks, deliveries, proposals,
// partitions, loss, duplication, crashes, snapshots, leadership transfers), every safety property
// checked after every input, then heal, liveness, and no acknowledged proposal lost.
// Replay one: RAFT_SIM_SEED=<seed> npx vitest run store/raft/sim/replay.test.ts

import { describe, expect } from 'vitest';
import { seedCount, sweep } from './sweep.js';

describe('raft sim: random, 5 members', () => {
  sweep('random', 5, seedCount(1000), (t) => {
    expect(t.stats.steps).toBeGreaterThanOrEqual(t.runs * 2000);
    expect(t.leadersElected).toBeGreaterThan(t.runs * 3);
    expect(t.stats.acknowledged).toBeGreaterThan(t.runs * 10);
    expect(t.stats.snapshotsInstalled).toBeGreaterThan(0);
    expect(t.stats.crashes).toBeGreaterThan(t.runs);
  });
});
