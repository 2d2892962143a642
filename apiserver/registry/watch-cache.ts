// One store watch per resource feeds an in-memory cache that serves every apiserver watch and
// every list at resourceVersion "0": a thousand `kubectl get -w` cost the store one watch.
//
// The cache keeps
//   - the current objects (for lists at resourceVersion "0" and the initial events of a watch),
//   - a window of recent events (so a client resuming from a recent resourceVersion is served
//     from memory),
//   - `revision`: every store change to this resource up to it has been applied here.
// A watch from a resourceVersion older than the window is not refused: it is served by a watch of
// its own on the store (store-watch.ts), which answers 410 Expired only if the store compacted it.
//
// Ordering: events reach the cache in revision order (one etcd watch), and every cache watcher
// gets them in that order; a watcher created "from R" skips events at or below R, so a client that
// listed at R and watches from R sees each later change exactly once.

import type { Logger } from 'pino';
import type { EtcdClient, Event, Watcher } from '../../store/client/index.js';
import { WatchCompactedError, ClientClosedError } from '../../store/client/errors.js';
import type { KubeObject } from '../api/object.js';
import { decodeStored, ObjectStorage, resourcePrefix } from './storage.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change to one object, at one store revision. */
export interface ObjectEvent {
  type: WatchEventType;
  /** The object after the change; for DELETED its last state, with resourceVersion = the deletion's revision. */
  object: KubeObject;
  /** The object before the change (undefined for ADDED). */
  previous?: KubeObject;
  revision: bigint;
  key: string;
}

/** Who consumes a cache watch: the HTTP watch stream. */
export interface CacheWatchSink {
  /** Events in revision order. Returns false when the consumer cannot keep up (the watch is then ended). */
  onEvent(e: ObjectEvent): boolean;
  /** The cache lost its store watch (e.g. compaction while disconnected) and re-listed: the client must re-list. */
  onReset(): void;
}

interface CacheWatcher {
  keyPrefix: string;
  fromRevision: bigint;
  sink: CacheWatchSink;
}

export interface WatchCacheOptions {
  /** Recent events kept for resuming watches. */
  historyLimit: number;
}

export class WatchCache {
  readonly objects = new Map<string, KubeObject>();
  /** Every change up to here is applied. */
  revision = 0n;
  private history: ObjectEvent[] = [];
  /** The oldest revision from which history is complete: watches from >= this are served here. */
  private historyStart = 0n;
  private readonly watchers = new Set<CacheWatcher>();
  private storeWatch: Watcher | undefined;
  private stopped = false;
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private waiters: { revision: bigint; resolve: () => void }[] = [];

  constructor(
    private readonly etcd: EtcdClient,
    private readonly plural: string,
    private readonly log: Logger,
    private readonly options: WatchCacheOptions = { historyLimit: 10_000 },
  ) {
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Resolves once the first list is loaded. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.storeWatch?.cancel();
    this.watchers.clear();
  }

  get prefix(): string {
    return resourcePrefix(this.plural);
  }

