// The safety properties of Raft (Figure 3 of the paper: election safety, leader append-only, log
// matching, leader completeness, state machine safety), checked incrementally while a simulation
// runs, plus the end-of-run check that no acknowledged proposal was lost.
//
// The checker knows nothing about members, networks or seeds: it is fed observations (a member's
// role, its log, its commit index, what it applied) and throws SafetyViolation as soon as one
// contradicts the history seen so far. That keeps it testable with hand-made bad histories.
//
// Cost matters: the simulator observes every member after every input. So:
//  - log matching keeps one record per (index, term) ever seen anywhere: the term of the entry
//    before it and the entry's content. If no two logs ever disagree on those, any two logs that
//    share (index, term) are identical up to it (induction on the index), so each newly written
//    entry is checked once, in O(1), instead of comparing whole logs;
//  - leader completeness keeps one record per committed index (its term, and the lowest term in
//    which it was seen committed) and compares a leader's log against it when the leader is
//    elected, and compares every new commit against the leaders in office.

import type { Entry, NodeId, StateRole } from '../types.js';

export type ViolationKind =
  | 'electionSafety'
  | 'leaderAppendOnly'
  | 'logMatching'
  | 'leaderCompleteness'
  | 'stateMachineSafety'
  | 'lostAcknowledged'
  | 'liveness';

export class SafetyViolation extends Error {
  readonly kind: ViolationKind;
  constructor(kind: ViolationKind, detail: string) {
    super(`${kind} violated: ${detail}`);
    this.name = 'SafetyViolation';
    this.kind = kind;
  }
}

/** Read access to one member's log, as it stands now. */
export interface LogView {
  /** The first entry held; firstIndex() - 1 is the snapshot's index, whose term is still known. */
  firstIndex(): number;
  lastIndex(): number;
  /** Term at i for i in [firstIndex() - 1, lastIndex()] (0 at index 0); undefined elsewhere. */
  termAt(i: number): number | undefined;
  /** Entries in [lo, hi), lo >= firstIndex(), hi <= lastIndex() + 1. */
  entries(lo: number, hi: number): readonly Entry[];
}

/** An entry of the application's state (TestMember.applied), as found in snapshots too. */
export interface AppliedPayload {
  index: number;
  term: number;
  data: string;
}

const dec = new TextDecoder();

/** What an entry says, as a comparable string: two entries with equal keys are the same command. */
export function entryKey(e: Pick<Entry, 'type' | 'data'>): string {
  if (e.type === 'confChange') return `cc:${dec.decode(e.data)}`;
  return e.data.length === 0 ? 'empty' : `n:${dec.decode(e.data)}`;
}

const payloadKey = (data: string): string => `n:${data}`;

interface LogRecord {
  /** Term of the entry just before this one in the log that wrote it; undefined if compacted there. */
  prevTerm: number | undefined;
  key: string;
  /** Who wrote it first, for the report. */
  firstSeenOn: NodeId;
}

interface CommitRecord {
  term: number;
  /** Content, once some member showed it (a snapshot only reveals the term at its index). */
  key: string | undefined;
  /** The lowest term of a member seen holding this index committed: it was committed no later. */
  commitTerm: number;
  firstSeenOn: NodeId;
}

export interface CheckerOptions {
  /**
   * Properties not to enforce. Only for showing that a second, independent check also catches a
   * mutant that the first one would otherwise report first.
   */
  skip?: readonly ViolationKind[];
}

export class SafetyChecker {
  private readonly skip: ReadonlySet<ViolationKind>;
  /** Election safety: the one leader of each term ever seen. */
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** Log matching: index -> term -> what every log holding (index, term) must agree on. */
  private readonly logRecords = new Map<number, Map<number, LogRecord>>();
  /** Committed entries by index (sparse only where nobody showed the entry). */
  private readonly commits: (CommitRecord | undefined)[] = [];
  private commitWatermark = 0;
  /** Per member: the commit index already accounted for. */
  private readonly commitSeen = new Map<NodeId, number>();
  /** Members in the leader role right now: their term, log, and where their log ended when last seen. */
  private readonly leaders = new Map<NodeId, { term: number; log: LogView; last: number; lastTerm: number }>();
  /** Statistics for scenario assertions. */
  readonly stats = { leadersElected: 0, entriesChecked: 0, commitsChecked: 0, appliesChecked: 0 };

  constructor(opts: CheckerOptions = {}) {
    this.skip = new Set(opts.skip ?? []);
  }

  /** Report a violation (throws) unless that property is skipped. */
  private violated(kind: ViolationKind, detail: string): void {
    if (!this.skip.has(kind)) throw new SafetyViolation(kind, detail);
  }

  // ---- roles: election safety, and leader completeness at election ----

