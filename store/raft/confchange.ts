// Membership changes as pure functions from (configuration, progress) to a new pair.
//
// Two ways to change membership safely:
//  - simple: at most one voter added or removed at a time; any two majorities of the old and new
//    voter sets then overlap, so no two leaders can be elected in one term.
//  - joint consensus: first enter C(old,new), where every decision needs a majority of both
//    halves, then leave it for C(new). Any number of nodes may change at once.
// The core applies a change when its log entry is applied, never earlier, and lets at most one
// change be pending (proposed but not applied) at a time.

import { Progress } from './tracker/progress.js';
import { cloneTrackerConfig, configToString, emptyTrackerConfig, isJoint, type ProgressMap, type TrackerConfig } from './tracker/tracker.js';
import type { ConfChange, ConfChangeSingle, ConfState, NodeId } from './types.js';

export class ConfChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfChangeError';
  }
}

export interface ChangeResult {
  config: TrackerConfig;
  progress: ProgressMap;
}

/** Does this change leave a joint configuration (an empty change)? */
export function isLeaveJoint(cc: ConfChange): boolean {
  return cc.changes.length === 0;
}

/** Does this change enter a joint configuration, and if so, is it left automatically? */
export function entersJoint(cc: ConfChange): { joint: boolean; autoLeave: boolean } {
  if (cc.transition === 'auto' && cc.changes.length <= 1) return { joint: false, autoLeave: false };
  return { joint: true, autoLeave: cc.transition !== 'jointExplicit' };
}

export class Changer {
  constructor(
    private readonly current: { config: TrackerConfig; progress: ProgressMap; maxInflight: number },
    /** The leader's last index: new members are probed from here. */
    private readonly lastIndex: number,
  ) {}

  enterJoint(autoLeave: boolean, ccs: readonly ConfChangeSingle[]): ChangeResult {
    const r = this.checkAndCopy();
    if (isJoint(r.config)) throw new ConfChangeError('config is already joint');
    if (r.config.voters.incoming.size === 0) {
      // A config with no voters is a new cluster being bootstrapped: nothing to be joint with.
      throw new ConfChangeError("can't make a zero-voter config joint");
    }
    r.config.voters.outgoing = new Set(r.config.voters.incoming);
    this.apply(r, ccs);
    r.config.autoLeave = autoLeave;
    return this.checkAndReturn(r);
  }

  leaveJoint(): ChangeResult {
    const r = this.checkAndCopy();
    if (!isJoint(r.config)) throw new ConfChangeError("can't leave a non-joint config");
    for (const id of r.config.learnersNext) {
      r.config.learners.add(id);
      r.progress.get(id)!.isLearner = true;
    }
    r.config.learnersNext = new Set();
    for (const id of r.config.voters.outgoing) {
      if (!r.config.voters.incoming.has(id) && !r.config.learners.has(id)) r.progress.delete(id);
    }
    r.config.voters.outgoing = new Set();
    r.config.autoLeave = false;
    return this.checkAndReturn(r);
  }

  simple(ccs: readonly ConfChangeSingle[]): ChangeResult {
    const r = this.checkAndCopy();
    if (isJoint(r.config)) throw new ConfChangeError("can't apply simple config change in joint config");
    const before = new Set(r.config.voters.incoming);
    this.apply(r, ccs);
    let changed = 0;
    for (const id of before) if (!r.config.voters.incoming.has(id)) changed++;
    for (const id of r.config.voters.incoming) if (!before.has(id)) changed++;
    if (changed > 1) throw new ConfChangeError('more than one voter changed without entering joint config');
    return this.checkAndReturn(r);
  }

  private apply(r: ChangeResult, ccs: readonly ConfChangeSingle[]): void {
    for (const cc of ccs) {
      if (cc.nodeId === 0) continue; // etcd treats the zero id as a no-op
      switch (cc.type) {
        case 'addNode':
          this.makeVoter(r, cc.nodeId);
          break;
        case 'addLearner':
          this.makeLearner(r, cc.nodeId);
          break;
        case 'removeNode':
          this.remove(r, cc.nodeId);
          break;
      }
    }
    if (r.config.voters.incoming.size === 0) throw new ConfChangeError('removed all voters');
  }

  private makeVoter(r: ChangeResult, id: NodeId): void {
    const pr = r.progress.get(id);
    if (!pr) {
      this.initProgress(r, id, false);
      return;
    }
    pr.isLearner = false;
    r.config.learners.delete(id);
    r.config.learnersNext.delete(id);
    r.config.voters.incoming.add(id);
  }

