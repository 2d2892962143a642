// Deliberately broken Raft rules, to prove the checkers catch what they claim to catch. Each
// mutant patches one core instance (the sim's member factory calls `apply` on every new core:
// at creation and after every restart). Patching instances rather than prototypes means nothing
// leaks into other tests and there is nothing to restore.

import type { RaftLog } from '../log.js';
import type { TestMember } from '../testing/member.js';
import { NONE, type HardState, type NodeId } from '../types.js';

export interface Mutant {
  name: string;
  /** The rule it breaks. */
  breaks: string;
  apply(tm: TestMember): void;
}

/** §5.4.2: a leader commits an entry of an earlier term by counting replicas. */
export const commitOldTermByCounting: Mutant = {
  name: 'commitOldTermByCounting',
  breaks: 'the leader only commits entries of its own term by counting replicas (§5.4.2, Figure 8)',
  apply(tm) {
    tm.node.raft.raftLog.maybeCommit = function (this: RaftLog, maxIndex: number, _term: number): boolean {
      if (maxIndex <= this.committed) return false;
      this.commitTo(maxIndex);
      return true;
    };
  },
};

/** §5.4.1: a voter grants its vote without checking that the candidate's log is up to date. */
export const voteWithoutLogCheck: Mutant = {
  name: 'voteWithoutLogCheck',
  breaks: "a vote goes only to a candidate whose log is at least as up to date as the voter's (§5.4.1)",
  apply(tm) {
    tm.node.raft.raftLog.isUpToDate = () => true;
  },
};

/** §5.1: a leader that sees a higher term adopts it but keeps leading. */
export const leaderIgnoresHigherTerm: Mutant = {
  name: 'leaderIgnoresHigherTerm',
  breaks: 'a leader that sees a higher term steps down (§5.1)',
  apply(tm) {
    const r = tm.node.raft;
    const becomeFollower = r.becomeFollower.bind(r);
    r.becomeFollower = (term: number, lead: NodeId): void => {
      if (r.state === 'leader' && term > r.term) {
        r.term = term;
        r.vote = NONE;
        return;
      }
      becomeFollower(term, lead);
    };
  },
};

const forgetful = new WeakSet<object>();

/** §5.2 / Figure 2: the vote is not persisted, so a restarted member may vote twice in a term. */
export const voteNotPersisted: Mutant = {
  name: 'voteNotPersisted',
  breaks: 'votedFor is persisted before the vote is answered (Figure 2)',
  apply(tm) {
    // The storage outlives restarts: patch it once.
    if (forgetful.has(tm.storage)) return;
    forgetful.add(tm.storage);
    const setHardState = tm.storage.setHardState.bind(tm.storage);
    tm.storage.setHardState = (hs: HardState): void => setHardState({ ...hs, vote: NONE });
  },
};

export const mutants: readonly Mutant[] = [commitOldTermByCounting, voteWithoutLogCheck, leaderIgnoresHigherTerm, voteNotPersisted];