  observeRole(id: NodeId, role: StateRole, term: number, log: LogView): void {
    if (role !== 'leader') {
      this.leaders.delete(id);
      return;
    }
    const known = this.leaderOfTerm.get(term);
    if (known !== undefined && known !== id) {
      this.violated('electionSafety', `members ${known} and ${id} were both leader in term ${term}`);
    }
    const current = this.leaders.get(id);
    if (current && current.term === term) {
      // Leader append-only: in office, a leader only appends; its last entry never goes away.
      if (log.lastIndex() < current.last || log.termAt(current.last) !== current.lastTerm) {
        this.violated(
          'leaderAppendOnly',
          `leader ${id} of term ${term} held (index ${current.last}, term ${current.lastTerm}) and now ends at ${log.lastIndex()} ` +
            `with term ${log.termAt(current.last) ?? 'none'} there`,
        );
      }
      current.last = log.lastIndex();
      current.lastTerm = log.termAt(current.last) ?? 0;
      return;
    }
    this.leaderOfTerm.set(term, id);
    this.leaders.set(id, { term, log, last: log.lastIndex(), lastTerm: log.termAt(log.lastIndex()) ?? 0 });
    this.stats.leadersElected++;
    this.checkLeaderHoldsCommitted(id, term, log, 1, this.commitWatermark);
  }

  /** Every entry committed in a term before `term` must be in this leader's log (or its snapshot). */
  private checkLeaderHoldsCommitted(id: NodeId, term: number, log: LogView, lo: number, hi: number): void {
    // Below the snapshot index the leader holds the entries only as state: the state machine
    // safety check covers that part.
    const from = Math.max(lo, log.firstIndex() - 1, 1);
    const last = log.lastIndex();
    for (let i = from; i <= hi; i++) {
      const rec = this.commits[i];
      if (!rec || rec.commitTerm >= term) continue;
      const t = i <= last ? log.termAt(i) : undefined;
      if (t !== rec.term) {
        this.violated(
          'leaderCompleteness',
          `leader ${id} of term ${term} ${t === undefined ? 'lacks' : `holds term ${t} at`} index ${i}, ` +
            `committed with term ${rec.term} by term ${rec.commitTerm} (first seen committed on ${rec.firstSeenOn})`,
        );
      }
    }
  }

  // ---- log matching ----

  /** Check the entries of `id`'s log from index `from` on (those just written). */
  observeLog(id: NodeId, from: number, log: LogView): void {
    const lo = Math.max(from, log.firstIndex());
    const hi = log.lastIndex();
    if (lo > hi) return;
    const ents = log.entries(lo, hi + 1);
    let prevTerm = log.termAt(lo - 1);
    for (const e of ents) {
      this.checkLogEntry(id, e, prevTerm);
      prevTerm = e.term;
    }
  }

  private checkLogEntry(id: NodeId, e: Entry, prevTerm: number | undefined): void {
    this.stats.entriesChecked++;
    let byTerm = this.logRecords.get(e.index);
    if (!byTerm) {
      byTerm = new Map();
      this.logRecords.set(e.index, byTerm);
    }
    const key = entryKey(e);
    const rec = byTerm.get(e.term);
    if (!rec) {
      byTerm.set(e.term, { prevTerm, key, firstSeenOn: id });
      return;
    }
    if (rec.key !== key) {
      this.violated(
        'logMatching',
        `index ${e.index} term ${e.term} holds ${short(key)} on member ${id} but ${short(rec.key)} on member ${rec.firstSeenOn}`,
      );
    }
    if (prevTerm === undefined) return;
    if (rec.prevTerm === undefined) {
      rec.prevTerm = prevTerm;
    } else if (rec.prevTerm !== prevTerm) {
      this.violated(
        'logMatching',
        `entry (index ${e.index}, term ${e.term}) follows term ${prevTerm} on member ${id} but term ${rec.prevTerm} on member ${rec.firstSeenOn}: ` +
          'the logs share an entry yet differ before it',
      );
    }
  }

  // ---- commits: the record leader completeness and state machine safety compare against ----

  /** `id` (currently at `term`) has commit index `committed`. */
  observeCommit(id: NodeId, committed: number, term: number, log: LogView): void {
    const seen = this.commitSeen.get(id) ?? 0;
    if (committed <= seen) return;
    this.commitSeen.set(id, committed);
    const first = log.firstIndex();
    const lo = Math.max(seen + 1, first);
    const ents = lo <= committed ? log.entries(lo, committed + 1) : [];
    for (let i = seen + 1; i <= committed; i++) {
      if (i < first - 1) continue; // compacted (a snapshot just installed): nothing to compare here
      const e = i >= first ? ents[i - lo] : undefined;
      const t = e ? e.term : log.termAt(i);
      if (t === undefined) continue;
      this.recordCommit(id, i, t, e ? entryKey(e) : undefined, term);
    }
  }

