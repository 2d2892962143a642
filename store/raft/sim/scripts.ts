// Scripted, fully deterministic scenarios: the message schedule is chosen by hand to reach one
// precise situation (Figure 8 of the Raft paper, a stale voter, a deposed leader, a double
// vote, a lost snapshot). Run against the real core they must pass; run against a mutant they
// must end in the violation the situation was built to expose.

import type { MemberOptions, TestMember } from '../testing/member.js';
import type { SafetyChecker } from './checkers.js';
import { SimCluster, type SnapshotPolicy } from './cluster.js';
import { defaultBounds } from './driver.js';
import { checkLiveness, checkNoAcknowledgedLost } from './liveness.js';
import { calmNetwork, type Envelope } from './network.js';

export interface ScriptOptions {
  onNode?: (tm: TestMember) => void;
  checker?: SafetyChecker;
  trace?: (line: string) => void;
  snapshotPolicy?: SnapshotPolicy;
}

/** Scripts control every delivery: no pre-vote, no check-quorum, nothing happening on its own. */
function scriptedCluster(ids: number[], opts: ScriptOptions, extra: MemberOptions = {}): SimCluster {
  return new SimCluster({
    seed: 8,
    ids,
    raft: { preVote: false, checkQuorum: false, ...extra },
    network: calmNetwork,
    ...(opts.onNode ? { onNode: opts.onNode } : {}),
    ...(opts.checker ? { checker: opts.checker } : {}),
    ...(opts.trace ? { trace: opts.trace } : {}),
    ...(opts.snapshotPolicy ? { snapshotPolicy: opts.snapshotPolicy } : {}),
  });
}

const isVote = (e: Envelope): boolean => e.msg.type === 'MsgVote' || e.msg.type === 'MsgVoteResp';
const any = (): boolean => true;

/** Deliver messages among `ids` that pass `pred` until none is left, then drop everything else (unless keepRest). */
function exchange(c: SimCluster, ids: readonly number[], pred: (e: Envelope) => boolean = any, keepRest = false): void {
  for (let i = 0; i < 1000; i++) {
    if (c.deliverWhere((e) => ids.includes(e.from) && ids.includes(e.to) && pred(e)) === 0) break;
  }
  if (!keepRest) c.dropWhere(any);
}

/** Heal, restart everyone, demand liveness and that nothing acknowledged was lost. */
function finish(c: SimCluster): void {
  checkLiveness(c, calmNetwork, defaultBounds, 'script');
  checkNoAcknowledgedLost(c);
}

/**
 * Figure 8 of the Raft paper, with five members. Indexes are shifted by the five bootstrap
 * entries and by each leader's empty entry: the paper's contested index 2 is index 7 here.
 *  (a) 1 leads term 2 and replicates (7, t2) to 2 only.
 *  (b) 1 crashes; 5 is elected in term 3 by 3 and 4, and appends (7, t3) nowhere else.
 *  (c) 5 crashes; 1 restarts and is elected in term 4, and replicates (7, t2) to 3: now a
 *      majority (1, 2, 3) holds it, but it is not of term 4 so it must NOT be committed. (One
 *      entry per message, and the term-4 entry kept from 3 and 4, keep 5 electable.)
 *  (d) 1 crashes; 5 restarts and is elected in term 5 by 3 and 4, and overwrites index 7.
 * A mutant that committed (7, t2) in (c) has now lost a committed entry.
 */
