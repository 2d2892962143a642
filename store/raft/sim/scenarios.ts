// What a seed means. A seed alone determines a whole run, scenario included: its millions digit
// picks the scenario family, and a PRNG forked from it picks the run's settings (pre-vote,
// check-quorum, message size limits, network behaviour, step weights). So a failing run is
// replayed from nothing but its seed.
//
// Families: random (everything mixed), membership (the standard plan of membership.ts under
// faults), snapshot (aggressive compaction, frequent crashes), churn (leader crashes, no pre-vote
// or check-quorum, one entry per message); each with 3 and with 5 founding members.

import type { MemberOptions } from '../testing/member.js';
import type { SnapshotPolicy } from './cluster.js';
import type { NetworkParams } from './network.js';
import { Rng, deriveSeed } from './prng.js';

export type Family = 'random' | 'membership' | 'snapshot' | 'churn';

export type StepKind =
  | 'tickAll'
  | 'tickOne'
  | 'deliver'
  | 'propose'
  | 'fault'
  | 'heal'
  | 'crash'
  | 'crashLeader'
  | 'restart'
  | 'snapshot'
  | 'transfer'
  | 'membership';

export type StepWeights = Record<StepKind, number>;

export interface RunConfig {
  seed: number;
  family: Family;
  /** Founding members. */
  size: number;
  /** Random steps before the final heal-and-check phase. */
  steps: number;
  raft: MemberOptions;
  /** The network when no fault is active. */
  network: NetworkParams;
  reportUnreachable: boolean;
  /** How the host lets members added after the last snapshot join (see SimCluster). */
  snapshotPolicy: SnapshotPolicy;
  weights: StepWeights;
  /** Entries a snapshot keeps behind it, uniform in [min, max]. */
  snapshotKeep: [number, number];
  /** How many members of the configuration may be down at once. */
  maxDown: 'minority' | 'allButOne';
}

export const SEEDS_PER_FAMILY = 1_000_000;

/** Seed ranges: [k * 1e6, (k + 1) * 1e6) is family FAMILIES[k % FAMILIES.length]. */
export const FAMILIES: readonly { family: Family; size: number }[] = [
  { family: 'random', size: 3 },
  { family: 'random', size: 5 },
  { family: 'membership', size: 3 },
  { family: 'membership', size: 5 },
  { family: 'snapshot', size: 3 },
  { family: 'snapshot', size: 5 },
  { family: 'churn', size: 3 },
  { family: 'churn', size: 5 },
];

/** The first seed of a family, e.g. seedBase('random', 5) + 17 is the 17th 5-member random run. */
export function seedBase(family: Family, size: number): number {
  const k = FAMILIES.findIndex((f) => f.family === family && f.size === size);
  if (k < 0) throw new Error(`no family ${family}/${size}`);
  return k * SEEDS_PER_FAMILY;
}

export const baseWeights: StepWeights = {
  tickAll: 14,
  tickOne: 4,
  deliver: 45,
  propose: 12,
  fault: 2.5,
  heal: 2,
  crash: 1.5,
  crashLeader: 0.5,
  restart: 3,
  snapshot: 3,
  transfer: 0.7,
  membership: 0,
};

export function configForSeed(seed: number): RunConfig {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  const { family, size } = FAMILIES[Math.floor(seed / SEEDS_PER_FAMILY) % FAMILIES.length]!;
  const rng = new Rng(deriveSeed(seed, 'config'));

  // Pre-vote and check-quorum on in most runs (the production setting); any mix in the rest.
  const both = rng.chance(0.75);
  const raft: MemberOptions = {
    electionTick: 10,
    heartbeatTick: rng.chance(0.8) ? 1 : rng.int(2, 3),
    preVote: both || rng.chance(0.5),
    checkQuorum: both || rng.chance(0.5),
  };
  // Small messages and windows make catching up take many round trips (more interleavings).
  if (rng.chance(0.3)) raft.maxSizePerMsg = rng.pick([1, 64, 512]);
  if (rng.chance(0.3)) raft.maxInflightMsgs = rng.pick([1, 2, 4]);

  const network: NetworkParams = {
    minDelay: 1,
    maxDelay: rng.pick([2, 3, 5]),
    loss: rng.pick([0, 0, 0.01, 0.03]),
    duplicate: rng.pick([0, 0, 0.01]),
  };
  const weights: StepWeights = { ...baseWeights };
  let steps = 2000;
  let snapshotKeep: [number, number] = [0, 20];
  let maxDown: RunConfig['maxDown'] = rng.chance(0.2) ? 'allButOne' : 'minority';

  if (family === 'membership') {
    steps = 5000;
    weights.membership = 4;
    maxDown = 'minority';
  } else if (family === 'snapshot') {
    // Compact hard and often, crash and restart often: lagging and restarted members can only
    // catch up through snapshots, which also get lost and duplicated by the network.
    weights.snapshot = 12;
    weights.crash = 3;
    weights.restart = 4;
    snapshotKeep = [0, 2];
    network.loss = rng.pick([0.01, 0.05]);
  } else if (family === 'churn') {
    // Leaders crash often, usually with appends half sent (their send buffers die with them),
    // and nothing damps elections: logs fill with entries of old terms on some members only,
    // the situation of Figure 8. Tiny messages and windows widen every window between steps.
    raft.preVote = false;
    raft.checkQuorum = false;
    raft.maxSizePerMsg = rng.pick([1, 1, 64]);
    raft.maxInflightMsgs = rng.pick([1, 2, 256]);
    weights.crashLeader = 4;
    weights.restart = 8;
    maxDown = 'allButOne';
  }

  return {
    seed,
    family,
    size,
    steps,
    raft,
    network,
    reportUnreachable: rng.chance(0.5),
    snapshotPolicy: rng.chance(0.5) ? { kind: 'fresh' } : { kind: 'afterAdd', keep: rng.int(snapshotKeep[0], snapshotKeep[1]) },
    weights,
    snapshotKeep,
    maxDown,
  };
}

export function describeConfig(c: RunConfig): string {
  const r = c.raft;
  return (
    `${c.family}/${c.size} steps=${c.steps} preVote=${r.preVote} checkQuorum=${r.checkQuorum} heartbeatTick=${r.heartbeatTick}` +
    (r.maxSizePerMsg !== undefined ? ` maxSizePerMsg=${r.maxSizePerMsg}` : '') +
    (r.maxInflightMsgs !== undefined ? ` maxInflight=${r.maxInflightMsgs}` : '') +
    ` delay=${c.network.minDelay}..${c.network.maxDelay} loss=${c.network.loss} dup=${c.network.duplicate}` +
    ` unreachable=${c.reportUnreachable} snapshots=${c.snapshotPolicy.kind} maxDown=${c.maxDown} keep=${c.snapshotKeep.join('..')}`
  );
}
