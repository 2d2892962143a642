// The informer's local copy of the cluster: objects by "namespace/name" key, plus the indexes every
// component looks things up by (client-go's thread-safe store with Indexers; here one thread).
// Objects are stored as received and handed out shared: readers must copy before changing them.

import { objectKey, type IndexName, type KubeObject, type Lister } from './types.js';

const INDEXES: readonly IndexName[] = ['namespace', 'nodeName', 'ownerUid', 'label'];

/** The values an index maps an object to (see IndexName in types.ts). */
export function indexValues(index: IndexName, o: KubeObject): string[] {
  switch (index) {
    case 'namespace':
      return o.metadata.namespace ? [o.metadata.namespace] : [];
    case 'nodeName': {
      const node = (o as { spec?: { nodeName?: string } }).spec?.nodeName;
      return node ? [node] : [];
    }
    case 'ownerUid':
      return (o.metadata.ownerReferences ?? []).map((r) => r.uid);
    case 'label':
      return Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  }
}

export class IndexedCache<T extends KubeObject> implements Lister<T> {
  private readonly objects = new Map<string, T>();
  /** index → value → keys of the objects with that value. */
  private readonly indexes = new Map<IndexName, Map<string, Set<string>>>(INDEXES.map((i) => [i, new Map()]));

  get size(): number {
    return this.objects.size;
  }

  getByKey(key: string): T | undefined {
    return this.objects.get(key);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.objects.values()];
    return this.byIndex('namespace', namespace);
  }

  byIndex(index: IndexName, value: string): T[] {
    const keys = this.indexes.get(index)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) out.push(this.objects.get(k)!);
    return out;
  }

  keys(): IterableIterator<string> {
    return this.objects.keys();
  }

  /** Adds or replaces; returns the previous object under the key. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    if (old) this.unindex(key, old);
    this.objects.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes; returns the object that was there. */
  delete(key: string): T | undefined {
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.objects.delete(key);
    return old;
  }

  private index(key: string, obj: T): void {
    for (const name of INDEXES) {
      const idx = this.indexes.get(name)!;
      for (const v of indexValues(name, obj)) {
        let keys = idx.get(v);
        if (!keys) idx.set(v, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const name of INDEXES) {
      const idx = this.indexes.get(name)!;
      for (const v of indexValues(name, obj)) {
        const keys = idx.get(v);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) idx.delete(v);
      }
    }
  }
}
