// The end of every run: heal the network, bring every crashed member back, and demand progress
// within fixed bounds: a leader everyone follows, then a proposal applied on every member, then
// a quiet group. Only then is the "no acknowledged proposal lost" check meaningful: every member
// has caught up with everything that will ever be committed.

import { SafetyViolation, checkAcknowledged } from './checkers.js';
import { confMembers, type SimCluster, type SimMember } from './cluster.js';
import { healNetwork } from './faults.js';
import type { NetworkParams } from './network.js';

export interface LivenessBounds {
  /** Ticks from "all healed" until one leader is followed by every running member... */
  leaderTicks: number;
  /**
   * ... and then stays so for this many ticks before it counts: right after healing, followers
   * still believe in a leader that a member coming back from a partition is about to depose.
   * One election timeout of heartbeats resets every follower's timer, so then it is settled.
   */
  stableTicks: number;
  /** Ticks from proposing to that leader until every running member applied the proposal. */
  commitTicks: number;
  /** Ticks until every member applied everything in the leader's log. */
  settleTicks: number;
}

export interface LivenessResult {
  leaderTicks: number;
  commitTicks: number;
}

/**
 * One tick of a healthy cluster: every running member ticks, then the network is flushed. Message
 * delays are far below a tick in a healthy network, which is what this models.
 */
export function calmRound(c: SimCluster): void {
  c.tickAll();
  c.flushNetwork(200);
  c.endStep();
}

/** Heal everything and restart every crashed member (removed ones stay stopped). */
export function healAll(c: SimCluster, base: NetworkParams): void {
  healNetwork(c, base);
  for (const m of c.down()) c.restart(m.id);
}

/** A leader of the highest term that every running member of the configuration follows. */
export function stableLeader(c: SimCluster): SimMember | undefined {
  const leader = c.currentLeader();
  if (!leader) return undefined;
  const live = c.liveInConf();
  if (!live.includes(leader)) return undefined;
  const term = leader.tm.term();
  for (const m of live) {
    if (m.tm.term() !== term || m.tm.node.raft.lead !== leader.id) return undefined;
  }
  return leader;
}

export function checkLiveness(c: SimCluster, base: NetworkParams, bounds: LivenessBounds, probe: string): LivenessResult {
  healAll(c, base);
  c.trace(() => 'liveness: healed; waiting for a leader');

  let leaderTicks = 0;
  let leader = stableLeader(c);
  let since = 0; // when the current leader was first seen followed by everyone
  for (;;) {
    if (leader && leaderTicks - since >= bounds.stableTicks) break;
    if (leaderTicks >= bounds.leaderTicks + bounds.stableTicks) {
      throw new SafetyViolation(
        'liveness',
        `no leader followed by every member for ${bounds.stableTicks} ticks, within ${bounds.leaderTicks} ticks of healing (${describe(c)})`,
      );
    }
    calmRound(c);
    leaderTicks++;
    const next = stableLeader(c);
    if (!next || !leader || next.id !== leader.id || next.tm.term() !== leader.tm.term()) since = leaderTicks;
    leader = next;
  }
  leaderTicks = since; // report when it was elected, not when it was deemed stable

  // Propose to the leader; a refusal (say, a transfer in progress) is retried on the next tick
  // with a fresh payload, and the time counts against the bound.
  let commitTicks = 0;
  let payload: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const l = c.currentLeader();
    if (!payload && l) {
      const p = `${probe}-${attempt}`;
      if (c.propose(l.id, p)) payload = p;
    }
    const st = payload ? c.proposals.get(payload) : undefined;
    if (st?.status === 'acknowledged' && c.liveInConf().every((m) => m.tm.appliedIndex >= st.index!)) break;
    if (commitTicks >= bounds.commitTicks) {
      throw new SafetyViolation(
        'liveness',
        `a proposal to leader ${leader!.id} was not applied by every member within ${bounds.commitTicks} ticks (${describe(c)})`,
      );
    }
    calmRound(c);
    commitTicks++;
  }

  // Let the group go quiet: every member applied all the leader holds (auto-leave included).
  for (let t = 0; ; t++) {
    const l = c.currentLeader();
    const last = l?.tm.node.raft.raftLog.lastIndex();
    if (l && c.liveInConf().every((m) => m.tm.appliedIndex === last) && c.conf.votersOutgoing.length === 0) break;
    if (t >= bounds.settleTicks) throw new SafetyViolation('liveness', `the group did not settle within ${bounds.settleTicks} ticks (${describe(c)})`);
    calmRound(c);
  }
  return { leaderTicks, commitTicks };
}

/** The promise to clients, checked on a settled group. */
export function checkNoAcknowledgedLost(c: SimCluster): void {
  // Joiners whose addition never committed are not members: shut them down.
  const inConf = confMembers(c.conf);
  for (const m of c.up()) if (!inConf.has(m.id)) c.stop(m.id, 'never became a member');
  c.audit();
  const acknowledged = [...c.proposals].filter(([, p]) => p.status === 'acknowledged').map(([payload]) => payload);
  checkAcknowledged(
    acknowledged,
    c.liveInConf().map((m) => ({ id: m.id, applied: m.tm.applied })),
  );
}

function describe(c: SimCluster): string {
  return [...c.members.values()]
    .filter((m) => m.status !== 'stopped')
    .map((m) => {
      const r = m.tm.node.raft;
      return `${m.id}:${m.status} ${r.state} t${r.term} lead=${r.lead} last=${r.raftLog.lastIndex()} commit=${r.raftLog.committed} applied=${m.tm.appliedIndex}`;
    })
    .join('; ');
}
