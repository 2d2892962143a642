// Linearizability of a key-value history, checked key by key: every operation here touches one
// key, so the history is linearizable iff each key's sub-history is (linearizability is local,
// Herlihy & Wing). Each key is a register (register-model.ts).
//
// The search is Wing & Gong's, with the memo of Lowe's refinement: linearize one operation at a
// time, choosing among those that could come next (no operation still waiting returned before
// they were invoked), undo on a dead end, and never revisit a (set of linearized operations,
// register state) pair. Operations with an unknown outcome have no return: they may be
// linearized anywhere after their invocation, or never.
//
// Serializable reads are not linearizable by design and are left out; revisions.ts checks them.

import { describeOp, type Anomaly, type KvOp } from './history.js';
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

interface Candidate {
  op: KvOp;
  /** Must be linearized: its outcome is known. Unknown outcomes are optional. */
  required: boolean;
  bit: bigint;
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

/** 'ok', 'undecided', or the reason the key's history is not linearizable. */
function checkKey(list: KvOp[], maxStates: number): string {
  const cands: Candidate[] = [...list]
    .sort((a, b) => a.call - b.call)
    .map((op, i) => ({ op, required: op.output !== undefined, bit: 1n << BigInt(i) }));
  let requiredMask = 0n;
  for (const c of cands) if (c.required) requiredMask |= c.bit;

  const seen = new Set<string>();
  let states = 0;
  // The longest partial linearization found, for the report.
  let best: { done: bigint; count: number } = { done: 0n, count: -1 };

  const search = (done: bigint, state: RegisterState, count: number): boolean | 'budget' => {
    if ((done & requiredMask) === requiredMask) return true;
    const memo = `${done.toString(36)}|${state ?? '\u0000'}`;
    if (seen.has(memo)) return false;
    seen.add(memo);
    if (++states > maxStates) return 'budget';
    if (count > best.count) best = { done, count };
    // No operation can come after one that returned before it was invoked.
    let minRet = Infinity;
    for (const c of cands) if ((done & c.bit) === 0n && c.op.ret < minRet) minRet = c.op.ret;
    for (const c of cands) {
      if (c.op.call > minRet) break; // sorted by call: none after this can come next either
      if ((done & c.bit) !== 0n) continue;
      const next = stepRegister(state, c.op.input, c.op.output);
      if (next === undefined) continue;
      const r = search(done | c.bit, next, count + 1);
      if (r !== false) return r;
    }
    return false;
  };

  // The history starts with the key absent: the workload uses fresh keys in a fresh cluster.
  const r = search(0n, null, 0);
  if (r === true) return 'ok';
  if (r === 'budget') return 'undecided';
  const stuck = cands.filter((c) => (best.done & c.bit) === 0n && c.required).slice(0, 4);
  return (
    `not linearizable: ${best.count} of ${cands.length} operations linearized at best; ` +
    `none of the next ones fits: ${stuck.map((c) => describeOp(c.op)).join('; ')}`
  );
}

/**
 * Removes the operations with an unknown outcome that provably never took effect: puts and
 * compare-and-sets whose (unique) value appears nowhere in the store's complete event log.
 * `logValues` must be every value the log ever held (a watch from revision 1 with no
 * compaction); the durability checker verifies that log separately. Without this, each
 * timed-out write stays a candidate forever and the search grows with 2^(timeouts).
 */
export function dropWritesNeverApplied(ops: readonly KvOp[], logValues: ReadonlySet<string>): KvOp[] {
  return ops.filter((op) => {
    if (op.output !== undefined) return true;
    if (op.input.f === 'put' || op.input.f === 'cas') return logValues.has(op.input.value);
    return true;
  });
}
