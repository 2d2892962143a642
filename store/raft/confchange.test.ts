// Membership changes: the Changer (simple / enterJoint / leaveJoint), the invariants every
// configuration obeys, and restoring a configuration from a ConfState.

import { describe, expect, it } from 'vitest';
import {
  Changer,
  ConfChangeError,
  checkInvariants,
  entersJoint,
  isLeaveJoint,
  restoreConfig,
  type ChangeResult,
} from './confchange.js';
import { Progress } from './tracker/progress.js';
import { ProgressTracker, configToString, type ProgressMap, type TrackerConfig } from './tracker/tracker.js';
import { emptyConfState, type ConfChangeSingle, type ConfChangeTransition, type ConfState, type NodeId } from './types.js';

const MAX_INFLIGHT = 8;
/** The leader's last index handed to the Changer: new members are probed from here. */
const LAST_INDEX = 20;
/** Existing members in the fixtures have this match, so that new members (match 0) stand out. */
const OLD_MATCH = 10;

interface Cfg {
  voters: NodeId[];
  outgoing?: NodeId[];
  learners?: NodeId[];
  learnersNext?: NodeId[];
  autoLeave?: boolean;
}

function tracked(c: Cfg): { config: TrackerConfig; progress: ProgressMap; maxInflight: number } {
  const config: TrackerConfig = {
    voters: { incoming: new Set(c.voters), outgoing: new Set(c.outgoing ?? []) },
    learners: new Set(c.learners ?? []),
    learnersNext: new Set(c.learnersNext ?? []),
    autoLeave: c.autoLeave ?? false,
  };
  const progress: ProgressMap = new Map();
  const add = (id: NodeId, isLearner: boolean) => {
    if (!progress.has(id)) progress.set(id, new Progress({ match: OLD_MATCH, next: OLD_MATCH + 1, maxInflight: MAX_INFLIGHT, isLearner }));
  };
  for (const id of c.voters) add(id, false);
  for (const id of c.outgoing ?? []) add(id, false);
  for (const id of c.learnersNext ?? []) add(id, false);
  for (const id of c.learners ?? []) add(id, true);
  return { config, progress, maxInflight: MAX_INFLIGHT };
}

const changer = (c: Cfg) => new Changer(tracked(c), LAST_INDEX);

/** "1 2 3L 4*": tracked ids in order; L = marked learner, * = new progress (match 0). */
function showProgress(p: ProgressMap): string {
  return [...p.keys()]
    .sort((a, b) => a - b)
    .map((id) => {
      const pr = p.get(id)!;
      return `${id}${pr.isLearner ? 'L' : ''}${pr.match === 0 ? '*' : ''}`;
    })
    .join(' ');
}

const show = (r: ChangeResult) => ({ config: configToString(r.config), progress: showProgress(r.progress) });

const add = (nodeId: NodeId): ConfChangeSingle => ({ type: 'addNode', nodeId });
const remove = (nodeId: NodeId): ConfChangeSingle => ({ type: 'removeNode', nodeId });
const learner = (nodeId: NodeId): ConfChangeSingle => ({ type: 'addLearner', nodeId });

interface Case {
  name: string;
  from: Cfg;
  ccs: ConfChangeSingle[];
  want?: { config: string; progress: string };
  err?: RegExp;
}

