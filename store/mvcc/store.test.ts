import { describe, expect, it } from 'vitest';
import { seededRandom } from '../raft/raft.js';
import { CompactedRevisionError, FutureRevisionError, type KeyValue } from './kv.js';
import { prefixEnd } from './keys.js';
import { MvccStore } from './store.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const s = (u: Uint8Array): string => new TextDecoder().decode(u);
const brief = (kv: KeyValue) => ({ key: s(kv.key), value: s(kv.value), create: kv.createRevision, mod: kv.modRevision, version: kv.version });

function put(st: MvccStore, key: string, value: string, lease = 0n): number {
  const tx = st.write();
  tx.put(b(key), b(value), lease);
  return tx.end().rev;
}

function del(st: MvccStore, key: string, end?: string): number {
  const tx = st.write();
  tx.deleteRange(b(key), end === undefined ? undefined : b(end));
  return tx.end().rev;
}

describe('MvccStore: revisions and versions as etcd reports them', () => {
  it('starts at revision 1; each write transaction takes the next revision', () => {
    const st = new MvccStore();
    expect(st.revision).toBe(1);
    expect(put(st, 'a', '1')).toBe(2);
    expect(put(st, 'a', '2')).toBe(3);
    expect(brief(st.range(b('a'), undefined).kvs[0]!)).toEqual({ key: 'a', value: '2', create: 2, mod: 3, version: 2 });
  });

  it('a delete ends the generation; a new put starts over at version 1 with a new create revision', () => {
    const st = new MvccStore();
    put(st, 'k', 'v1'); // 2
    put(st, 'k', 'v2'); // 3
    expect(del(st, 'k')).toBe(4);
    expect(st.range(b('k'), undefined).kvs).toEqual([]);
    put(st, 'k', 'v3'); // 5
    expect(brief(st.range(b('k'), undefined).kvs[0]!)).toEqual({ key: 'k', value: 'v3', create: 5, mod: 5, version: 1 });
    const cases: [number, object | undefined][] = [
      [1, undefined],
      [2, { key: 'k', value: 'v1', create: 2, mod: 2, version: 1 }],
      [3, { key: 'k', value: 'v2', create: 2, mod: 3, version: 2 }],
      [4, undefined],
      [5, { key: 'k', value: 'v3', create: 5, mod: 5, version: 1 }],
    ];
    for (const [rev, want] of cases) {
      const got = st.range(b('k'), undefined, { rev }).kvs[0];
      expect(got ? brief(got) : undefined, `at rev ${rev}`).toEqual(want);
    }
  });

  it('deleting nothing does not take a revision', () => {
    const st = new MvccStore();
    expect(del(st, 'missing')).toBe(1);
    expect(st.revision).toBe(1);
  });

  it('ranges: single key, [key, end), prefix, from-key ("\\0"), limit with count', () => {
    const st = new MvccStore();
    for (const k of ['a', 'ab', 'abc', 'b', 'c']) put(st, k, k.toUpperCase());
    const keys = (key: string, end?: Uint8Array, limit?: number) => {
      const r = st.range(b(key), end, limit === undefined ? {} : { limit });
      return { keys: r.kvs.map((kv) => s(kv.key)), count: r.count };
    };
    expect(keys('ab')).toEqual({ keys: ['ab'], count: 1 });
    expect(keys('a', b('b'))).toEqual({ keys: ['a', 'ab', 'abc'], count: 3 });
    expect(keys('ab', prefixEnd(b('ab')))).toEqual({ keys: ['ab', 'abc'], count: 2 });
    expect(keys('b', new Uint8Array([0]))).toEqual({ keys: ['b', 'c'], count: 2 });
    expect(keys('\0', new Uint8Array([0]))).toEqual({ keys: ['a', 'ab', 'abc', 'b', 'c'], count: 5 });
    expect(keys('a', new Uint8Array([0]), 2)).toEqual({ keys: ['a', 'ab'], count: 5 });
    expect(keys('c', b('a'))).toEqual({ keys: [], count: 0 });
    expect(st.range(b('a'), b('z'), { countOnly: true })).toEqual({ kvs: [], count: 5, rev: 6 });
  });

  it('a transaction reads its own writes and takes one revision for all of them', () => {
    const st = new MvccStore();
    put(st, 'x', '0'); // 2
    const tx = st.write();
    expect(tx.range(b('x'), undefined).kvs.map((kv) => s(kv.value))).toEqual(['0']);
    tx.put(b('x'), b('1'), 0n);
    tx.put(b('y'), b('1'), 0n);
    expect(tx.range(b('x'), b('z')).kvs.map(brief)).toEqual([
      { key: 'x', value: '1', create: 2, mod: 3, version: 2 },
      { key: 'y', value: '1', create: 3, mod: 3, version: 1 },
    ]);
    const prevs = tx.deleteRange(b('y'), undefined);
    expect(prevs.map(brief)).toEqual([{ key: 'y', value: '1', create: 3, mod: 3, version: 1 }]);
    const { rev, events } = tx.end();
    expect(rev).toBe(3);
    expect(events.map((e) => [e.type, s(e.kv.key)])).toEqual([
      ['put', 'x'],
      ['put', 'y'],
      ['delete', 'y'],
    ]);
    expect(st.changesBetween(2, 3).map((c) => [c.rev, c.events.length])).toEqual([
      [2, 1],
      [3, 3],
    ]);
  });

  it('compaction: reads at the compact revision still work, older ones are refused, future ones too', () => {
    const st = new MvccStore();
    put(st, 'a', '1'); // 2
    put(st, 'a', '2'); // 3
    del(st, 'a'); // 4
    put(st, 'b', '1'); // 5
    st.compact(3);
    expect(() => st.range(b('a'), undefined, { rev: 2 })).toThrow(CompactedRevisionError);
    expect(st.range(b('a'), undefined, { rev: 3 }).kvs.map((kv) => s(kv.value))).toEqual(['2']);
    expect(() => st.range(b('a'), undefined, { rev: 6 })).toThrow(FutureRevisionError);
    expect(() => st.compact(3)).toThrow('mvcc: required revision has been compacted');
    expect(() => st.compact(9)).toThrow('mvcc: required revision is a future revision');
    st.compact(4);
    // The tombstone at 4 and the versions it ended are gone; 'b' remains.
    expect(st.dump().changes.map((c) => [s(c.kv.key), c.kv.modRevision])).toEqual([
      ['a', 4], // the deletion made at the compact revision stays until the next compaction
      ['b', 5],
    ]);
    st.compact(5);
    expect(st.dump().changes.map((c) => [s(c.kv.key), c.kv.modRevision])).toEqual([['b', 5]]);
  });

  it("db size is etcd's: compaction frees space in use but keeps the size, reused by later writes; defragment shrinks it", () => {
    const st = new MvccStore();
    for (let i = 0; i < 10; i++) put(st, 'k', 'x'.repeat(100));
    const full = st.dbSize;
    expect(st.size).toBe(full);
    st.compact(st.revision);
    expect(st.size).toBeLessThan(full / 5); // one version of k left
    expect(st.dbSize).toBe(full); // the space is free but still counted
    put(st, 'k', 'y'.repeat(100)); // reuses freed space
    expect(st.dbSize).toBe(full);
    st.defragment();
    expect(st.dbSize).toBe(st.size);
    for (let i = 0; i < 20; i++) put(st, 'k', 'z'.repeat(100));
    expect(st.dbSize).toBe(st.size); // growing past the old mark moves it
    expect(st.dbSize).toBeGreaterThan(full);
  });

  it('leases are kept on each version as full 64-bit ids', () => {
    const st = new MvccStore();
    put(st, 'l', 'v', 0x7fffffffffffffffn);
    expect(st.range(b('l'), undefined).kvs[0]!.lease).toBe(0x7fffffffffffffffn);
  });
});