  private recordCommit(id: NodeId, index: number, term: number, key: string | undefined, commitTerm: number): void {
    this.stats.commitsChecked++;
    const rec = this.commits[index];
    if (!rec) {
      this.commits[index] = { term, key, commitTerm, firstSeenOn: id };
      if (index > this.commitWatermark) this.commitWatermark = index;
      this.checkLeadersInOffice(index);
      return;
    }
    if (rec.term !== term || (key !== undefined && rec.key !== undefined && rec.key !== key)) {
      this.violated(
        'stateMachineSafety',
        `member ${id} committed (index ${index}, term ${term}${key ? `, ${short(key)}` : ''}) ` +
          `but member ${rec.firstSeenOn} committed (index ${index}, term ${rec.term}${rec.key ? `, ${short(rec.key)}` : ''})`,
      );
    }
    if (rec.key === undefined) rec.key = key;
    if (commitTerm < rec.commitTerm) {
      rec.commitTerm = commitTerm;
      this.checkLeadersInOffice(index);
    }
  }

  /** A leader of a later term than the commit must already hold the entry. */
  private checkLeadersInOffice(index: number): void {
    for (const [lid, l] of this.leaders) this.checkLeaderHoldsCommitted(lid, l.term, l.log, index, index);
  }

  // ---- state machine safety ----

  /** `id` applied `e` to its state machine. */
  observeApply(id: NodeId, e: Pick<Entry, 'index' | 'term' | 'type' | 'data'>): void {
    this.stats.appliesChecked++;
    this.compareApplied(id, e.index, e.term, entryKey(e), 'applied');
  }

  /**
   * `id` installed a snapshot at (index, term) whose state is `state`: the snapshot's last entry
   * and every entry in its state must be the committed ones.
   */
  observeSnapshot(id: NodeId, index: number, term: number, state: readonly AppliedPayload[]): void {
    const rec = this.commits[index];
    if (rec && rec.term !== term) {
      this.violated(
        'stateMachineSafety',
        `member ${id} installed a snapshot at (index ${index}, term ${term}) but index ${index} was committed with term ${rec.term}`,
      );
    }
    let prev = 0;
    for (const a of state) {
      if (a.index <= prev || a.index > index) {
        this.violated('stateMachineSafety', `member ${id} installed a snapshot at ${index} whose state is out of order at index ${a.index}`);
      }
      prev = a.index;
      this.compareApplied(id, a.index, a.term, payloadKey(a.data), 'holds in its snapshot');
    }
  }

  private compareApplied(id: NodeId, index: number, term: number, key: string, what: string): void {
    const rec = this.commits[index];
    if (!rec) {
      // Nobody was seen committing it (only possible when the checker is fed applies alone).
      this.commits[index] = { term, key, commitTerm: Number.POSITIVE_INFINITY, firstSeenOn: id };
      if (index > this.commitWatermark) this.commitWatermark = index;
      return;
    }
    if (rec.term !== term || (rec.key !== undefined && rec.key !== key)) {
      this.violated(
        'stateMachineSafety',
        `member ${id} ${what} (index ${index}, term ${term}, ${short(key)}) ` +
          `but (index ${index}, term ${rec.term}${rec.key ? `, ${short(rec.key)}` : ''}) was committed (first seen on ${rec.firstSeenOn})`,
      );
    }
    if (rec.key === undefined) rec.key = key;
  }

  /** Full re-check of one member's log and, if it leads, of leader completeness (periodic audit). */
  audit(id: NodeId, role: StateRole, term: number, log: LogView): void {
    this.observeLog(id, log.firstIndex(), log);
    if (role === 'leader') this.checkLeaderHoldsCommitted(id, term, log, 1, this.commitWatermark);
  }

  committedTermAt(index: number): number | undefined {
    return this.commits[index]?.term;
  }
}

/**
 * The end-of-run promise to clients: every acknowledged payload is applied by every live member
 * exactly once, and all live members applied the same payloads in the same order.
 */
export function checkAcknowledged(
  acknowledged: Iterable<string>,
  members: readonly { id: NodeId; applied: readonly AppliedPayload[] }[],
): void {
  if (members.length === 0) throw new SafetyViolation('lostAcknowledged', 'no live member left to hold the acknowledged proposals');
  const ref = members[0]!;
  for (const m of members.slice(1)) {
    const n = Math.max(m.applied.length, ref.applied.length);
    for (let i = 0; i < n; i++) {
      const a = ref.applied[i];
      const b = m.applied[i];
      if (!a || !b || a.index !== b.index || a.term !== b.term || a.data !== b.data) {
        throw new SafetyViolation(
          'stateMachineSafety',
          `members ${ref.id} and ${m.id} differ at their ${i + 1}th applied payload: ` +
            `${a ? `(${a.index}, ${a.term}, ${a.data})` : 'nothing'} vs ${b ? `(${b.index}, ${b.term}, ${b.data})` : 'nothing'}`,
        );
      }
    }
  }
  for (const m of members) {
    const count = new Map<string, number>();
    for (const a of m.applied) count.set(a.data, (count.get(a.data) ?? 0) + 1);
    for (const p of acknowledged) {
      const c = count.get(p) ?? 0;
      if (c !== 1) {
        throw new SafetyViolation('lostAcknowledged', `acknowledged proposal ${p} is applied ${c} times on member ${m.id} (want exactly once)`);
      }
    }
  }
}

function short(key: string): string {
  return key.length > 60 ? `${key.slice(0, 57)}...` : key;
}
