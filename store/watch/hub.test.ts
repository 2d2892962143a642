import { describe, expect, it } from 'vitest';
import { seededRandom } from '../raft/raft.js';
import { prefixEnd } from '../mvcc/keys.js';
import type { Event } from '../mvcc/kv.js';
import { MvccStore } from '../mvcc/store.js';
import { WatchHub, type WatchEvent, type WatchOptions, type WatchSink, type Watcher } from './hub.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const s = (u: Uint8Array): string => new TextDecoder().decode(u);

/** A sink that records what it takes and can be told to refuse (a full consumer). */
class RecordingSink implements WatchSink {
  batches: { events: WatchEvent[]; revision: number }[] = [];
  open = true;
  compactedAt: number | undefined;
  offer(_w: Watcher, events: WatchEvent[], revision: number): boolean {
    if (!this.open) return false;
    this.batches.push({ events, revision });
    return true;
  }
  compacted(_w: Watcher, compactRevision: number): void {
    this.compactedAt = compactRevision;
  }
  get events(): WatchEvent[] {
    return this.batches.flatMap((x) => x.events);
  }
  brief(): string[] {
    return this.events.map((e) => `${e.type} ${s(e.kv.key)}@${e.kv.modRevision}${e.prevKv ? ` prev=${s(e.prevKv.value)}` : ''}`);
  }
}

/** A keyspace whose writes are announced to the hub, as the server's apply loop will do. */
function setup() {
  const store = new MvccStore();
  const hub = new WatchHub(store, { maxRevisionsPerBatch: 3 });
  const commit = (f: (tx: ReturnType<MvccStore['write']>) => void) => {
    const tx = store.write();
    f(tx);
    const { rev, events } = tx.end();
    hub.notify(rev, events);
    return rev;
  };
  const put = (k: string, v: string) => commit((tx) => tx.put(b(k), b(v), 0n));
  const del = (k: string, end?: string) => commit((tx) => tx.deleteRange(b(k), end === undefined ? undefined : b(end)));
  const watch = (opts: Omit<WatchOptions, 'key'> & { key: string }) => {
    const sink = new RecordingSink();
    const { key, ...rest } = opts;
    const w = hub.watch({ ...rest, key: b(key) }, sink);
    return { sink, w };
  };
  return { store, hub, put, del, commit, watch };
}