// ---- a model: the whole keyspace at every revision, kept naively ----

type ModelKV = { value: string; create: number; mod: number; version: number };
type Snapshot = Map<string, ModelKV>;

class Model {
  states: Snapshot[] = [new Map(), new Map()]; // index = revision; revision 1 is the empty start
  compactRev = -1;
  get rev() {
    return this.states.length - 1;
  }
  apply(ops: ({ put: string; value: string } | { del: string; end?: string })[]) {
    const next = new Map(this.states[this.rev]);
    const rev = this.rev + 1;
    let changed = false;
    for (const op of ops) {
      if ('put' in op) {
        const prev = next.get(op.put);
        next.set(op.put, { value: op.value, create: prev ? prev.create : rev, mod: rev, version: (prev?.version ?? 0) + 1 });
        changed = true;
      } else {
        for (const k of [...next.keys()]) {
          if (op.end === undefined ? k === op.del : k >= op.del && k < op.end) {
            next.delete(k);
            changed = true;
          }
        }
      }
    }
    if (changed) this.states.push(next);
  }
  /** The keys whose state differs between revision rev - 1 and rev. */
  changedAt(rev: number): string[] {
    if (rev <= 1) return [];
    const before = this.states[rev - 1]!;
    const after = this.states[rev]!;
    return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
  }
  range(rev: number, key: string, end?: string): ModelKV[] {
    const st = this.states[rev]!;
    return [...st.entries()]
      .filter(([k]) => (end === undefined ? k === key : k >= key && k < end))
      .sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
      .map(([, v]) => v);
  }
}

