// The watch hub: turns the keyspace's changes into per-watcher event streams that never lose,
// repeat or reorder an event.
//
// Every watcher is in one of two sets, as in etcd's watchable store:
//   synced:   it has seen everything up to the current revision; new writes are pushed to it as
//             they are applied (notify).
//   unsynced: it is behind: it started at an old revision, or its consumer could not take the
//             last push. syncWatchers() feeds it from the keyspace's history, in bounded batches,
//             until it is current again, then moves it back to synced.
// A consumer that is slow therefore costs nothing but memory in the keyspace's history; the only
// thing that can end a watcher against its will is a compaction past its position, and then it is
// cancelled with the compact revision so the client knows exactly why.

import { inRange, keyRange, toKeyString, type KeyRange } from '../mvcc/keys.js';
import { CompactedRevisionError, type Event, type KeyValue } from '../mvcc/kv.js';
import type { MvccStore } from '../mvcc/store.js';

export interface WatchOptions {
  key: Uint8Array;
  /** etcd's conventions: empty = the key only, "\0" = every key >= key, otherwise [key, rangeEnd). */
  rangeEnd?: Uint8Array;
  /** First revision to report; 0 = only changes after the current revision. */
  startRevision?: number;
  prevKv?: boolean;
  noPut?: boolean;
  noDelete?: boolean;
}

export interface WatchEvent extends Event {
  /** The key's previous version, when asked for and still in history. */
  prevKv?: KeyValue;
}

/** Where a watcher's events go: the gRPC stream, the JSON gateway, or a test. */
export interface WatchSink {
  /**
   * Deliver events (all of whole revisions, in order). Return false when the consumer cannot take
   * them now: nothing is considered delivered and the hub will offer them again later.
   * `revision` is the store's revision for the response header (>= every event's revision).
   */
  offer(watcher: Watcher, events: WatchEvent[], revision: number): boolean;
  /** The hub cancelled the watcher because history it needs was compacted. */
  compacted(watcher: Watcher, compactRevision: number): void;
}

export class Watcher {
  /** The next revision this watcher has not yet been given. */
  nextRev: number;
  synced = false;
  cancelled = false;

  constructor(
    readonly range: KeyRange,
    readonly options: WatchOptions,
    readonly sink: WatchSink,
    startRev: number,
  ) {
    this.nextRev = startRev;
  }
}

export interface WatchHubOptions {
  /** How many revisions of history one catch-up batch may span. */
  maxRevisionsPerBatch?: number;
}

export class WatchHub {
  private readonly synced = new Set<Watcher>();
  private readonly unsynced = new Set<Watcher>();
  /** Synced single-key watchers by key: most watchers watch one key, find them without a scan. */
  private readonly syncedByKey = new Map<string, Set<Watcher>>();
  private readonly maxRevs: number;

  constructor(
    private readonly store: MvccStore,
    opts: WatchHubOptions = {},
  ) {
    this.maxRevs = opts.maxRevisionsPerBatch ?? 1000;
  }

  watch(opts: WatchOptions, sink: WatchSink): Watcher {
    const current = this.store.revision;
    const start = opts.startRevision && opts.startRevision > 0 ? opts.startRevision : current + 1;
    const w = new Watcher(keyRange(opts.key, opts.rangeEnd), opts, sink, start);
    if (start > current) this.addSynced(w);
    else this.unsynced.add(w);
    return w;
  }

  cancel(w: Watcher): void {
    w.cancelled = true;
    this.removeSynced(w);
    this.unsynced.delete(w);
  }

  /** Is every given watcher current (what a progress request needs to answer)? */
  allSynced(watchers: Iterable<Watcher>): boolean {
    for (const w of watchers) if (!w.cancelled && !w.synced) return false;
    return true;
  }

  get counts(): { synced: number; unsynced: number } {
    return { synced: this.synced.size, unsynced: this.unsynced.size };
  }

