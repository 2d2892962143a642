// The random run: pick a step with the seeded PRNG, do it, let the checkers look, repeat; then
// heal everything and demand liveness and that no acknowledged proposal was lost. Any failure
// (a checker's violation or the core throwing) is rethrown as a SimFailure that names the seed
// and the one command that replays it.

import type { TestMember } from '../testing/member.js';
import { SafetyViolation, type SafetyChecker } from './checkers.js';
import { SimCluster, type ClusterStats } from './cluster.js';
import { healNetwork, injectFault } from './faults.js';
import { calmRound, checkLiveness, checkNoAcknowledgedLost, healAll, type LivenessBounds, type LivenessResult } from './liveness.js';
import { MembershipDriver, standardPlan } from './membership.js';
import type { Mutant } from './mutants.js';
import { Rng, deriveSeed } from './prng.js';
import { configForSeed, describeConfig, type RunConfig, type StepKind } from './scenarios.js';

export const REPLAY_FILE = 'store/raft/sim/replay.test.ts';

export function replayCommand(seed: number, mutant?: string): string {
  return `${mutant ? `RAFT_SIM_MUTANT=${mutant} ` : ''}RAFT_SIM_SEED=${seed} npx vitest run ${REPLAY_FILE}`;
}

export class SimFailure extends Error {
  readonly seed: number;
  readonly step: number;
  override readonly cause: unknown;
  constructor(seed: number, step: number, config: string, cause: unknown, traceTail: readonly string[], mutant?: string) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `raft sim failed: seed ${seed} at step ${step} [${config}]\n  ${why}\n` +
        `  replay: ${replayCommand(seed, mutant)}\n` +
        (traceTail.length > 0
          ? `  last trace lines:\n    ${traceTail.join('\n    ')}`
          : `  (add RAFT_SIM_TRACE=1 to the replay command for a step-by-step trace)`),
    );
    this.name = 'SimFailure';
    this.seed = seed;
    this.step = step;
    this.cause = cause;
  }

  violation(): SafetyViolation | undefined {
    return this.cause instanceof SafetyViolation ? this.cause : undefined;
  }
}

export interface RunOptions {
  /** Receives every trace line (verbose replay). */
  trace?: (line: string) => void;
  /** Patch every core instance (tests of the host emulation). */
  onNode?: (tm: TestMember) => void;
  /** Run against a mutant (mutation tests); named in the replay command of a failure. */
  mutant?: Mutant;
  /** Override the number of random steps. */
  steps?: number;
}

export interface RunResult {
  config: RunConfig;
  stats: ClusterStats;
  checks: SafetyChecker['stats'];
  membershipDone: string[];
  /** Membership goals reached during the faulty phase (the rest were finished on a healed network). */
  membershipDoneUnderFaults: number;
  liveness: LivenessResult;
}

/** In ticks, with electionTick 10: 10 election timeouts to elect, 1 to prove it stable, 3 to commit. */
export const defaultBounds: LivenessBounds = { leaderTicks: 100, stableTicks: 10, commitTicks: 30, settleTicks: 30 };

/**
 * Without pre-vote, a member whose log is behind still campaigns: every time its timer fires it
 * bumps everyone's term, and stepping down to a new term resets their election timers too (the
 * core does what etcd does), so an electable member must win a timer race against it. Each race
 * is lost with probability ~0.2, so elections take longer in the tail; the bound allows ~18 races.
 */
export function boundsFor(cfg: RunConfig): LivenessBounds {
  return cfg.raft.preVote ? defaultBounds : { ...defaultBounds, leaderTicks: 300 };
}

/** Run one seed end to end. Throws SimFailure on any violation. */
export function runSeed(seed: number, opts: RunOptions = {}): RunResult {
  const cfg = configForSeed(seed);
  if (opts.steps !== undefined) cfg.steps = opts.steps;
  return runConfig(cfg, opts);
}

