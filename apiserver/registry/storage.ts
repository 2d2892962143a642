// The only code that talks to etcd for objects. Layout (DESIGN.md):
//   /registry/<resource>/<namespace>/<name>    namespaced kinds
//   /registry/<resource>/<name>                cluster-scoped kinds
// (resource = plural, prefixed by the group for non-core groups, as Kubernetes' own default prefix is
// the plural alone: we keep the plural alone too, so keys read like Kubernetes').
// Values are the object's JSON without metadata.resourceVersion: the resourceVersion *is* the key's
// mod_revision, set on every read, so it can never disagree with the store.
// Every write is a Txn guarded on the key's mod_revision: optimistic concurrency without locks.

import { cmp, op, type EtcdClient, type KeyValue, type ResponseOp } from '../../store/client/index.js';
import type { KubeObject } from '../api/object.js';
import { errors, type ResourceName } from '../api/status.js';

export const REGISTRY_PREFIX = '/registry/';

export interface StoredObject {
  object: KubeObject;
  /** mod_revision as a decimal string: the object's resourceVersion. */
  resourceVersion: string;
}

export interface ListPage {
  objects: StoredObject[];
  /** The store revision the page was read at. */
  revision: string;
  /** Key to continue from (exclusive of what was returned), when more remain. */
  nextKey?: string;
  remaining?: number;
}

export function resourcePrefix(plural: string): string {
  return `${REGISTRY_PREFIX}${plural}/`;
}

/** The prefix of a list: a namespace's objects, or every object of the resource. */
export function listPrefix(plural: string, namespace: string | undefined): string {
  return namespace ? `${resourcePrefix(plural)}${namespace}/` : resourcePrefix(plural);
}

export function objectKey(plural: string, namespace: string | undefined, name: string): string {
  return namespace ? `${resourcePrefix(plural)}${namespace}/${name}` : `${resourcePrefix(plural)}${name}`;
}

/** Decodes a stored value and stamps its resourceVersion. */
export function decodeStored(kv: Pick<KeyValue, 'value' | 'mod_revision'>): StoredObject {
  const object = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  object.metadata ??= {};
  object.metadata.resourceVersion = kv.mod_revision;
  return { object, resourceVersion: kv.mod_revision };
}

function encode(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return JSON.stringify({ ...obj, metadata: meta });
}

/** Told the duration of every store request, for /metrics (etcd_request_duration_seconds). */
export type StoreObserver = (operation: 'get' | 'create' | 'update' | 'delete' | 'list', seconds: number) => void;

export class ObjectStorage {
  constructor(
    private readonly etcd: EtcdClient,
    private readonly observe: StoreObserver = () => undefined,
  ) {}

  /** Runs one store request and reports how long it took, failed or not. */
  private async timed<T>(operation: Parameters<StoreObserver>[0], f: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await f();
    } finally {
      this.observe(operation, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }

  get etcdClient(): EtcdClient {
    return this.etcd;
  }

  async get(r: ResourceName, key: string, name: string): Promise<StoredObject> {
    const res = await this.timed('get', () => this.etcd.kv.range(key));
    const kv = res.kvs[0];
    if (!kv) throw errors.notFound(r, name);
    return decodeStored(kv);
  }

  async tryGet(key: string): Promise<StoredObject | undefined> {
    const res = await this.timed('get', () => this.etcd.kv.range(key));
    const kv = res.kvs[0];
    return kv ? decodeStored(kv) : undefined;
  }

  /** Creates the key only if it does not exist. Returns the object as stored. */
  async create(r: ResourceName, key: string, obj: KubeObject): Promise<StoredObject> {
    const value = encode(obj);
    const res = await this.timed('create', () =>
      this.etcd.kv.txn({
        compare: [cmp.createRevision(key, '=', '0')],
        success: [op.put(key, value)],
        failure: [],
      }),
    );
    if (!res.succeeded) throw errors.alreadyExists(r, obj.metadata.name ?? '');
    const rev = res.header?.revision ?? '0';
    return { object: { ...obj, metadata: { ...obj.metadata, resourceVersion: rev } }, resourceVersion: rev };
  }

  /**
   * Writes the object if the key's mod_revision is still `expectedRv`. On a lost race returns
   * the current state instead, so the caller decides: retry (server-side writers) or 409 (users).
   */
  async update(key: string, obj: KubeObject, expectedRv: string): Promise<{ ok: true; stored: StoredObject } | { ok: false; current?: StoredObject }> {
    const value = encode(obj);
    const res = await this.timed('update', () =>
      this.etcd.kv.txn({
        compare: [cmp.modRevision(key, '=', expectedRv)],
        success: [op.put(key, value)],
        failure: [op.range(key)],
      }),
    );
    if (res.succeeded) {
      const rev = res.header?.revision ?? '0';
      return { ok: true, stored: { object: { ...obj, metadata: { ...obj.metadata, resourceVersion: rev } }, resourceVersion: rev } };
    }
    const kv = firstRangeKv(res.responses[0]);
    return { ok: false, current: kv ? decodeStored(kv) : undefined };
  }

  /** Deletes if unchanged since `expectedRv`; returns the deletion's revision, or the current state. */
  async delete(key: string, expectedRv: string): Promise<{ ok: true; revision: string } | { ok: false; current?: StoredObject }> {
    const res = await this.timed('delete', () =>
      this.etcd.kv.txn({
        compare: [cmp.modRevision(key, '=', expectedRv)],
        success: [op.delete(key)],
        failure: [op.range(key)],
      }),
    );
    if (res.succeeded) return { ok: true, revision: res.header?.revision ?? '0' };
    const kv = firstRangeKv(res.responses[0]);
    return { ok: false, current: kv ? decodeStored(kv) : undefined };
  }

  /**
   * One page of a list, read at `revision` (undefined = now, a consistent read). `startKey`
   * continues a previous page. A compacted revision is the caller's 410.
   */
  async list(prefix: string, opts: { revision?: string; startKey?: string; limit?: number }): Promise<ListPage> {
    const from = opts.startKey ?? prefix;
    const res = await this.timed('list', () => this.etcd.kv.range(from, { rangeEnd: prefixEndString(prefix), revision: opts.revision, limit: opts.limit }));
    const page: ListPage = { objects: res.kvs.map(decodeStored), revision: opts.revision ?? res.header?.revision ?? '0' };
    if (res.more && res.kvs.length > 0) {
      // The next page starts right after the last key returned: append the smallest byte.
      page.nextKey = res.kvs[res.kvs.length - 1]!.key.toString('utf8') + '\u0000';
      page.remaining = Number(res.count) - res.kvs.length;
    }
    return page;
  }
}

/** The exclusive end of a string prefix range (every key starting with `prefix`). */
export function prefixEndString(prefix: string): string {
  // Registry prefixes end in '/', so bumping the last character never overflows.
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** The first key of a Txn's range response, if the op was a range. */
function firstRangeKv(r: ResponseOp | undefined): KeyValue | undefined {
  return r?.response === 'response_range' ? r.response_range.kvs[0] : undefined;
}