  /** A write transaction was applied at `rev` with these events: push them to synced watchers. */
  notify(rev: number, events: readonly Event[]): void {
    if (events.length === 0) return;
    const perWatcher = new Map<Watcher, Event[]>();
    const add = (w: Watcher, e: Event) => {
      const list = perWatcher.get(w);
      if (list) list.push(e);
      else perWatcher.set(w, [e]);
    };
    const keys = events.map((e) => toKeyString(e.kv.key));
    events.forEach((e, i) => {
      for (const w of this.syncedByKey.get(keys[i]!) ?? []) add(w, e);
    });
    for (const w of this.synced) {
      if (w.range.kind === 'single') continue;
      events.forEach((e, i) => {
        if (inRange(w.range, keys[i]!)) add(w, e);
      });
    }
    for (const w of this.synced) {
      if (w.nextRev > rev) continue; // registered after this revision was reserved
      const evs = perWatcher.get(w);
      const out = evs ? this.decorate(w, evs) : [];
      if (out.length > 0 && !w.sink.offer(w, out, rev)) {
        // The consumer is full: fall behind, and catch up from history once it drains.
        this.removeSynced(w);
        this.unsynced.add(w);
        continue;
      }
      w.nextRev = rev + 1;
    }
  }

  /**
   * The keyspace was replaced by a snapshot from the leader (etcd's watchableStore.Restore): its
   * revision jumped, and the revisions it jumped over were never notified. Every synced watcher
   * falls back to unsynced, so syncWatchers feeds it those revisions from the restored history
   * (or cancels it, if they were compacted), instead of the next notify skipping them.
   */
  restored(): void {
    for (const w of [...this.synced]) {
      this.removeSynced(w);
      this.unsynced.add(w);
    }
  }

  /**
   * Feed every unsynced watcher from history, as far as its consumer takes. Call it on a timer
   * and whenever a consumer drains. Returns how many watchers are still behind.
   */
  syncWatchers(): number {
    const current = this.store.revision;
    const compactRev = this.store.compactRevision;
    for (const w of [...this.unsynced]) {
      if (w.nextRev < compactRev) {
        // The history this watcher needs is gone.
        this.unsynced.delete(w);
        w.cancelled = true;
        w.sink.compacted(w, compactRev);
        continue;
      }
      while (w.nextRev <= current) {
        const to = Math.min(current, w.nextRev + this.maxRevs - 1);
        const events: Event[] = [];
        for (const { events: evs } of this.store.changesBetween(w.nextRev, to)) {
          for (const e of evs) if (inRange(w.range, toKeyString(e.kv.key))) events.push(e);
        }
        const out = this.decorate(w, events);
        if (out.length > 0 && !w.sink.offer(w, out, current)) break;
        w.nextRev = to + 1;
      }
      if (w.nextRev > current && !w.cancelled) {
        this.unsynced.delete(w);
        this.addSynced(w);
      }
    }
    return this.unsynced.size;
  }

  /** Apply the watcher's filters and attach previous versions when asked. */
  private decorate(w: Watcher, events: readonly Event[]): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (const e of events) {
      if (e.type === 'put' && w.options.noPut) continue;
      if (e.type === 'delete' && w.options.noDelete) continue;
      const we: WatchEvent = { type: e.type, kv: e.kv };
      if (w.options.prevKv) {
        const prev = this.previousVersion(e.kv.key, e.kv.modRevision - 1);
        if (prev) we.prevKv = prev;
      }
      out.push(we);
    }
    return out;
  }

  private previousVersion(key: Uint8Array, rev: number): KeyValue | undefined {
    try {
      return this.store.range(key, undefined, { rev })?.kvs[0];
    } catch (e) {
      if (e instanceof CompactedRevisionError) return undefined;
      throw e;
    }
  }

  private addSynced(w: Watcher): void {
    w.synced = true;
    this.synced.add(w);
    if (w.range.kind === 'single') {
      let set = this.syncedByKey.get(w.range.key);
      if (!set) {
        set = new Set();
        this.syncedByKey.set(w.range.key, set);
      }
      set.add(w);
    }
  }

  private removeSynced(w: Watcher): void {
    w.synced = false;
    this.synced.delete(w);
    if (w.range.kind === 'single') {
      const set = this.syncedByKey.get(w.range.key);
      set?.delete(w);
      if (set && set.size === 0) this.syncedByKey.delete(w.range.key);
    }
  }
}