describe('Changer.simple', () => {
  const cases: Case[] = [
    { name: 'bootstrap: first voter', from: { voters: [] }, ccs: [add(1)], want: { config: 'voters=(1)', progress: '1*' } },
    { name: 'bootstrap: two voters at once', from: { voters: [] }, ccs: [add(1), add(2)], err: /more than one voter changed without entering joint config/ },
    { name: 'add a voter', from: { voters: [1] }, ccs: [add(2)], want: { config: 'voters=(1 2)', progress: '1 2*' } },
    { name: 'remove a voter', from: { voters: [1, 2] }, ccs: [remove(2)], want: { config: 'voters=(1)', progress: '1' } },
    { name: 'replace a voter', from: { voters: [1, 2] }, ccs: [add(3), remove(2)], err: /more than one voter changed/ },
    { name: 'add two voters', from: { voters: [1, 2, 3] }, ccs: [add(4), add(5)], err: /more than one voter changed/ },
    { name: 'remove two voters', from: { voters: [1, 2, 3] }, ccs: [remove(2), remove(3)], err: /more than one voter changed/ },
    { name: 'add a learner', from: { voters: [1] }, ccs: [learner(2)], want: { config: 'voters=(1) learners=(2)', progress: '1 2L*' } },
    { name: 'add learners and one voter', from: { voters: [1] }, ccs: [learner(2), learner(3), add(4)], want: { config: 'voters=(1 4) learners=(2 3)', progress: '1 2L* 3L* 4*' } },
    { name: 'remove a learner', from: { voters: [1], learners: [2] }, ccs: [remove(2)], want: { config: 'voters=(1)', progress: '1' } },
    { name: 'promote a learner', from: { voters: [1], learners: [2] }, ccs: [add(2)], want: { config: 'voters=(1 2)', progress: '1 2' } },
    { name: 'demote a voter', from: { voters: [1, 2] }, ccs: [learner(2)], want: { config: 'voters=(1) learners=(2)', progress: '1 2L' } },
    { name: 'promote and demote at once', from: { voters: [1, 2], learners: [3] }, ccs: [add(3), learner(2)], err: /more than one voter changed/ },
    { name: 'add an existing voter: no-op', from: { voters: [1, 2] }, ccs: [add(2)], want: { config: 'voters=(1 2)', progress: '1 2' } },
    { name: 'add an existing learner: no-op', from: { voters: [1], learners: [2] }, ccs: [learner(2)], want: { config: 'voters=(1) learners=(2)', progress: '1 2L' } },
    { name: 'remove an unknown node: no-op', from: { voters: [1] }, ccs: [remove(5)], want: { config: 'voters=(1)', progress: '1' } },
    { name: 'node id 0 is ignored', from: { voters: [1] }, ccs: [add(0), remove(0), learner(0)], want: { config: 'voters=(1)', progress: '1' } },
    // Removing and re-adding is no voter change, but the progress starts over.
    { name: 'remove then re-add', from: { voters: [1, 2] }, ccs: [remove(2), add(2)], want: { config: 'voters=(1 2)', progress: '1 2*' } },
    { name: 'remove the last voter', from: { voters: [1] }, ccs: [remove(1)], err: /removed all voters/ },
    { name: 'demote the last voter', from: { voters: [1] }, ccs: [learner(1)], err: /removed all voters/ },
    { name: 'in a joint config', from: { voters: [1, 2], outgoing: [1] }, ccs: [add(3)], err: /can't apply simple config change in joint config/ },
    { name: 'no changes', from: { voters: [1, 2] }, ccs: [], want: { config: 'voters=(1 2)', progress: '1 2' } },
  ];
  it.each(cases)('$name', ({ from, ccs, want, err }) => {
    if (err) {
      expect(() => changer(from).simple(ccs)).toThrow(ConfChangeError);
      expect(() => changer(from).simple(ccs)).toThrow(err);
    } else {
      expect(show(changer(from).simple(ccs))).toEqual(want);
    }
  });

  it('initialises new members to probe from the last index, active, with the configured window', () => {
    const r = changer({ voters: [1] }).simple([add(2)]);
    const pr = r.progress.get(2)!;
    expect([pr.state, pr.match, pr.next, pr.recentActive, pr.isLearner, pr.inflights.size]).toEqual(['probe', 0, LAST_INDEX, true, false, MAX_INFLIGHT]);
    // With an empty log, next is still at least 1.
    expect(new Changer(tracked({ voters: [1] }), 0).simple([learner(3)]).progress.get(3)!.next).toBe(1);
  });

  it('keeps the progress (match, state) of a promoted or demoted member', () => {
    const demoted = changer({ voters: [1, 2] }).simple([learner(2)]).progress.get(2)!;
    expect([demoted.match, demoted.isLearner]).toEqual([OLD_MATCH, true]);
    const promoted = changer({ voters: [1], learners: [2] }).simple([add(2)]).progress.get(2)!;
    expect([promoted.match, promoted.isLearner]).toEqual([OLD_MATCH, false]);
  });
});

describe('Changer.enterJoint', () => {
  const cases: Array<Case & { autoLeave: boolean }> = [
    { name: 'add two voters', from: { voters: [1, 2, 3] }, autoLeave: false, ccs: [add(4), add(5)], want: { config: 'voters=(1 2 3 4 5)&&(1 2 3)', progress: '1 2 3 4* 5*' } },
    { name: 'replace a voter, auto leave', from: { voters: [1, 2, 3] }, autoLeave: true, ccs: [remove(3), add(4)], want: { config: 'voters=(1 2 4)&&(1 2 3) autoleave', progress: '1 2 3 4*' } },
    { name: 'no changes', from: { voters: [1, 2, 3] }, autoLeave: false, ccs: [], want: { config: 'voters=(1 2 3)&&(1 2 3)', progress: '1 2 3' } },
    { name: 'add a learner', from: { voters: [1, 2, 3] }, autoLeave: false, ccs: [learner(4)], want: { config: 'voters=(1 2 3)&&(1 2 3) learners=(4)', progress: '1 2 3 4L*' } },
    { name: 'promote a learner', from: { voters: [1, 2, 3], learners: [4] }, autoLeave: false, ccs: [add(4)], want: { config: 'voters=(1 2 3 4)&&(1 2 3)', progress: '1 2 3 4' } },
    // A demoted voter still votes in the outgoing half: it waits in learnersNext.
    { name: 'demote a voter', from: { voters: [1, 2, 3] }, autoLeave: false, ccs: [learner(3)], want: { config: 'voters=(1 2)&&(1 2 3) learners_next=(3)', progress: '1 2 3' } },
    { name: 'remove then demote', from: { voters: [1, 2, 3] }, autoLeave: false, ccs: [remove(3), learner(3)], want: { config: 'voters=(1 2)&&(1 2 3) learners_next=(3)', progress: '1 2 3' } },
    { name: 'demote then re-add', from: { voters: [1, 2, 3] }, autoLeave: false, ccs: [learner(3), add(3)], want: { config: 'voters=(1 2 3)&&(1 2 3)', progress: '1 2 3' } },
    { name: 'remove a learner', from: { voters: [1, 2], learners: [3] }, autoLeave: false, ccs: [remove(3)], want: { config: 'voters=(1 2)&&(1 2)', progress: '1 2' } },
    // A removed voter's progress is kept while it is still an outgoing voter.
    { name: 'replace the whole group', from: { voters: [1, 2, 3] }, autoLeave: true, ccs: [remove(1), remove(2), remove(3), add(4), add(5), add(6)], want: { config: 'voters=(4 5 6)&&(1 2 3) autoleave', progress: '1 2 3 4* 5* 6*' } },
    { name: 'from a single voter', from: { voters: [1] }, autoLeave: false, ccs: [add(2), add(3)], want: { config: 'voters=(1 2 3)&&(1)', progress: '1 2* 3*' } },
    { name: 'remove every voter', from: { voters: [1, 2, 3] }, autoLeave: false, ccs: [remove(1), remove(2), remove(3)], err: /removed all voters/ },
    { name: 'demote every voter', from: { voters: [1, 2] }, autoLeave: false, ccs: [learner(1), learner(2)], err: /removed all voters/ },
    { name: 'already joint', from: { voters: [1, 2], outgoing: [1] }, autoLeave: false, ccs: [add(3)], err: /config is already joint/ },
    { name: 'zero-voter config', from: { voters: [] }, autoLeave: false, ccs: [add(1), add(2)], err: /can't make a zero-voter config joint/ },
    { name: 'zero voters but learners', from: { voters: [], learners: [1] }, autoLeave: false, ccs: [add(1)], err: /zero-voter/ },
  ];
  it.each(cases)('$name', ({ from, autoLeave, ccs, want, err }) => {
    if (err) {
      expect(() => changer(from).enterJoint(autoLeave, ccs)).toThrow(ConfChangeError);
      expect(() => changer(from).enterJoint(autoLeave, ccs)).toThrow(err);
    } else {
      const r = changer(from).enterJoint(autoLeave, ccs);
      expect(show(r)).toEqual(want);
      expect(r.config.autoLeave).toBe(autoLeave);
    }
  });

  it('keeps learnersNext members as voters until the leave', () => {
    const r = changer({ voters: [1, 2, 3] }).enterJoint(false, [learner(3)]);
    expect(r.progress.get(3)!.isLearner).toBe(false);
    expect(r.config.learners.has(3)).toBe(false);
  });
});

describe('Changer.leaveJoint', () => {
  const cases: Case[] = [
    { name: 'not joint', from: { voters: [1, 2] }, ccs: [], err: /can't leave a non-joint config/ },
    { name: 'drop removed voters', from: { voters: [1, 2, 4], outgoing: [1, 2, 3], autoLeave: true }, ccs: [], want: { config: 'voters=(1 2 4)', progress: '1 2 4' } },
    { name: 'learnersNext become learners', from: { voters: [1, 2], outgoing: [1, 2, 3], learnersNext: [3] }, ccs: [], want: { config: 'voters=(1 2) learners=(3)', progress: '1 2 3L' } },
    { name: 'added voters stay', from: { voters: [1, 2, 3, 4, 5], outgoing: [1, 2, 3] }, ccs: [], want: { config: 'voters=(1 2 3 4 5)', progress: '1 2 3 4 5' } },
    { name: 'learners stay', from: { voters: [1, 2, 3], outgoing: [1, 2, 3], learners: [4] }, ccs: [], want: { config: 'voters=(1 2 3) learners=(4)', progress: '1 2 3 4L' } },
    { name: 'whole group replaced', from: { voters: [4, 5, 6], outgoing: [1, 2, 3], learnersNext: [2], autoLeave: true }, ccs: [], want: { config: 'voters=(4 5 6) learners=(2)', progress: '2L 4 5 6' } },
  ];
  it.each(cases)('$name', ({ from, want, err }) => {
    if (err) {
      expect(() => changer(from).leaveJoint()).toThrow(ConfChangeError);
      expect(() => changer(from).leaveJoint()).toThrow(err);
    } else {
      const r = changer(from).leaveJoint();
      expect(show(r)).toEqual(want);
      expect(r.config.autoLeave).toBe(false);
      expect(r.config.voters.outgoing.size).toBe(0);
      expect(r.config.learnersNext.size).toBe(0);
    }
  });
});

describe('Changer: enter then leave', () => {
  const cases: Array<{ name: string; from: Cfg; ccs: ConfChangeSingle[]; joint: string; left: string }> = [
    { name: 'swap a member', from: { voters: [1, 2, 3] }, ccs: [remove(3), add(4)], joint: 'voters=(1 2 4)&&(1 2 3)', left: 'voters=(1 2 4)' },
    { name: 'demote and promote', from: { voters: [1, 2, 3], learners: [4] }, ccs: [learner(3), add(4)], joint: 'voters=(1 2 4)&&(1 2 3) learners_next=(3)', left: 'voters=(1 2 4) learners=(3)' },
    { name: 'grow from one to three', from: { voters: [1] }, ccs: [add(2), add(3)], joint: 'voters=(1 2 3)&&(1)', left: 'voters=(1 2 3)' },
    { name: 'shrink from five to three', from: { voters: [1, 2, 3, 4, 5] }, ccs: [remove(4), remove(5)], joint: 'voters=(1 2 3)&&(1 2 3 4 5)', left: 'voters=(1 2 3)' },
  ];
  it.each(cases)('$name', ({ from, ccs, joint, left }) => {
    const j = changer(from).enterJoint(false, ccs);
    expect(configToString(j.config)).toBe(joint);
    const l = new Changer({ ...j, maxInflight: MAX_INFLIGHT }, LAST_INDEX).leaveJoint();
    expect(configToString(l.config)).toBe(left);
    // Exactly the members of the final configuration are tracked.
    const members = [...l.config.voters.incoming, ...l.config.learners].sort((a, b) => a - b);
    expect([...l.progress.keys()].sort((a, b) => a - b)).toEqual(members);
    // The result is a plain configuration again: simple changes are allowed on it.
    expect(() => new Changer({ ...l, maxInflight: MAX_INFLIGHT }, LAST_INDEX).simple([])).not.toThrow();
  });
});

describe('Changer never mutates its input', () => {
  type Op = { name: string; from: Cfg; run: (c: Changer) => unknown };
  const ops: Op[] = [
    { name: 'simple add', from: { voters: [1, 2] }, run: (c) => c.simple([add(3)]) },
    { name: 'simple demote', from: { voters: [1, 2] }, run: (c) => c.simple([learner(2)]) },
    { name: 'simple promote', from: { voters: [1], learners: [2] }, run: (c) => c.simple([add(2)]) },
    { name: 'simple remove', from: { voters: [1, 2] }, run: (c) => c.simple([remove(2)]) },
    { name: 'simple error after applying', from: { voters: [1, 2] }, run: (c) => c.simple([add(3), add(4), remove(1)]) },
    { name: 'enterJoint', from: { voters: [1, 2, 3], learners: [5] }, run: (c) => c.enterJoint(true, [remove(1), learner(2), add(4), add(5), remove(5)]) },
    { name: 'enterJoint error after applying', from: { voters: [1, 2] }, run: (c) => c.enterJoint(false, [remove(1), remove(2)]) },
    { name: 'leaveJoint', from: { voters: [1, 2, 4], outgoing: [1, 2, 3], learnersNext: [3], learners: [5], autoLeave: true }, run: (c) => c.leaveJoint() },
  ];
  const snapshotOf = (t: ReturnType<typeof tracked>) => ({
    config: configToString(t.config),
    progress: [...t.progress].map(([id, pr]) => [id, pr.toString(), pr.isLearner, pr.match, pr.next]),
  });
  it.each(ops)('$name', ({ from, run }) => {
    const input = tracked(from);
    input.progress.get(1)!.becomeReplicate();
    input.progress.get(1)!.sentEntries(3);
    const before = snapshotOf(input);
    const prs = new Map(input.progress);
    let out: unknown;
    try {
      out = run(new Changer(input, LAST_INDEX));
    } catch (e) {
      expect(e).toBeInstanceOf(ConfChangeError);
    }
    expect(snapshotOf(input)).toEqual(before);
    for (const [id, pr] of prs) expect(input.progress.get(id)).toBe(pr);
    if (out) {
      // The result shares no Progress (or set) with the input.
      const r = out as ChangeResult;
      for (const [id, pr] of r.progress) expect(pr).not.toBe(input.progress.get(id));
      expect(r.config.voters.incoming).not.toBe(input.config.voters.incoming);
      expect(r.config.learners).not.toBe(input.config.learners);
    }
  });
});

describe('checkInvariants', () => {
  const voter = (id: NodeId) => [id, new Progress({ match: 0, next: 1, maxInflight: 1, isLearner: false })] as const;
  const lrn = (id: NodeId) => [id, new Progress({ match: 0, next: 1, maxInflight: 1, isLearner: true })] as const;
  const cases: Array<{ name: string; cfg: Cfg; progress: Array<readonly [NodeId, Progress]>; err?: RegExp }> = [
    { name: 'valid simple', cfg: { voters: [1, 2], learners: [3] }, progress: [voter(1), voter(2), lrn(3)] },
    { name: 'valid joint', cfg: { voters: [1, 2], outgoing: [1, 2, 3], learnersNext: [3], learners: [4], autoLeave: true }, progress: [voter(1), voter(2), voter(3), lrn(4)] },
    { name: 'valid empty', cfg: { voters: [] }, progress: [] },
    // Extra progress entries are tolerated (not a structural violation).
    { name: 'untracked progress is tolerated', cfg: { voters: [1] }, progress: [voter(1), voter(9)] },
    { name: 'voter without progress', cfg: { voters: [1, 2] }, progress: [voter(1)], err: /no progress for 2/ },
    { name: 'outgoing voter without progress', cfg: { voters: [1], outgoing: [1, 2] }, progress: [voter(1)], err: /no progress for 2/ },
    { name: 'learner without progress', cfg: { voters: [1], learners: [2] }, progress: [voter(1)], err: /no progress for 2/ },
    { name: 'learnersNext not outgoing', cfg: { voters: [1], outgoing: [1], learnersNext: [2] }, progress: [voter(1), voter(2)], err: /2 is in learnersNext, but not outgoing/ },
    { name: 'learnersNext already a learner', cfg: { voters: [1], outgoing: [1, 2], learnersNext: [2] }, progress: [voter(1), lrn(2)], err: /already marked as learner/ },
    { name: 'learner and outgoing voter', cfg: { voters: [1], outgoing: [1, 2], learners: [2] }, progress: [voter(1), lrn(2)], err: /2 is in learners and outgoing voters/ },
    { name: 'learner and voter', cfg: { voters: [1, 2], learners: [2] }, progress: [voter(1), lrn(2)], err: /2 is in learners and voters/ },
    { name: 'learner not marked', cfg: { voters: [1], learners: [2] }, progress: [voter(1), voter(2)], err: /2 is in learners, but is not marked as learner/ },
    { name: 'autoLeave outside joint', cfg: { voters: [1], autoLeave: true }, progress: [voter(1)], err: /autoLeave must be false when not joint/ },
    { name: 'learnersNext outside joint', cfg: { voters: [1], learnersNext: [2] }, progress: [voter(1), voter(2)], err: /learnersNext/ },
  ];
  it.each(cases)('$name', ({ cfg, progress, err }) => {
    const { config } = tracked(cfg);
    const map: ProgressMap = new Map(progress);
    if (err) {
      expect(() => checkInvariants(config, map)).toThrow(ConfChangeError);
      expect(() => checkInvariants(config, map)).toThrow(err);
    } else {
      expect(() => checkInvariants(config, map)).not.toThrow();
    }
  });

  it('the Changer refuses to start from a broken configuration', () => {
    const input = tracked({ voters: [1, 2] });
    input.progress.delete(2);
    expect(() => new Changer(input, LAST_INDEX).simple([add(3)])).toThrow(/no progress for 2/);
  });
});

describe('restoreConfig', () => {
  const cs = (c: Partial<ConfState>): ConfState => ({ ...emptyConfState(), ...c });
  const sortCs = (c: ConfState): ConfState => {
    const s = (a: NodeId[]) => [...a].sort((x, y) => x - y);
    return { voters: s(c.voters), learners: s(c.learners), votersOutgoing: s(c.votersOutgoing), learnersNext: s(c.learnersNext), autoLeave: c.autoLeave };
  };
  const roundTrips: Array<{ name: string; cs: ConfState }> = [
    { name: 'empty', cs: cs({}) },
    { name: 'one voter', cs: cs({ voters: [1] }) },
    { name: 'voters and learners', cs: cs({ voters: [1, 2, 3], learners: [4, 5] }) },
    { name: 'unsorted input', cs: cs({ voters: [3, 1, 2], learners: [5, 4] }) },
    { name: 'joint', cs: cs({ voters: [1, 2, 4], votersOutgoing: [1, 2, 3] }) },
    { name: 'joint, auto leave', cs: cs({ voters: [1, 2, 4], votersOutgoing: [1, 2, 3], autoLeave: true }) },
    { name: 'joint with learnersNext', cs: cs({ voters: [1, 2], votersOutgoing: [1, 2, 3], learnersNext: [3], learners: [4], autoLeave: true }) },
    { name: 'joint, disjoint halves', cs: cs({ voters: [4, 5, 6], votersOutgoing: [1, 2, 3] }) },
  ];
  it.each(roundTrips)('round trip: $name', ({ cs: c }) => {
    const r = restoreConfig(c, LAST_INDEX, MAX_INFLIGHT);
    const trk = new ProgressTracker(MAX_INFLIGHT);
    trk.config = r.config;
    trk.progress = r.progress;
    expect(trk.confState()).toEqual(sortCs(c));
    for (const [id, pr] of r.progress) {
      expect([id, pr.isLearner]).toEqual([id, c.learners.includes(id)]);
      expect([pr.state, pr.match, pr.next, pr.recentActive, pr.inflights.size]).toEqual(['probe', 0, LAST_INDEX, true, MAX_INFLIGHT]);
    }
    const members = new Set([...c.voters, ...c.votersOutgoing, ...c.learners, ...c.learnersNext]);
    expect(r.progress.size).toBe(members.size);
  });

  it.each(roundTrips)('agrees with replaying the ConfState through a Changer: $name', ({ cs: c }) => {
    // The etcd way: add the outgoing voters one by one, then enter the joint config that removes
    // them and adds the incoming voters and learners; without a joint config just add everything.
    const empty = tracked({ voters: [] });
    let cur: ChangeResult = { config: empty.config, progress: empty.progress };
    const step = (f: (ch: Changer) => ChangeResult) => {
      cur = f(new Changer({ ...cur, maxInflight: MAX_INFLIGHT }, LAST_INDEX));
    };
    if (c.votersOutgoing.length === 0) {
      for (const id of c.voters) step((ch) => ch.simple([add(id)]));
      for (const id of c.learners) step((ch) => ch.simple([learner(id)]));
    } else {
      for (const id of c.votersOutgoing) step((ch) => ch.simple([add(id)]));
      const ccs = [...c.votersOutgoing.map(remove), ...c.voters.map(add), ...c.learners.map(learner), ...c.learnersNext.map(learner)];
      step((ch) => ch.enterJoint(c.autoLeave, ccs));
    }
    const restored = restoreConfig(c, LAST_INDEX, MAX_INFLIGHT);
    expect(configToString(restored.config)).toBe(configToString(cur.config));
    expect(showProgress(restored.progress).replaceAll('*', '')).toBe(showProgress(cur.progress).replaceAll('*', ''));
  });

  it('ignores autoLeave outside a joint configuration', () => {
    expect(restoreConfig(cs({ voters: [1], autoLeave: true }), 1, 1).config.autoLeave).toBe(false);
  });

  it('probes from index 1 on an empty log', () => {
    expect(restoreConfig(cs({ voters: [1] }), 0, 1).progress.get(1)!.next).toBe(1);
  });

  const invalid: Array<{ name: string; cs: ConfState; err: RegExp }> = [
    { name: 'voter and learner', cs: cs({ voters: [1, 2], learners: [2] }), err: /learners and voters/ },
    { name: 'outgoing voter and learner', cs: cs({ voters: [1], votersOutgoing: [1, 2], learners: [2] }), err: /learners and outgoing voters/ },
    { name: 'learnersNext not outgoing', cs: cs({ voters: [1], votersOutgoing: [1], learnersNext: [2] }), err: /not outgoing/ },
    { name: 'learnersNext and learner', cs: cs({ voters: [1], votersOutgoing: [1, 2], learnersNext: [2], learners: [2] }), err: /ConfChange|learner/ },
  ];
  it.each(invalid)('rejects $name', ({ cs: c, err }) => {
    expect(() => restoreConfig(c, 1, 1)).toThrow(ConfChangeError);
    expect(() => restoreConfig(c, 1, 1)).toThrow(err);
  });
});

describe('entersJoint / isLeaveJoint', () => {
  const cases: Array<{ transition: ConfChangeTransition; n: number; leave: boolean; joint: boolean; autoLeave: boolean }> = [
    { transition: 'auto', n: 0, leave: true, joint: false, autoLeave: false },
    { transition: 'auto', n: 1, leave: false, joint: false, autoLeave: false },
    { transition: 'auto', n: 2, leave: false, joint: true, autoLeave: true },
    { transition: 'jointImplicit', n: 1, leave: false, joint: true, autoLeave: true },
    { transition: 'jointImplicit', n: 3, leave: false, joint: true, autoLeave: true },
    { transition: 'jointExplicit', n: 1, leave: false, joint: true, autoLeave: false },
    { transition: 'jointExplicit', n: 2, leave: false, joint: true, autoLeave: false },
    // Documented contract (types.ts): an empty change list always means "leave", whatever the transition.
    { transition: 'jointExplicit', n: 0, leave: true, joint: true, autoLeave: false },
  ];
  it.each(cases)('$transition with $n changes', ({ transition, n, leave, joint, autoLeave }) => {
    const cc = { transition, changes: Array.from({ length: n }, (_, i) => add(i + 1)) };
    expect(isLeaveJoint(cc)).toBe(leave);
    expect(entersJoint(cc)).toEqual({ joint, autoLeave });
  });
});
