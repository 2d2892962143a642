// Replays one seed:   RAFT_SIM_SEED=1234 npx vitest run store/raft/sim/replay.test.ts
//                     (or RAFT_SIM_SEED=1234 npm run sim)
// Add RAFT_SIM_TRACE=1 for a step-by-step trace of the run on stdout, RAFT_SIM_STEPS=n to
// shorten or lengthen the random phase, RAFT_SIM_MUTANT=<name> to run it against a mutant of
// mutants.ts. Without RAFT_SIM_SEED it runs one seed of every family, so it is never empty.

import { describe, expect, it } from 'vitest';
import { runSeed, type RunResult } from './driver.js';
import { mutants } from './mutants.js';
import { FAMILIES, SEEDS_PER_FAMILY, describeConfig } from './scenarios.js';

const seedEnv = process.env.RAFT_SIM_SEED;
const traceOn = process.env.RAFT_SIM_TRACE !== undefined && process.env.RAFT_SIM_TRACE !== '0';
const stepsEnv = process.env.RAFT_SIM_STEPS;
const mutantEnv = process.env.RAFT_SIM_MUTANT;
const mutant = mutantEnv ? mutants.find((m) => m.name === mutantEnv) : undefined;
if (mutantEnv && !mutant) throw new Error(`RAFT_SIM_MUTANT must be one of ${mutants.map((m) => m.name).join(', ')}`);

function parseSeed(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`RAFT_SIM_SEED must be a non-negative integer, got "${s}"`);
  return n;
}

const seeds = seedEnv ? [parseSeed(seedEnv)] : FAMILIES.map((_, k) => k * SEEDS_PER_FAMILY + 42);

describe('raft sim replay', () => {
  for (const seed of seeds) {
    it(`seed ${seed}`, () => {
      const lines: string[] = [];
      let r: RunResult;
      try {
        r = runSeed(seed, {
          ...(traceOn ? { trace: (l: string) => lines.push(l) } : {}),
          ...(stepsEnv ? { steps: Number(stepsEnv) } : {}),
          ...(mutant ? { mutant } : {}),
        });
      } finally {
        // One write, failure or not: vitest mangles many small interleaved writes.
        if (traceOn) process.stdout.write(`${lines.join('\n')}\n`);
      }
      process.stdout.write(
        `seed ${seed} [${describeConfig(r.config)}] ok: ${JSON.stringify(r.stats)} checks ${JSON.stringify(r.checks)}` +
          (r.membershipDone.length > 0 ? ` membership: ${r.membershipDone.join(' / ')}` : '') +
          ` liveness: leader in ${r.liveness.leaderTicks} ticks, commit in ${r.liveness.commitTicks}` +
          '\n',
      );
      expect(r.stats.steps).toBeGreaterThan(0);
    });
  }
});