describe('MvccStore against a model (random operations, every read at every revision)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}`, () => {
      const rnd = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const keys = ['a', 'b', 'ba', 'bb', 'c', 'd', 'da', 'e'];
      const st = new MvccStore();
      const model = new Model();
      for (let step = 0; step < 300; step++) {
        const dice = rnd();
        if (dice < 0.08 && model.rev > 2) {
          const at = Math.max(model.compactRev + 1, Math.floor(model.rev - rnd() * 10));
          if (at > model.compactRev && at <= model.rev) {
            st.compact(at);
            model.compactRev = at;
            // Compaction is physical: at or below the compact revision only what a read at it sees is stored.
            const visible = new Set(st.range(b('\0'), new Uint8Array([0]), { rev: at }).kvs.map((kv) => `${s(kv.key)}@${kv.modRevision}`));
            const stored = st.dump().changes.filter((c) => c.kv.modRevision <= at);
            const needed = (c: (typeof stored)[number]) =>
              c.tombstone ? c.kv.modRevision === at : visible.has(`${s(c.kv.key)}@${c.kv.modRevision}`);
            expect(stored.every(needed), `seed ${seed} compact ${at}`).toBe(true);
            // Every change made at the compact revision is still there for a watch starting at it.
            const changedKeys = new Set(st.changesBetween(at, at).flatMap((x) => x.events.map((e) => s(e.kv.key))));
            for (const k of model.changedAt(at)) expect(changedKeys.has(k), `seed ${seed} change of ${k} at ${at}`).toBe(true);
          }
          continue;
        }
        const ops: ({ put: string; value: string } | { del: string; end?: string })[] = [];
        const n = 1 + Math.floor(rnd() * 3);
        const used = new Set<string>();
        for (let i = 0; i < n; i++) {
          const k = pick(keys);
          if (used.has(k)) continue;
          used.add(k);
          if (rnd() < 0.7) ops.push({ put: k, value: `v${step}.${i}` });
          else if (rnd() < 0.5) ops.push({ del: k });
          else ops.push({ del: k, end: pick(keys) + '\xff' });
        }
        const tx = st.write();
        for (const op of ops) {
          if ('put' in op) tx.put(b(op.put), b(op.value), 0n);
          else tx.deleteRange(b(op.del), op.end === undefined ? undefined : b(op.end));
        }
        tx.end();
        model.apply(ops);
        expect(st.revision).toBe(model.rev);
        // Every read at every readable revision agrees with the model.
        if (step % 10 === 0 || step === 299) {
          const from = Math.max(1, model.compactRev);
          for (let rev = from; rev <= model.rev; rev++) {
            for (const [k, e] of [['a', 'z'], ['b', 'c'], [pick(keys), undefined]] as [string, string | undefined][]) {
              const got = st.range(b(k), e === undefined ? undefined : b(e), { rev }).kvs.map((kv) => ({
                value: s(kv.value),
                create: kv.createRevision,
                mod: kv.modRevision,
                version: kv.version,
              }));
              expect(got, `seed ${seed} step ${step} rev ${rev} range ${k}..${e}`).toEqual(model.range(rev, k, e));
            }
          }
        }
      }
      // A dump restored into a fresh store reads and hashes the same.
      const copy = new MvccStore();
      copy.load(st.dump());
      expect(copy.hash()).toEqual(st.hash());
      expect(copy.revision).toBe(st.revision);
      for (let rev = Math.max(1, model.compactRev); rev <= model.rev; rev++) {
        expect(copy.range(b('\0'), new Uint8Array([0]), { rev }).kvs).toEqual(st.range(b('\0'), new Uint8Array([0]), { rev }).kvs);
      }
      // And writes after the restore continue identically.
      put(copy, 'a', 'after');
      put(st, 'a', 'after');
      expect(copy.hash()).toEqual(st.hash());
    });
  }
});
