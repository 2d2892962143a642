// An in-memory cluster for unit tests of reconcile functions: resource clients that write into it
// (with resourceVersions, 409 on stale updates, generateName), informers whose listers read it and
// whose handlers fire on every write, an event recorder and a manual clock. No I/O, no timers.
//
//   const cluster = new FakeCluster();
//   cluster.seed(RESOURCES.pods, [pod1, pod2]);
//   const cs = cluster.clientSet();
//   await reconcile(cs, 'default/web');
//   expect(cluster.actions).toEqual([...]);

import { indexValues } from '../cache.js';
import {
  ApiStatusError,
  objectKey,
  type ClientSet,
  type DeleteOptions,
  type EventHandler,
  type EventRecorder,
  type IndexName,
  type Informer,
  type KubeObject,
  type Lister,
  type PatchType,
  type ResourceClient,
  type ResourceRef,
} from '../types.js';

export interface Action {
  verb: 'create' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'subresource';
  resource: string;
  key: string;
  subresource?: string;
  object?: KubeObject;
}

export interface RecordedEvent {
  object: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

class FakeStore<T extends KubeObject> {
  readonly objects = new Map<string, T>();
  readonly handlers: EventHandler<T>[] = [];

  emit(kind: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      if (kind === 'add') h.onAdd?.(obj);
      else if (kind === 'update') h.onUpdate?.(old!, obj);
      else h.onDelete?.(obj);
    }
  }
}

export class FakeCluster {
  readonly actions: Action[] = [];
  readonly events: RecordedEvent[] = [];
  private readonly stores = new Map<string, FakeStore<KubeObject>>();
  private revision = 1;
  private nameCounter = 0;
  /** Milliseconds since the epoch; tests move it by hand. */
  nowMs = Date.parse('2026-01-01T00:00:00Z');

  store<T extends KubeObject>(r: ResourceRef): FakeStore<T> {
    const id = `${r.group}/${r.plural}`;
    let s = this.stores.get(id);
    if (!s) {
      s = new FakeStore<KubeObject>();
      this.stores.set(id, s);
    }
    return s as unknown as FakeStore<T>;
  }

  /** Puts objects in place without recording actions (the state before the test). */
  seed<T extends KubeObject>(r: ResourceRef, objects: T[]): void {
    for (const o of objects) {
      const obj = copy(o);
      obj.metadata.resourceVersion = String(++this.revision);
      obj.metadata.uid ??= `uid-${obj.metadata.name}`;
      this.store<T>(r).objects.set(objectKey(obj), obj);
    }
  }

  get<T extends KubeObject>(r: ResourceRef, key: string): T | undefined {
    return this.store<T>(r).objects.get(key);
  }

  list<T extends KubeObject>(r: ResourceRef): T[] {
    return [...this.store<T>(r).objects.values()];
  }

  clientSet(): ClientSet {
    return {
      client: <T extends KubeObject>(r: ResourceRef) => this.client<T>(r),
      informer: <T extends KubeObject>(r: ResourceRef) => this.informer<T>(r),
      start: () => undefined,
      waitForSync: async () => undefined,
      recorder: (component: string): EventRecorder => ({
        event: (object, type, reason, message) => {
          void component;
          this.events.push({ object: `${object.kind ?? ''}/${objectKey(object)}`, type, reason, message });
        },
      }),
      stop: () => undefined,
    };
  }

  informer<T extends KubeObject>(r: ResourceRef): Informer<T> {
    const store = this.store<T>(r);
    const lister: Lister<T> = {
      get: (ns, name) => store.objects.get(ns ? `${ns}/${name}` : name),
      list: (ns) => [...store.objects.values()].filter((o) => ns === undefined || o.metadata.namespace === ns),
      byIndex: (index: IndexName, value: string) => [...store.objects.values()].filter((o) => indexValues(index, o).includes(value)),
    };
    return { lister, addHandler: (h) => store.handlers.push(h), hasSynced: () => true };
  }