export function figure8(opts: ScriptOptions = {}): SimCluster {
  const c = scriptedCluster([1, 2, 3, 4, 5], opts, { maxSizePerMsg: 1 });
  const all = [1, 2, 3, 4, 5];
  c.campaign(1);
  exchange(c, all);
  // (a)
  c.propose(1, 'x');
  exchange(c, [1, 2]);
  // (b)
  c.crash(1);
  c.campaign(5);
  exchange(c, [3, 4, 5], isVote);
  // (c)
  c.crash(5);
  c.restart(1);
  c.campaign(1); // term 3: 3 and 4 already voted for 5 there
  exchange(c, [1, 2, 3, 4], isVote);
  c.campaign(1); // term 4
  exchange(c, [1, 2, 3, 4], isVote, true);
  if (c.member(1).tm.role() !== 'leader') throw new Error('figure8 script: 1 did not win term 4');
  // 3 rejects the first probe (it lacks index 7), accepts (7, t2) alone, and is then kept from
  // the term-4 entry.
  const term4ToHolderOf7 = (e: Envelope) => e.to === 3 && e.msg.entries.some((en) => en.term === 4) && c.member(3).log.lastIndex() >= 7;
  exchange(c, [1, 2, 3], (e) => !term4ToHolderOf7(e));
  if (c.member(3).log.termAt(7) !== 2) throw new Error('figure8 script: 3 did not get (7, t2)');
  // (d)
  c.crash(1);
  c.restart(5);
  c.campaign(5); // term 4: everyone voted for 1 there
  exchange(c, [2, 3, 4, 5], isVote);
  c.campaign(5); // term 5
  exchange(c, [2, 3, 4, 5], isVote);
  if (c.member(5).tm.role() !== 'leader') throw new Error('figure8 script: 5 did not win term 5');
  exchange(c, [2, 3, 4, 5]);
  finish(c);
  return c;
}

/**
 * A stale voter: (5, t2) is committed on 1 and 2; 1 crashes; 3, which lacks it, campaigns.
 * 2 must refuse (its log is more up to date); a voter that skips the check elects a leader
 * without a committed entry.
 */
export function staleCandidate(opts: ScriptOptions = {}): SimCluster {
  const c = scriptedCluster([1, 2, 3], opts);
  c.campaign(1);
  exchange(c, [1, 2, 3]);
  c.propose(1, 'y');
  exchange(c, [1, 2]);
  c.crash(1);
  c.campaign(3);
  exchange(c, [2, 3]);
  finish(c);
  return c;
}

/**
 * A deposed leader: 1 leads term 2, is cut off while 2 wins term 3, then hears from 2. It must
 * step down; a leader that only adopts the term leads term 3 next to 2.
 */
export function deposedLeader(opts: ScriptOptions = {}): SimCluster {
  const c = scriptedCluster([1, 2, 3], opts);
  c.campaign(1);
  exchange(c, [1, 2, 3]);
  c.campaign(2);
  exchange(c, [2, 3]);
  c.propose(2, 'z');
  exchange(c, [1, 2, 3]);
  finish(c);
  return c;
}

/**
 * A double vote: 1 votes for 2 in term 2 (2 wins), then crashes and restarts, and 3 asks for
 * its vote in the same term 2. A member that forgot its vote elects a second leader of term 2.
 */
export function restartedVoter(opts: ScriptOptions = {}): SimCluster {
  const c = scriptedCluster([1, 2, 3], opts);
  c.campaign(2);
  exchange(c, [1, 2], isVote);
  if (c.member(2).tm.role() !== 'leader') throw new Error('restartedVoter script: 2 did not win term 2');
  c.crash(1);
  c.restart(1);
  c.campaign(3);
  exchange(c, [1, 3], isVote);
  finish(c);
  return c;
}

/**
 * A lost snapshot: 3 is down while 1 commits and compacts past 3's log, so 3 can only catch up
 * from a snapshot; the first MsgSnap is dropped (the host reports the failure) and the leader
 * must send it again rather than wait forever in snapshot state.
 */
export function lostSnapshot(opts: ScriptOptions = {}): SimCluster {
  const c = scriptedCluster([1, 2, 3], opts);
  c.campaign(1);
  exchange(c, [1, 2, 3]);
  c.crash(3);
  for (let i = 0; i < 10; i++) {
    c.propose(1, `s${i}`);
    exchange(c, [1, 2]);
  }
  c.takeSnapshot(1, 0);
  c.takeSnapshot(2, 0);
  c.restart(3);
  const isSnap = (e: Envelope) => e.msg.type === 'MsgSnap';
  let droppedSnapshots = 0;
  for (let t = 0; t < 50 && c.member(3).tm.appliedIndex < c.member(1).tm.appliedIndex; t++) {
    c.tickAll();
    if (droppedSnapshots === 0) {
      // Hold the first snapshot back, then lose it.
      exchange(c, [1, 2, 3], (e) => !isSnap(e), true);
      droppedSnapshots += c.dropWhere(isSnap);
    }
    exchange(c, [1, 2, 3]);
  }
  if (droppedSnapshots === 0) throw new Error('lostSnapshot script: no snapshot was sent to drop');
  finish(c);
  return c;
}