  /** The objects under a key prefix (a namespace or all), as of `revision`. */
  list(keyPrefix: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [key, obj] of this.objects) if (key.startsWith(keyPrefix)) out.push(obj);
    return out.sort((a, b) => keyOrder(a, b));
  }

  /**
   * Starts a watch from `fromRevision` (exclusive). Returns undefined when history no longer
   * reaches back that far: the caller then watches the store directly.
   */
  watch(keyPrefix: string, fromRevision: bigint, sink: CacheWatchSink): (() => void) | undefined {
    if (fromRevision + 1n < this.historyStart) return undefined;
    const w: CacheWatcher = { keyPrefix, fromRevision, sink };
    // Replay the part of history the watcher has not seen, then it is live.
    for (const e of this.history) {
      if (e.revision > fromRevision && e.key.startsWith(keyPrefix)) {
        if (!sink.onEvent(e)) return () => undefined;
      }
    }
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  /** Resolves when the cache has applied every change up to `revision` (or after `timeoutMs`, with false). */
  waitFor(revision: bigint, timeoutMs: number): Promise<boolean> {
    if (this.revision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = { revision, resolve: () => resolve(true) };
      this.waiters.push(entry);
      setTimeout(() => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          resolve(false);
        }
      }, timeoutMs).unref();
    });
  }

  private async run(): Promise<void> {
    const storage = new ObjectStorage(this.etcd);
    let backoff = 100;
    while (!this.stopped) {
      try {
        const rev = await this.load(storage);
        backoff = 100;
        await this.follow(rev);
      } catch (err) {
        if (this.stopped || err instanceof ClientClosedError) return;
        if (err instanceof WatchCompactedError) {
          this.log.warn({ resource: this.plural }, 'watch cache fell behind a compaction; re-listing');
        } else {
          this.log.warn({ resource: this.plural, err: String(err) }, 'watch cache lost the store; retrying');
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, 5_000);
        }
      }
    }
  }

  /** Lists the resource and replaces the cache's state; every watcher must re-list. */
  private async load(storage: ObjectStorage): Promise<bigint> {
    const objects = new Map<string, KubeObject>();
    let revision: string | undefined;
    let startKey: string | undefined;
    do {
      const page = await storage.list(this.prefix, { revision, startKey, limit: 500 });
      revision = page.revision;
      for (const o of page.objects) objects.set(keyOf(this.plural, o.object), o.object);
      startKey = page.nextKey;
    } while (startKey);
    const rev = BigInt(revision);
    const hadState = this.historyStart > 0n;
    this.objects.clear();
    for (const [k, v] of objects) this.objects.set(k, v);
    this.history = [];
    this.historyStart = rev + 1n;
    this.setRevision(rev);
    if (hadState) {
      for (const w of this.watchers) w.sink.onReset();
      this.watchers.clear();
    }
    this.resolveReady();
    return rev;
  }

  private async follow(listRevision: bigint): Promise<void> {
    const watcher = this.etcd.watch(this.prefix, { prefix: true, startRevision: String(listRevision + 1n), prevKv: true, progressNotify: true });
    this.storeWatch = watcher;
    try {
      for await (const batch of watcher) {
        for (const ev of batch.events) this.apply(ev);
        const rev = BigInt(batch.revision);
        if (rev > this.revision) this.setRevision(rev);
      }
    } finally {
      watcher.cancel();
    }
  }

  private apply(ev: Event): void {
    const kv = ev.kv;
    if (!kv) return;
    const key = kv.key.toString('utf8');
    const revision = BigInt(kv.mod_revision);
    const previous = this.objects.get(key);
    let event: ObjectEvent;
    if (ev.type === 'DELETE') {
      const last = previous ?? (ev.prev_kv ? decodeStored(ev.prev_kv).object : undefined);
      if (!last) return;
      const object = { ...last, metadata: { ...last.metadata, resourceVersion: kv.mod_revision } };
      this.objects.delete(key);
      event = { type: 'DELETED', object, previous: last, revision, key };
    } else {
      const object = decodeStored(kv).object;
      this.objects.set(key, object);
      event = previous ? { type: 'MODIFIED', object, previous, revision, key } : { type: 'ADDED', object, revision, key };
    }
    this.history.push(event);
    if (this.history.length > this.options.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.options.historyLimit);
      this.historyStart = dropped[dropped.length - 1]!.revision + 1n;
    }
    this.setRevision(revision);
    for (const w of this.watchers) {
      if (revision <= w.fromRevision || !key.startsWith(w.keyPrefix)) continue;
      if (!w.sink.onEvent(event)) this.watchers.delete(w);
    }
  }

  private setRevision(rev: bigint): void {
    this.revision = rev;
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.revision <= rev);
    this.waiters = this.waiters.filter((w) => w.revision > rev);
    for (const w of due) w.resolve();
  }
}

/** The store key of an object of this resource. */
export function keyOf(plural: string, obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${resourcePrefix(plural)}${ns}/${obj.metadata.name}` : `${resourcePrefix(plural)}${obj.metadata.name}`;
}

/** Store order: by namespace, then name (the key order etcd returns). */
function keyOrder(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
