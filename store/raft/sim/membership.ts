// Membership changes driven like an operator would: a list of goals ("add 4 as a learner",
// "remove the leader", "joint: add 6 and remove a follower"), each proposed, re-proposed if
// nothing happened for a while (proposals and forwarded proposals get lost), and considered done
// once the group applied a configuration that satisfies it. The faults keep running meanwhile.

import type { ConfChange, ConfChangeSingle, ConfState, NodeId } from '../types.js';
import { confMembers, type SimCluster } from './cluster.js';
import type { Rng } from './prng.js';

/** Who a removal or demotion targets, resolved when the goal is first proposed. */
export type Target = { id: NodeId } | 'leader' | 'follower';

export type GoalStep =
  | { type: 'addNode'; id: NodeId }
  | { type: 'addLearner'; id: NodeId }
  | { type: 'addLearner'; target: 'follower' }
  | { type: 'removeNode'; target: Target };

export interface Goal {
  name: string;
  steps: GoalStep[];
}

interface Attempt {
  goal: Goal;
  cc: ConfChange;
  lastProposedAt: number;
}

/**
 * The standard plan: every kind of change the issue asks for, starting from founders 1..n.
 * New members get fresh ids (reusing a removed member's id is not allowed, as in etcd).
 */
export function standardPlan(founders: number): Goal[] {
  const n = founders;
  return [
    { name: 'add learner', steps: [{ type: 'addLearner', id: n + 1 }] },
    { name: 'promote learner', steps: [{ type: 'addNode', id: n + 1 }] },
    { name: 'add voter', steps: [{ type: 'addNode', id: n + 2 }] },
    { name: 'remove the leader', steps: [{ type: 'removeNode', target: 'leader' }] },
    { name: 'joint: add a voter, remove a follower', steps: [{ type: 'addNode', id: n + 3 }, { type: 'removeNode', target: 'follower' }] },
    { name: 'add learner (2)', steps: [{ type: 'addLearner', id: n + 4 }] },
    {
      name: 'joint: promote learner, add voter, remove a follower',
      steps: [{ type: 'addNode', id: n + 4 }, { type: 'addNode', id: n + 5 }, { type: 'removeNode', target: 'follower' }],
    },
    { name: 'remove a follower', steps: [{ type: 'removeNode', target: 'follower' }] },
    { name: 'joint: demote a follower to learner, add voter', steps: [{ type: 'addLearner', target: 'follower' }, { type: 'addNode', id: n + 6 }] },
  ];
}

export class MembershipDriver {
  private readonly goals: Goal[];
  private attempt: Attempt | undefined;
  private readonly retryAfter: number;
  readonly completed: string[] = [];
  /** Conf change proposals made, retries included. */
  proposals = 0;

  constructor(goals: readonly Goal[], retryAfter = 150) {
    this.goals = goals.slice();
    this.retryAfter = retryAfter;
  }

  done(): boolean {
    return this.goals.length === 0 && this.attempt === undefined;
  }

  current(): string | undefined {
    return this.attempt?.goal.name ?? this.goals[0]?.name;
  }

  /** One membership action: start the next goal, notice the current one is done, or retry it. */
  step(c: SimCluster, rng: Rng): void {
    if (this.attempt && satisfied(this.attempt.cc, c.conf)) {
      c.trace(() => `membership goal done: ${this.attempt!.goal.name}`);
      this.completed.push(this.attempt.goal.name);
      this.attempt = undefined;
      return; // let the group breathe before the next change
    }
    if (!this.attempt) {
      const goal = this.goals[0];
      if (!goal) return;
      const planned = plan(goal, c, rng);
      if (!planned) return; // e.g. no leader to remove right now
      this.goals.shift();
      // Members the change brings in start now, with empty disks: the leader will find them.
      for (const id of planned.joiners) if (!c.members.has(id)) c.addMember(id);
      this.attempt = { goal, cc: planned.cc, lastProposedAt: -Infinity };
    }
    const a = this.attempt;
    if (c.now - a.lastProposedAt < this.retryAfter) return;
    // Propose through the leader when there is one; otherwise anywhere (it may be forwarded or refused).
    const inConf = c.liveInConf();
    const target = c.currentLeader() ?? (inConf.length > 0 ? rng.pick(inConf) : undefined);
    if (!target) return;
    a.lastProposedAt = c.now;
    this.proposals++;
    c.proposeConfChange(target.id, a.cc);
  }
}

function plan(goal: Goal, c: SimCluster, rng: Rng): { cc: ConfChange; joiners: NodeId[] } | undefined {
  const leader = c.currentLeader();
  const voters = c.conf.voters;
  const followers = voters.filter((id) => id !== leader?.id);
  const taken = new Set<NodeId>();
  const changes: ConfChangeSingle[] = [];
  const joiners: NodeId[] = [];
  const resolve = (t: Target): NodeId | undefined => {
    if (t === 'leader') return leader?.id;
    if (t === 'follower') {
      // Prefer a running follower, so removing it does not leave a dead voter behind.
      const cand = followers.filter((id) => !taken.has(id) && c.members.get(id)?.status === 'up');
      return cand.length > 0 ? rng.pick(cand) : undefined;
    }
    return t.id;
  };
  for (const s of goal.steps) {
    if ('target' in s) {
      // A removal or a demotion: of whom is decided now, from the group as it stands.
      const id = resolve(s.target);
      if (id === undefined) return undefined;
      taken.add(id);
      changes.push({ type: s.type, nodeId: id });
    } else {
      if (!confMembers(c.conf).has(s.id)) joiners.push(s.id);
      changes.push({ type: s.type, nodeId: s.id });
    }
  }
  return { cc: { transition: 'auto', changes }, joiners };
}

/** Has the group reached what `cc` asked for (and left any joint configuration)? */
export function satisfied(cc: ConfChange, cs: ConfState): boolean {
  if (cs.votersOutgoing.length > 0) return false;
  const members = confMembers(cs);
  return cc.changes.every((ch) => {
    switch (ch.type) {
      case 'addNode':
        return cs.voters.includes(ch.nodeId);
      case 'addLearner':
        return cs.learners.includes(ch.nodeId);
      case 'removeNode':
        return !members.has(ch.nodeId);
    }
  });
}