/**
 * Regression (core bug found by the simulator): a follower in replicate state whose whole window
 * of appends was lost answers a heartbeat; the leader must probe it with an empty append, not
 * push entries into the full window (which used to throw "cannot add into a full inflights window").
 */
export function fullWindowHeartbeat(opts: ScriptOptions = {}): SimCluster {
  const c = scriptedCluster([1, 2, 3], opts, { maxInflightMsgs: 2 });
  c.campaign(1);
  exchange(c, [1, 2, 3]);
  if (c.member(1).tm.node.status().progress?.get(3)?.state !== 'replicate') throw new Error('fullWindowHeartbeat script: 3 is not in replicate state');
  // Three proposals: two appends to 3 fill its window and are lost, the third waits.
  for (const p of ['w1', 'w2', 'w3']) {
    c.propose(1, p);
    exchange(c, [1, 2]);
  }
  c.tick(1);
  exchange(c, [1, 3], (e) => e.msg.type === 'MsgHeartbeat' || e.msg.type === 'MsgHeartbeatResp');
  finish(c);
  return c;
}

/**
 * Regression (core bug found by the simulator): a proposal forwarded by 3 to its leader 1 reaches
 * 1 after 1 started following 3, so 1 forwards it back to 3, which by then has no leader. It is
 * a network message like any other and must be dropped silently, although its `from` is 3 itself
 * (RawNode.step used to rethrow ProposalDroppedError for it).
 */
export function proposalComesHome(opts: ScriptOptions = {}): SimCluster {
  const c = scriptedCluster([1, 2, 3], opts);
  const is = (type: string, from: number, to: number) => (e: Envelope) => e.msg.type === type && e.from === from && e.to === to;
  c.campaign(1);
  exchange(c, [1, 2, 3]);
  c.propose(3, 'boomerang'); // 3 forwards it to 1; it stays on the wire for now
  c.campaign(3);
  exchange(c, [2, 3], isVote, true);
  if (c.member(3).tm.role() !== 'leader') throw new Error('proposalComesHome script: 3 did not win');
  c.deliverWhere(is('MsgApp', 3, 1)); // 1 now follows 3
  c.deliverWhere(is('MsgProp', 3, 1)); // ... so it forwards the proposal back to 3
  c.campaign(2);
  c.deliverWhere(is('MsgVote', 2, 3)); // 3 steps down to a term with no leader yet
  if (c.member(3).tm.node.raft.lead !== 0) throw new Error('proposalComesHome script: 3 still has a leader');
  const home = c.deliverWhere((e) => e.msg.type === 'MsgProp' && e.to === 3 && e.msg.from === 3);
  if (home !== 1) throw new Error('proposalComesHome script: the proposal did not come home');
  c.dropWhere(any);
  finish(c);
  return c;
}

/**
 * A member added after every log was compacted past the start can only join from a snapshot, and
 * the stored snapshot predates its addition: the host must send a current one, or snapshot again
 * once the addition is applied (the two policies of SimCluster), or the newcomer refuses the
 * snapshot forever.
 */
export function joinAfterCompaction(opts: ScriptOptions = {}): SimCluster {
  const c = scriptedCluster([1, 2, 3], opts);
  c.campaign(1);
  exchange(c, [1, 2, 3]);
  for (let i = 0; i < 5; i++) {
    c.propose(1, `j${i}`);
    exchange(c, [1, 2, 3]);
  }
  for (const id of [1, 2, 3]) c.takeSnapshot(id, 0);
  c.addMember(4);
  c.proposeConfChange(1, { transition: 'auto', changes: [{ type: 'addNode', nodeId: 4 }] });
  for (let t = 0; t < 30 && c.member(4).tm.appliedIndex < c.member(1).tm.appliedIndex; t++) {
    c.tickAll();
    exchange(c, [1, 2, 3, 4]);
  }
  finish(c);
  return c;
}