  /**
   * A voter demoted to learner while it is still an outgoing voter can only become a learner
   * when the joint configuration is left; until then it waits in learnersNext.
   */
  private makeLearner(r: ChangeResult, id: NodeId): void {
    const pr = r.progress.get(id);
    if (!pr) {
      this.initProgress(r, id, true);
      return;
    }
    if (pr.isLearner) return;
    this.remove(r, id);
    // remove() dropped the progress unless id is an outgoing voter: keep tracking it either way.
    r.progress.set(id, pr);
    if (r.config.voters.outgoing.has(id)) {
      r.config.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      r.config.learners.add(id);
    }
  }

  private remove(r: ChangeResult, id: NodeId): void {
    if (!r.progress.has(id)) return;
    r.config.voters.incoming.delete(id);
    r.config.learners.delete(id);
    r.config.learnersNext.delete(id);
    // An outgoing voter still counts in the joint quorum: keep its progress until the leave.
    if (!r.config.voters.outgoing.has(id)) r.progress.delete(id);
  }

  private initProgress(r: ChangeResult, id: NodeId, isLearner: boolean): void {
    if (isLearner) r.config.learners.add(id);
    else r.config.voters.incoming.add(id);
    r.progress.set(
      id,
      new Progress({
        // Probe from the end of the leader's log; the follower's rejection hint walks it back.
        next: Math.max(this.lastIndex, 1),
        match: 0,
        maxInflight: this.current.maxInflight,
        isLearner,
        // A new member gets the benefit of the doubt until the next check-quorum round, so that
        // adding it cannot make the leader step down at once.
        recentActive: true,
      }),
    );
  }

  private checkAndCopy(): ChangeResult {
    const config = cloneTrackerConfig(this.current.config);
    const progress: ProgressMap = new Map();
    for (const [id, pr] of this.current.progress) progress.set(id, pr.clone());
    checkInvariants(config, progress);
    return { config, progress };
  }

  private checkAndReturn(r: ChangeResult): ChangeResult {
    checkInvariants(r.config, r.progress);
    return r;
  }
}

/** Structural rules every configuration obeys; a violation is a bug, reported loudly. */
export function checkInvariants(config: TrackerConfig, progress: ProgressMap): void {
  const fail = (why: string): never => {
    throw new ConfChangeError(`${why} in ${configToString(config)}`);
  };
  for (const id of [...config.voters.incoming, ...config.voters.outgoing, ...config.learners, ...config.learnersNext]) {
    if (!progress.has(id)) fail(`no progress for ${id}`);
  }
  for (const id of config.learnersNext) {
    if (!config.voters.outgoing.has(id)) fail(`${id} is in learnersNext, but not outgoing`);
    if (progress.get(id)!.isLearner) fail(`${id} is in learnersNext, but is already marked as learner`);
  }
  for (const id of config.learners) {
    if (config.voters.outgoing.has(id)) fail(`${id} is in learners and outgoing voters`);
    if (config.voters.incoming.has(id)) fail(`${id} is in learners and voters`);
    if (!progress.get(id)!.isLearner) fail(`${id} is in learners, but is not marked as learner`);
  }
  if (!isJoint(config)) {
    if (config.learnersNext.size > 0) fail('learnersNext must be empty when not joint');
    if (config.autoLeave) fail('autoLeave must be false when not joint');
  }
}

/** Rebuild the configuration recorded in a ConfState (at startup, or from a snapshot). */
export function restoreConfig(cs: ConfState, lastIndex: number, maxInflight: number): ChangeResult {
  const config = emptyTrackerConfig();
  const progress: ProgressMap = new Map();
  const track = (id: NodeId, isLearner: boolean) => {
    if (!progress.has(id)) {
      progress.set(id, new Progress({ match: 0, next: Math.max(lastIndex, 1), maxInflight, isLearner, recentActive: true }));
    }
  };
  for (const id of cs.voters) {
    config.voters.incoming.add(id);
    track(id, false);
  }
  for (const id of cs.votersOutgoing) {
    config.voters.outgoing.add(id);
    track(id, false);
  }
  for (const id of cs.learners) {
    config.learners.add(id);
    track(id, true);
  }
  for (const id of cs.learnersNext) {
    config.learnersNext.add(id);
    track(id, false);
  }
  config.autoLeave = cs.votersOutgoing.length > 0 && cs.autoLeave;
  checkInvariants(config, progress);
  return { config, progress };
}