  client<T extends KubeObject>(r: ResourceRef): ResourceClient<T> {
    const store = this.store<T>(r);
    const record = (a: Omit<Action, 'resource'>) => this.actions.push({ ...a, resource: r.plural });
    const notFound = (name: string) => new ApiStatusError(404, 'NotFound', `${r.plural} "${name}" not found`);
    const write = (verb: 'update' | 'updateStatus', obj: T): T => {
      const key = objectKey(obj);
      const cur = store.objects.get(key);
      if (!cur) throw notFound(obj.metadata.name ?? '');
      if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
        throw new ApiStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${r.plural} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      const next = copy(obj) as T & Record<string, unknown>;
      if (verb === 'updateStatus') {
        const status = next['status'];
        Object.assign(next, copy(cur), { status });
      }
      next.metadata.resourceVersion = String(++this.revision);
      store.objects.set(key, next);
      record({ verb, key, object: copy(next) });
      store.emit('update', next, cur);
      return copy(next);
    };
    return {
      resource: r,
      get: async (ns, name) => {
        const o = store.objects.get(ns ? `${ns}/${name}` : name);
        if (!o) throw notFound(name);
        return copy(o);
      },
      create: async (ns, obj) => {
        const o = copy(obj);
        if (ns) o.metadata.namespace = ns;
        if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${(++this.nameCounter).toString(36).padStart(5, '0')}`;
        const key = objectKey(o);
        if (store.objects.has(key)) throw new ApiStatusError(409, 'AlreadyExists', `${r.plural} "${o.metadata.name}" already exists`);
        o.metadata.uid ??= `uid-${o.metadata.name}`;
        o.metadata.resourceVersion = String(++this.revision);
        o.metadata.creationTimestamp ??= new Date(this.nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z') as unknown as Date;
        store.objects.set(key, o);
        record({ verb: 'create', key, object: copy(o) });
        store.emit('add', o);
        return copy(o);
      },
      update: async (obj) => write('update', obj),
      updateStatus: async (obj) => write('updateStatus', obj),
      patch: async (ns, name, type: PatchType, patch, options) => {
        const key = ns ? `${ns}/${name}` : name;
        const cur = store.objects.get(key);
        if (!cur) throw notFound(name);
        if (type !== 'merge' && type !== 'strategic') throw new Error(`FakeCluster supports merge and strategic patches only, not ${type}`);
        const next = mergePatch(copy(cur), patch) as T;
        next.metadata.resourceVersion = String(++this.revision);
        store.objects.set(key, next);
        record({ verb: 'patch', key, subresource: options?.subresource, object: copy(next) });
        store.emit('update', next, cur);
        return copy(next);
      },
      delete: async (ns, name, _options?: DeleteOptions) => {
        const key = ns ? `${ns}/${name}` : name;
        const cur = store.objects.get(key);
        if (!cur) throw notFound(name);
        store.objects.delete(key);
        record({ verb: 'delete', key });
        store.emit('delete', cur);
      },
      createSubresource: async (ns, name, subresource, body) => {
        const key = ns ? `${ns}/${name}` : name;
        const cur = store.objects.get(key);
        if (!cur) throw notFound(name);
        record({ verb: 'subresource', key, subresource, object: copy(body) as KubeObject });
        if (r.plural === 'pods' && subresource === 'binding') {
          const next = copy(cur) as T & { spec?: { nodeName?: string } };
          const target = (body as { target?: { name?: string } }).target;
          next.spec = { ...(next.spec ?? {}), nodeName: target?.name };
          next.metadata.resourceVersion = String(++this.revision);
          store.objects.set(key, next);
          store.emit('update', next, cur);
        }
        if (r.plural === 'pods' && subresource === 'eviction') {
          store.objects.delete(key);
          store.emit('delete', cur);
        }
        return {};
      },
    };
  }
}

// The same index functions as the real informers' cache, so fakes and reality cannot drift apart.
export { indexValues } from '../cache.js';

/** RFC 7386 merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
