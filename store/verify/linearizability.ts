// Linearizability of a key-value history, checked key by key: every operation here touches one
// key, so the history is linearizable iff each key's sub-history is (linearizability is local,
// Herlihy & Wing). Each key is a register (register-model.ts).
//
// The search is Wing & Gong's, with the memo of Lowe's refinement: linearize one operation at a
// time, choosing among those that could come next (no operation still waiting returned before
// they were invoked), undo on a dead end, and never revisit a (set of linearized operations,
// register state) pair. Operations with an unknown outcome have no return: they may be
// linearized anywhere after their invocation, or never (unless the log shows they took effect).
//
// Histories of thousands of operations per key are the norm, so the search is iterative (no
// recursion depth) and names the set of linearized operations by the first one not yet
// linearized plus the few linearized after it (a bitset of the whole history per state would
// make every step cost the length of the history).
//
// Serializable reads are not linearizable by design and are left out; revisions.ts and
// reads-vs-log.ts check them.

import type { EventLog } from './event-log.js';
import { describeOp, type Anomaly, type KvOp, type KvOutput } from './history.js';
import { stepRegister, type RegisterState } from './register-model.js';

export interface LinearizabilityOptions {
  /** Give up on a key after this many search states (reported, not counted as an anomaly). */
  maxStates?: number;
}

export interface LinearizabilityResult {
  anomalies: Anomaly[];
  /** Keys whose search hit maxStates: neither proved nor refuted. */
  undecided: string[];
  keys: number;
  operations: number;
}

export function checkLinearizability(ops: readonly KvOp[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  const byKey = new Map<string, KvOp[]>();
  for (const op of ops) {
    if (op.input.f === 'get' && op.input.serializable) continue;
    // A read whose answer was lost tells nothing and changes nothing.
    if (op.input.f === 'get' && !op.output) continue;
    let list = byKey.get(op.key);
    if (!list) byKey.set(op.key, (list = []));
    list.push(op);
  }
  const result: LinearizabilityResult = { anomalies: [], undecided: [], keys: byKey.size, operations: 0 };
  for (const [key, list] of byKey) {
    result.operations += list.length;
    const verdict = checkKey(list, options.maxStates ?? 2_000_000);
    if (verdict === 'undecided') result.undecided.push(key);
    else if (verdict !== 'ok') result.anomalies.push({ checker: 'linearizability', message: `key ${key}: ${verdict}` });
  }
  return result;
}

interface Move {
  index: number;
  /** Decide that this unknown-outcome operation never took effect (no state change). */
  skip: boolean;
  next: RegisterState;
  /** Saved on apply, restored on undo. */
  prevFirst: number;
  prevHi: number;
}

interface Frame {
  moves: Move[];
  next: number;
  taken: Move | undefined;
}

/** 'ok', 'undecided', or the reason the key's history is not linearizable. */
function checkKey(list: readonly KvOp[], maxStates: number): string {
  const ops = [...list].sort((a, b) => a.call - b.call);
  const n = ops.length;
  const required = ops.map((o) => o.output !== undefined || o.applied === true);
  // A compare-and-set known to have written its value succeeded, though its answer was lost.
  const outputs = ops.map((o): KvOutput | undefined => o.output ?? (o.applied && o.input.f === 'cas' ? { f: 'cas', succeeded: true, revision: 0, current: null } : undefined));
  const done = new Uint8Array(n);
  let requiredLeft = required.filter(Boolean).length;
  let first = 0; // lowest index not linearized
  let hi = -1; // highest index linearized
  let depth = 0;
  let best = { depth: -1, stuck: '' };

  const movesFrom = (state: RegisterState): Move[] => {
    // No operation can come after one that returned before it was invoked. Sorted by call,
    // so once calls pass the earliest pending return, nothing further can lower it.
    let minRet = Infinity;
    for (let i = first; i < n && ops[i]!.call <= minRet; i++) if (!done[i] && ops[i]!.ret < minRet) minRet = ops[i]!.ret;
    const moves: Move[] = [];
    for (let i = first; i < n && ops[i]!.call <= minRet; i++) {
      if (done[i]) continue;
      const next = stepRegister(state, ops[i]!.input, outputs[i]);
      if (next !== undefined) moves.push({ index: i, skip: false, next, prevFirst: 0, prevHi: 0 });
    }
    // The oldest pending operation may be one that never took effect: then it need never be
    // linearized, and deciding so at this point loses no ordering.
    if (first < n && !required[first]) moves.push({ index: first, skip: true, next: state, prevFirst: 0, prevHi: 0 });
    return moves;
  };

  const memoKey = (state: RegisterState): string => {
    const extra: number[] = [];
    for (let i = first + 1; i <= hi; i++) if (done[i]) extra.push(i);
    return `${first}|${extra.join(',')}|${state ?? '\u0000'}`;
  };

  const apply = (m: Move): void => {
    m.prevFirst = first;
    m.prevHi = hi;
    done[m.index] = 1;
    if (required[m.index]) requiredLeft--;
    if (m.index > hi) hi = m.index;
    while (first < n && done[first]) first++;
    depth++;
  };

  const undo = (m: Move): void => {
    done[m.index] = 0;
    if (required[m.index]) requiredLeft++;
    first = m.prevFirst;
    hi = m.prevHi;
    depth--;
  };

  if (requiredLeft === 0) return 'ok';
  const seen = new Set<string>();
  // The history starts with the key absent: the workload uses fresh keys in a fresh cluster.
  const stack: Frame[] = [{ moves: movesFrom(null), next: 0, taken: undefined }];
  seen.add(memoKey(null));
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.taken) {
      undo(f.taken);
      f.taken = undefined;
    }
    if (f.next >= f.moves.length) {
      if (depth > best.depth) best = { depth, stuck: describeStuck(ops, done, required, first) };
      stack.pop();
      continue;
    }
    const m = f.moves[f.next++]!;
    apply(m);
    f.taken = m;
    if (requiredLeft === 0) return 'ok';
    const key = memoKey(m.next);
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > maxStates) return 'undecided';
    stack.push({ moves: movesFrom(m.next), next: 0, taken: undefined });
  }
  return `not linearizable: ${best.depth} of ${n} operations linearized at best; none of the next ones fits: ${best.stuck}`;
}

