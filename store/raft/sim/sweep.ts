// Registers one vitest test per seed of a family, and a last test that checks the family as a
// whole exercised what it is for (snapshots installed, members removed, leaders crashed...).
// RAFT_SIM_SEEDS=n overrides the number of seeds per family (a nightly run can ask for 10000).

import { expect, it } from 'vitest';
import type { ClusterStats } from './cluster.js';
import { runSeed, type RunResult } from './driver.js';
import { seedBase, type Family } from './scenarios.js';

export interface SweepTotals {
  runs: number;
  stats: Record<keyof ClusterStats, number>;
  leadersElected: number;
  membershipGoals: number;
  membershipGoalsUnderFaults: number;
  maxLeaderTicks: number;
  maxCommitTicks: number;
  ms: number;
}

export function seedCount(defaultCount: number): number {
  const env = process.env.RAFT_SIM_SEEDS;
  if (!env) return defaultCount;
  const n = Number(env);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`RAFT_SIM_SEEDS must be a positive integer, got "${env}"`);
  return n;
}

/**
 * One test per seed (seedBase + 1 .. seedBase + count); then `expectations` runs on the totals.
 * The seed of a failing test is in its name and its error message says how to replay it.
 */
export function sweep(family: Family, size: number, count: number, expectations: (t: SweepTotals) => void): void {
  const totals: SweepTotals = {
    runs: 0,
    stats: {} as Record<keyof ClusterStats, number>,
    leadersElected: 0,
    membershipGoals: 0,
    membershipGoalsUnderFaults: 0,
    maxLeaderTicks: 0,
    maxCommitTicks: 0,
    ms: 0,
  };
  const base = seedBase(family, size);
  const add = (r: RunResult, ms: number) => {
    totals.runs++;
    totals.ms += ms;
    for (const [k, v] of Object.entries(r.stats) as [keyof ClusterStats, number][]) totals.stats[k] = (totals.stats[k] ?? 0) + v;
    totals.leadersElected += r.checks.leadersElected;
    totals.membershipGoals += r.membershipDone.length;
    totals.membershipGoalsUnderFaults += r.membershipDoneUnderFaults;
    totals.maxLeaderTicks = Math.max(totals.maxLeaderTicks, r.liveness.leaderTicks);
    totals.maxCommitTicks = Math.max(totals.maxCommitTicks, r.liveness.commitTicks);
  };
  for (let i = 1; i <= count; i++) {
    const seed = base + i;
    it(`seed ${seed}`, () => {
      const t0 = performance.now();
      const r = runSeed(seed);
      add(r, performance.now() - t0);
    });
  }
  it(`${family}/${size}: the ${count} runs exercised the scenario`, () => {
    const s = totals.stats;
    process.stdout.write(
      `sim ${family}/${size}: ${totals.runs} runs in ${(totals.ms / 1000).toFixed(1)} s; ${s.steps} steps, ${totals.leadersElected} leaders, ` +
        `${s.delivered} delivered / ${s.dropped + s.lost} lost, ${s.crashes} crashes, ${s.snapshotsInstalled} snapshots installed, ` +
        `${s.acknowledged}/${s.proposals} proposals acknowledged, ${s.confChangesApplied} conf changes ` +
        `(${totals.membershipGoalsUnderFaults}/${totals.membershipGoals} goals reached under faults), ${s.removed} members removed, ` +
        `liveness max ${totals.maxLeaderTicks} ticks to a leader, ${totals.maxCommitTicks} to commit\n`,
    );
    expect(totals.runs).toBe(count);
    expectations(totals);
  });
}