export function runConfig(cfg: RunConfig, opts: RunOptions = {}): RunResult {
  // Keep the last trace lines for the failure report even when not printing them.
  const tail: string[] = [];
  const trace = opts.trace
    ? (line: string) => {
        opts.trace!(line);
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    : undefined;
  const mutant = opts.mutant;
  const onNode = opts.onNode ?? (mutant ? (tm: TestMember) => mutant.apply(tm) : undefined);
  let c: SimCluster | undefined;
  try {
    const ids = Array.from({ length: cfg.size }, (_, i) => i + 1);
    c = new SimCluster({
      seed: cfg.seed,
      ids,
      raft: cfg.raft,
      network: cfg.network,
      reportUnreachable: cfg.reportUnreachable,
      snapshotPolicy: cfg.snapshotPolicy,
      ...(onNode ? { onNode } : {}),
      ...(trace ? { trace } : {}),
    });
    c.trace(() => `run ${cfg.seed}: ${describeConfig(cfg)}`);
    return drive(c, cfg);
  } catch (e) {
    throw new SimFailure(cfg.seed, c?.stats.steps ?? 0, describeConfig(cfg), e, tail, mutant?.name);
  }
}

function drive(c: SimCluster, cfg: RunConfig): RunResult {
  const rng = new Rng(deriveSeed(cfg.seed, 'driver'));
  const md = cfg.weights.membership > 0 ? new MembershipDriver(standardPlan(cfg.size)) : undefined;
  let payloads = 0;

  for (let s = 0; s < cfg.steps; s++) {
    const kind = rng.weighted<StepKind>(cfg.weights);
    doStep(c, cfg, rng, kind, md, () => `p${++payloads}`);
    c.endStep();
  }

  const membershipDoneUnderFaults = md?.completed.length ?? 0;
  if (md && !md.done()) {
    // The plan did not finish under faults: finish it on a healthy network, within a bound.
    healAll(c, cfg.network);
    for (let t = 0; !md.done(); t++) {
      if (t >= 2000) throw new SafetyViolation('liveness', `membership goal "${md.current()}" not reached within 2000 calm ticks`);
      md.step(c, rng);
      calmRound(c);
    }
  }
  const liveness = checkLiveness(c, cfg.network, boundsFor(cfg), `final-${cfg.seed}`);
  checkNoAcknowledgedLost(c);
  return {
    config: cfg,
    stats: c.stats,
    checks: c.checker.stats,
    membershipDone: md?.completed ?? [],
    membershipDoneUnderFaults,
    liveness,
  };
}

function doStep(c: SimCluster, cfg: RunConfig, rng: Rng, kind: StepKind, md: MembershipDriver | undefined, nextPayload: () => string): void {
  const up = c.up();
  switch (kind) {
    case 'tickAll':
      c.tickAll();
      return;
    case 'tickOne':
      if (up.length > 0) c.tick(rng.pick(up).id);
      return;
    case 'deliver':
      c.deliverDue(rng.int(1, 3 * cfg.size));
      return;
    case 'propose': {
      // Mostly running members; sometimes a crashed one (the client gets an error).
      const targets = [...c.members.values()].filter((m) => m.status !== 'stopped');
      const to = rng.chance(0.9) && up.length > 0 ? rng.pick(up) : rng.pick(targets);
      c.propose(to.id, nextPayload());
      return;
    }
    case 'fault':
      injectFault(c, rng);
      return;
    case 'heal':
      healNetwork(c, cfg.network);
      return;
    case 'crash':
    case 'crashLeader': {
      const voters = c.conf.voters.length;
      const maxDown = cfg.maxDown === 'minority' ? Math.floor((voters - 1) / 2) : voters - 1;
      if (c.down().length >= maxDown || up.length === 0) return;
      // Crashing the leader itself, typically with appends half delivered, is what produces the
      // logs of Figure 8: entries of old terms on some members only. Messages the victim sent
      // may die with it (still in its send buffers) or still arrive.
      const victim = kind === 'crashLeader' ? c.currentLeader() : rng.pick(up);
      if (victim) c.crash(victim.id, rng.pick([0, 0.5, 1]));
      return;
    }
    case 'restart': {
      const down = c.down();
      if (down.length > 0) c.restart(rng.pick(down).id);
      return;
    }
    case 'snapshot':
      if (up.length > 0) c.takeSnapshot(rng.pick(up).id, rng.int(cfg.snapshotKeep[0], cfg.snapshotKeep[1]));
      return;
    case 'transfer': {
      const leader = c.currentLeader();
      const others = c.conf.voters.filter((id) => id !== leader?.id);
      if (leader && others.length > 0) c.transferLeadership(leader.id, rng.pick(others));
      return;
    }
    case 'membership':
      md?.step(c, rng);
      return;
  }
}
