// A shared informer: one reflector filling one IndexedCache, and the handlers of every user in the
// process notified of each change (client-go's sharedIndexInformer, single-threaded).
//
// Ordering: a change is applied to the cache and then handed to every handler, in the order they
// were added, before the next change is applied. So a handler that reads the lister sees the cache
// as of (at least) the event it is handling, and no handler is ever called for an object while
// another change to it is half-applied. Handlers must not block: they enqueue a key and return.

import { IndexedCache } from './cache.js';
import { errorText, type Logger } from './log.js';
import { Reflector, type ListerWatcher, type ReflectorSink } from './reflector.js';
import { objectKey, type EventHandler, type Informer, type KubeObject } from './types.js';

export interface SharedInformerOptions {
  name: string;
  log: Logger;
  /** onUpdate(obj, obj) for every cached object this often (0 = never). */
  resyncMs?: number;
  pageSize?: number;
}

export class SharedInformer<T extends KubeObject> implements Informer<T>, ReflectorSink<T> {
  readonly cache = new IndexedCache<T>();
  private readonly handlers: EventHandler<T>[] = [];
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private controller: AbortController | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private resyncMs: number;
  readonly reflector: Reflector<T>;

  constructor(
    lw: ListerWatcher<T>,
    private readonly options: SharedInformerOptions,
  ) {
    this.reflector = new Reflector(lw, this, { name: options.name, log: options.log, pageSize: options.pageSize });
    this.resyncMs = options.resyncMs ?? 0;
  }

  get lister(): IndexedCache<T> {
    return this.cache;
  }

  /** A handler added after the first list receives onAdd for every cached object first, as in client-go. */
  addHandler(handler: EventHandler<T>): void {
    this.handlers.push(handler);
    if (this.synced) for (const obj of this.cache.list()) this.call(handler, 'onAdd', () => handler.onAdd?.(obj));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves after the first list has been delivered (never, if the informer is not started). */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Asks for a resync at least this often (the shortest period any user asked for wins). */
  requestResync(ms: number): void {
    if (ms > 0 && (this.resyncMs === 0 || ms < this.resyncMs)) {
      this.resyncMs = ms;
      if (this.controller) this.startResync();
    }
  }

  get started(): boolean {
    return this.controller !== undefined;
  }

  start(): void {
    if (this.controller) return;
    this.controller = new AbortController();
    void this.reflector.run(this.controller.signal);
    this.startResync();
  }

  stop(): void {
    this.controller?.abort();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  // ReflectorSink: the reflector's view of this informer.

  replace(items: T[], _resourceVersion: string): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.cache.set(obj);
      if (!old) this.notify('add', obj);
      // Unchanged objects (same resourceVersion) are not news; the resync timer covers "tell me again".
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.notify('update', obj, old);
    }
    // Whatever the new list lacks was deleted while we were not watching.
    for (const key of [...this.cache.keys()]) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key)!;
      this.notify('delete', old);
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    if (type === 'DELETED') {
      this.cache.delete(objectKey(obj));
      this.notify('delete', obj);
      return;
    }
    const old = this.cache.set(obj);
    if (old) this.notify('update', obj, old);
    else this.notify('add', obj);
  }

  private startResync(): void {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.resyncMs <= 0) return;
    this.resyncTimer = setInterval(() => {
      if (!this.synced) return;
      for (const obj of this.cache.list()) this.notify('update', obj, obj);
    }, this.resyncMs);
  }

  private notify(kind: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      if (kind === 'add') this.call(h, 'onAdd', () => h.onAdd?.(obj));
      else if (kind === 'update') this.call(h, 'onUpdate', () => h.onUpdate?.(old!, obj));
      else this.call(h, 'onDelete', () => h.onDelete?.(obj));
    }
  }

  /** One handler's exception must not stop the others or the reflector. */
  private call(_h: EventHandler<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log.error(`${this.options.name}: ${what} handler threw: ${errorText(err)}`);
    }
  }
}