describe('WatchHub', () => {
  it('pushes new changes of the watched key, range and prefix', () => {
    const { put, del, watch } = setup();
    const one = watch({ key: 'a' });
    const prefix = watch({ key: 'a', rangeEnd: prefixEnd(b('a')) });
    const from = watch({ key: 'b', rangeEnd: new Uint8Array([0]) });
    put('a', '1');
    put('ab', '1');
    put('c', '1');
    del('a');
    expect(one.sink.brief()).toEqual(['put a@2', 'delete a@5']);
    expect(prefix.sink.brief()).toEqual(['put a@2', 'put ab@3', 'delete a@5']);
    expect(from.sink.brief()).toEqual(['put c@4']);
  });

  it('replays history from a start revision, then continues live, with prev_kv and filters', () => {
    const { put, del, watch, hub } = setup();
    put('k', 'v1'); // 2
    put('k', 'v2'); // 3
    del('k'); // 4
    const all = watch({ key: 'k', startRevision: 2, prevKv: true });
    const noPut = watch({ key: 'k', startRevision: 2, noPut: true });
    const noDelete = watch({ key: 'k', startRevision: 2, noDelete: true });
    expect(hub.syncWatchers()).toBe(0);
    put('k', 'v3'); // 5
    expect(all.sink.brief()).toEqual(['put k@2', 'put k@3 prev=v1', 'delete k@4 prev=v2', 'put k@5']);
    expect(noPut.sink.brief()).toEqual(['delete k@4']);
    expect(noDelete.sink.brief()).toEqual(['put k@2', 'put k@3', 'put k@5']);
  });

  it('delivers the events of one revision together, in order', () => {
    const { commit, watch } = setup();
    const w = watch({ key: 'a', rangeEnd: b('z') });
    commit((tx) => {
      tx.put(b('b'), b('1'), 0n);
      tx.put(b('a'), b('1'), 0n);
      tx.deleteRange(b('b'), undefined);
    });
    expect(w.sink.batches.length).toBe(1);
    expect(w.sink.brief()).toEqual(['put b@2', 'put a@2', 'delete b@2']);
    expect(w.sink.batches[0]!.revision).toBe(2);
  });

  it('a slow consumer falls behind and is caught up from history: nothing lost, nothing repeated', () => {
    const { put, watch, hub } = setup();
    const w = watch({ key: 'k' });
    put('k', '1'); // 2
    w.sink.open = false;
    put('k', '2'); // 3: refused, watcher falls behind
    expect(w.w.synced).toBe(false);
    for (let i = 3; i <= 9; i++) put('k', String(i)); // 4..10
    expect(hub.syncWatchers()).toBe(1); // still closed: stays behind
    w.sink.open = true;
    expect(hub.syncWatchers()).toBe(0);
    put('k', '10'); // 11, live again
    expect(w.sink.events.map((e) => e.kv.modRevision)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // Catch-up came in batches of at most 3 revisions, each response header at the store's revision.
    expect(w.sink.batches.slice(1, -1).map((x) => x.events.length)).toEqual([3, 3, 2]);
    expect(w.sink.batches.slice(1, -1).every((x) => x.revision === 10)).toBe(true);
  });

  it('a watcher behind a compaction is cancelled with the compact revision, never skipped silently', () => {
    const { put, watch, hub, store } = setup();
    const w = watch({ key: 'k' });
    w.sink.open = false;
    put('k', '1'); // 2, refused
    put('k', '2'); // 3
    put('k', '3'); // 4
    store.compact(4);
    w.sink.open = true;
    hub.syncWatchers();
    expect(w.sink.compactedAt).toBe(4);
    expect(w.sink.events).toEqual([]);
    expect(hub.counts).toEqual({ synced: 0, unsynced: 0 });
  });

  it('a watch starting exactly at the compact revision still sees the changes made there', () => {
    const { put, del, watch, hub, store } = setup();
    put('k', '1'); // 2
    del('k'); // 3
    store.compact(3);
    const w = watch({ key: 'k', startRevision: 3 });
    hub.syncWatchers();
    expect(w.sink.brief()).toEqual(['delete k@3']);
    const old = watch({ key: 'k', startRevision: 2 });
    hub.syncWatchers();
    expect(old.sink.compactedAt).toBe(3);
  });

  it('after a snapshot replaces the keyspace, synced watchers get the revisions it jumped over', () => {
    // A follower at revision 3 with a watcher; the leader's keyspace has moved on to revision 6.
    const { store, hub, put, watch } = setup();
    put('k1', 'a');
    put('k2', 'b');
    const { sink } = watch({ key: 'k', rangeEnd: prefixEnd(b('k')) });
    const leader = setup();
    for (const [k, v] of [['k1', 'a'], ['k2', 'b'], ['k1', 'c'], ['x', 'd'], ['k3', 'e']] as const) leader.put(k, v);
    store.load(leader.store.dump());
    hub.restored();
    put('k2', 'f'); // the next write after the snapshot, at revision 7
    expect(sink.brief()).toEqual([]); // not pushed over the gap
    hub.syncWatchers();
    expect(sink.brief()).toEqual(['put k1@4', 'put k3@6', 'put k2@7']);
    put('k1', 'g');
    expect(sink.brief().at(-1)).toBe('put k1@8'); // synced again
  });

  it('a cancelled watcher gets nothing more', () => {
    const { put, watch, hub } = setup();
    const w = watch({ key: 'k' });
    put('k', '1');
    hub.cancel(w.w);
    put('k', '2');
    expect(w.sink.events.length).toBe(1);
  });
});

describe('WatchHub under random load, slow consumers and compactions', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: every watcher sees exactly its range's history, in order, or is cancelled by compaction`, () => {
      const rnd = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const keys = ['a', 'b', 'ba', 'c', 'd'];
      const { store, hub, commit } = setup();
      const history: { rev: number; events: Event[] }[] = [];
      const watchers: { sink: RecordingSink; start: number; lo: string; hi: string | undefined; w: Watcher }[] = [];
      for (let step = 0; step < 400; step++) {
        const dice = rnd();
        if (dice < 0.1) {
          const lo = pick(keys);
          const hi = rnd() < 0.5 ? undefined : lo + '\xff';
          const start = rnd() < 0.5 ? 0 : Math.max(1, store.revision - Math.floor(rnd() * 20));
          const sink = new RecordingSink();
          const w = hub.watch({ key: b(lo), ...(hi ? { rangeEnd: b(hi) } : {}), startRevision: start }, sink);
          watchers.push({ sink, start: start || store.revision + 1, lo, hi, w });
        } else if (dice < 0.25) {
          const x = pick(watchers.length > 0 ? watchers : [undefined]);
          if (x) x.sink.open = !x.sink.open;
        } else if (dice < 0.28 && store.revision > 5) {
          const at = store.revision - Math.floor(rnd() * 5);
          if (at > store.compactRevision) store.compact(at);
        } else if (dice < 0.4) {
          hub.syncWatchers();
        } else {
          const rev = commit((tx) => {
            const k = pick(keys);
            if (rnd() < 0.75) tx.put(b(k), b(`v${step}`), 0n);
            else tx.deleteRange(b(k), undefined);
          });
          const last = history[history.length - 1];
          if (!last || last.rev !== rev) history.push({ rev, events: store.changesBetween(rev, rev)[0]?.events ?? [] });
        }
      }
      for (const x of watchers) x.sink.open = true;
      hub.syncWatchers();
      for (const x of watchers) {
        const inRange = (k: string) => (x.hi === undefined ? k === x.lo : k >= x.lo && k < x.hi);
        const want = history
          .filter((h) => h.rev >= x.start)
          .flatMap((h) => h.events.filter((e) => inRange(s(e.kv.key))).map((e) => `${e.type} ${s(e.kv.key)}@${e.kv.modRevision}`));
        const got = x.sink.events.map((e) => `${e.type} ${s(e.kv.key)}@${e.kv.modRevision}`);
        if (x.sink.compactedAt !== undefined) {
          // Cancelled: what it got is a gap-free prefix, and the compaction really passed it.
          expect(want.slice(0, got.length)).toEqual(got);
          expect(x.w.nextRev).toBeLessThan(x.sink.compactedAt);
        } else {
          expect(got, `seed ${seed} watcher ${x.lo}..${x.hi} from ${x.start}`).toEqual(want);
        }
      }
    });
  }
});
