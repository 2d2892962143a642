// Builders of histories for the checkers' tests: hand-written operations with short names, and a
// generator of random concurrent histories that are linearizable by construction.

import type { KvInput, KvOp, KvOutput, LogEvent, Observed } from './history.js';
import { stepRegister, type RegisterState } from './register-model.js';
import { seededRandom } from '../raft/index.js';

let nextId = 1;

/** One operation, e.g. `op(1, 'a', ...put('x', 2), call, ret)`; ret undefined = unknown outcome. */
export function op(client: number, key: string, input: KvInput, output: KvOutput, call: number, ret: number | undefined): KvOp {
  return { id: nextId++, client, key, input, call, ret: ret ?? Infinity, output: ret === undefined ? undefined : output };
}

export const put = (value: string, revision: number): [KvInput, KvOutput] => [{ f: 'put', value }, { f: 'put', revision }];
export const get = (current: Observed, revision: number, serializable = false): [KvInput, KvOutput] => [{ f: 'get', serializable }, { f: 'get', current, revision }];
export const del = (deleted: number, revision: number): [KvInput, KvOutput] => [{ f: 'delete' }, { f: 'delete', deleted, revision }];
export const cas = (expect: string | null, value: string, succeeded: boolean, revision: number, current: Observed = null): [KvInput, KvOutput] => [
  { f: 'cas', expect, value },
  { f: 'cas', succeeded, revision, current },
];

/** The Raft core's seeded PRNG (mulberry32), so a failing random test names its seed. */
export const prng = seededRandom;

/**
 * A random history of `clients` concurrent clients on `keys` keys, produced by a real sequential
 * store: each operation takes effect at one instant inside [call, ret], in instant order, and
 * gets the answer the store gave at that instant (with etcd-like revisions). Some operations lose
 * their answer (unknown outcome) after having taken effect, or without having taken effect.
 */
export function randomHistory(seed: number, opsCount: number, clients = 4, keys = 2): KvOp[] {
  return randomHistoryWithLog(seed, opsCount, clients, keys).ops;
}

/** randomHistory, with the store's event log of what really happened. */
export function randomHistoryWithLog(seed: number, opsCount: number, clients = 4, keys = 2): { ops: KvOp[]; log: LogEvent[] } {
  const log: LogEvent[] = [];
  const rnd = prng(seed);
  const state = new Map<string, { value: string; modRevision: number }>();
  let revision = 0;
  let time = 0;
  let written = 0;
  const busyUntil = new Array<number>(clients).fill(0);
  // Pending: operations invoked, with the instant they take effect.
  const out: KvOp[] = [];
  const events: { at: number; apply: () => void }[] = [];
  for (let i = 0; i < opsCount; i++) {
    const client = Math.floor(rnd() * clients);
    const call = Math.max(time, busyUntil[client]!) + rnd() * 2;
    time = call - rnd(); // next calls may start before this one returns: concurrency
    const at = call + rnd() * 3;
    const ret = at + rnd() * 3;
    busyUntil[client] = ret;
    const key = `k${Math.floor(rnd() * keys)}`;
    const cur = state.get(key);
    const r = rnd();
    const input: KvInput =
      r < 0.3
        ? { f: 'put', value: `v${++written}` }
        : r < 0.4
          ? { f: 'delete' }
          : r < 0.6
            ? { f: 'cas', expect: rnd() < 0.5 ? (cur?.value ?? null) : `v${Math.floor(rnd() * written) + 1}`, value: `v${++written}` }
            : { f: 'get', serializable: false };
    const record: KvOp = { id: i + 1, client, key, input, call, ret, output: undefined };
    const lost = rnd() < 0.05;
    const neverApplied = lost && input.f !== 'get' && rnd() < 0.5;
    out.push(record);
    events.push({
      at,
      apply: () => {
        if (neverApplied) {
          record.ret = Infinity;
          return;
        }
        const before = state.get(key) ?? null;
        const next = stepRegister(before?.value ?? null, input, undefined) as RegisterState;
        let output: KvOutput;
        const beforeValue = before?.value ?? null;
        const changed = input.f === 'put' || (input.f === 'delete' && before !== null) || (input.f === 'cas' && beforeValue === input.expect);
        if (changed) {
          revision++;
          log.push(next === null ? { revision, key, type: 'delete' } : { revision, key, type: 'put', value: next });
          if (next === null) state.delete(key);
          else state.set(key, { value: next, modRevision: revision });
        }
        if (input.f === 'put') output = { f: 'put', revision };
        else if (input.f === 'delete') output = { f: 'delete', deleted: before === null ? 0 : 1, revision };
        else if (input.f === 'cas') output = { f: 'cas', succeeded: changed, revision, current: changed ? null : before };
        else output = { f: 'get', current: before, revision };
        if (lost) record.ret = Infinity;
        else record.output = output;
      },
    });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) e.apply();
  return { ops: out, log };
}
