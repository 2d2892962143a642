// The membership in force and the leader's Progress for every member of it, plus the votes of
// the election in progress. Quorum questions are answered by quorum.ts over this configuration.

import { jointCommitted, jointIds, jointVote, type VoteResult } from '../quorum.js';
import type { ConfState, NodeId } from '../types.js';
import { Progress } from './progress.js';

export interface TrackerConfig {
  /** Incoming voters, and outgoing voters during a joint change (a JointConfig). */
  voters: { incoming: Set<NodeId>; outgoing: Set<NodeId> };
  learners: Set<NodeId>;
  /** Outgoing voters that become learners when the joint configuration is left. */
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
}

export type ProgressMap = Map<NodeId, Progress>;

export function emptyTrackerConfig(): TrackerConfig {
  return { voters: { incoming: new Set(), outgoing: new Set() }, learners: new Set(), learnersNext: new Set(), autoLeave: false };
}

export function cloneTrackerConfig(c: TrackerConfig): TrackerConfig {
  return {
    voters: { incoming: new Set(c.voters.incoming), outgoing: new Set(c.voters.outgoing) },
    learners: new Set(c.learners),
    learnersNext: new Set(c.learnersNext),
    autoLeave: c.autoLeave,
  };
}

export function isJoint(c: TrackerConfig): boolean {
  return c.voters.outgoing.size > 0;
}

const sorted = (ids: Iterable<NodeId>): NodeId[] => [...ids].sort((a, b) => a - b);

export function configToString(c: TrackerConfig): string {
  let s = `voters=(${sorted(c.voters.incoming).join(' ')})`;
  if (c.voters.outgoing.size > 0) s += `&&(${sorted(c.voters.outgoing).join(' ')})`;
  if (c.learners.size > 0) s += ` learners=(${sorted(c.learners).join(' ')})`;
  if (c.learnersNext.size > 0) s += ` learners_next=(${sorted(c.learnersNext).join(' ')})`;
  if (c.autoLeave) s += ' autoleave';
  return s;
}

export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig();
  progress: ProgressMap = new Map();
  votes = new Map<NodeId, boolean>();
  readonly maxInflight: number;

  constructor(maxInflight: number) {
    this.maxInflight = maxInflight;
  }

  confState(): ConfState {
    return {
      voters: sorted(this.config.voters.incoming),
      votersOutgoing: sorted(this.config.voters.outgoing),
      learners: sorted(this.config.learners),
      learnersNext: sorted(this.config.learnersNext),
      autoLeave: this.config.autoLeave,
    };
  }

  /** A single voter and no joint change: it decides everything alone. */
  isSingleton(): boolean {
    return this.config.voters.incoming.size === 1 && this.config.voters.outgoing.size === 0;
  }

  /** The highest index stored on a (joint) quorum of voters. */
  committed(): number {
    return jointCommitted(this.config.voters, (id) => this.progress.get(id)?.match);
  }

  /** Has a (joint) quorum of voters been heard from since the last check? The leader counts itself. */
  quorumActive(self: NodeId): boolean {
    const active = new Map<NodeId, boolean>();
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue;
      active.set(id, id === self || pr.recentActive);
    }
    return jointVote(this.config.voters, active) === 'won';
  }

  voterIds(): NodeId[] {
    return sorted(jointIds(this.config.voters));
  }

  isVoter(id: NodeId): boolean {
    return this.config.voters.incoming.has(id) || this.config.voters.outgoing.has(id);
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue;
      const v = this.votes.get(id);
      if (v === undefined) continue;
      if (v) granted++;
      else rejected++;
    }
    return { granted, rejected, result: jointVote(this.config.voters, this.votes) };
  }

  /** Visit every member's progress in id order (deterministic iteration for reproducible runs). */
  visit(f: (id: NodeId, pr: Progress) => void): void {
    for (const id of sorted(this.progress.keys())) f(id, this.progress.get(id)!);
  }
}