function describeStuck(ops: readonly KvOp[], done: Uint8Array, required: readonly boolean[], first: number): string {
  const out: string[] = [];
  for (let i = first; i < ops.length && out.length < 4; i++) if (!done[i] && required[i]) out.push(describeOp(ops[i]!));
  return out.join('; ');
}

/**
 * Settles what the store's complete event log (a watch from revision 1, no compaction; the
 * durability checker verifies it) says about operations whose answer was lost, before the search:
 *  - a put or compare-and-set whose unique value is in the log took effect: it must be linearized;
 *  - one whose value is not took no effect (or none anybody observed): dropped;
 *  - a delete may have removed the key (a delete event no acknowledged delete explains) or not;
 *    if every delete event of its key is explained, it at most deleted nothing: dropped.
 * Without this, each timed-out write stays a candidate forever and the search grows with
 * 2^(timeouts).
 */
export function resolveUnknownWrites(ops: readonly KvOp[], log: EventLog): KvOp[] {
  const explained = new Set<string>();
  for (const op of ops) if (op.output?.f === 'delete' && op.output.deleted > 0) explained.add(`${op.key}@${op.output.revision}`);
  const unexplainedDeletes = (key: string): boolean => log.eventsOf(key).some((e) => e.type === 'delete' && !explained.has(`${key}@${e.revision}`));
  const out: KvOp[] = [];
  for (const op of ops) {
    if (op.output !== undefined) out.push(op);
    else if (op.input.f === 'put' || op.input.f === 'cas') {
      if (log.values.has(op.input.value)) out.push({ ...op, applied: true });
    } else if (op.input.f === 'delete') {
      if (unexplainedDeletes(op.key)) out.push(op);
    }
  }
  return out;
}
