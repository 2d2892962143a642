// The contracts every control-plane component codes against (controllers, scheduler, kubelet-lite):
// how objects look, how a component reads its cache (listers) and how it writes (resource clients).
// Implementations: rest.ts (HTTP to the apiserver), informer.ts (list + watch + cache), and fakes
// for unit tests (testing/fake.ts). Reconcile functions take these interfaces, never a URL.
//
// Objects are plain JSON exactly as the apiserver sends them. The shapes come from
// @kubernetes/client-node (V1Pod, V1Deployment, ...), with one caveat: timestamps arrive as RFC 3339
// strings although client-node types them as Date. Read them with `timeOf()`, write them with
// `rfc3339()`, never call Date methods on them directly.

import type { KubernetesObject } from '@kubernetes/client-node';

/** Any Kubernetes object: apiVersion, kind, metadata, and the kind's own fields. */
export type KubeObject = KubernetesObject & { metadata: NonNullable<KubernetesObject['metadata']> };

/** Which resource a client or informer is for: the URL path pieces of Kubernetes' REST API. */
export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  /** The resource name in URLs: 'pods', 'deployments'. */
  plural: string;
  namespaced: boolean;
  /** The kind, for objects the client builds ('Pod'). */
  kind: string;
}

/** "namespace/name" for namespaced objects, "name" for cluster-scoped ones (client-go's MetaNamespaceKey). */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name ?? ''}` : (obj.metadata?.name ?? '');
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** A timestamp field (string on the wire, Date in client-node's types) as milliseconds, or undefined. */
export function timeOf(t: Date | string | null | undefined): number | undefined {
  if (t === null || t === undefined) return undefined;
  const ms = typeof t === 'string' ? Date.parse(t) : t.getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** metav1.Time's wire form: RFC 3339 at second precision. Typed as Date to fit client-node's models. */
export function rfc3339(ms: number): Date {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') as unknown as Date;
}

/** The read side of an informer's cache. Returned objects are shared: never mutate them (copy first). */
export interface Lister<T extends KubeObject> {
  get(namespace: string | undefined, name: string): T | undefined;
  /** Every cached object, or a namespace's, in no particular order. */
  list(namespace?: string): T[];
  /** Objects an index maps `value` to (see IndexName). */
  byIndex(index: IndexName, value: string): T[];
}

/**
 * Indexes every informer keeps:
 *   namespace  metadata.namespace
 *   nodeName   spec.nodeName (pods)
 *   ownerUid   metadata.ownerReferences[*].uid
 *   label      "key=value" for each label
 */
export type IndexName = 'namespace' | 'nodeName' | 'ownerUid' | 'label';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Writes (and fresh reads) of one resource through the apiserver. Errors are ApiStatusError. */
export interface ResourceClient<T extends KubeObject> {
  readonly resource: ResourceRef;
  get(namespace: string | undefined, name: string): Promise<T>;
  create(namespace: string | undefined, obj: T): Promise<T>;
  /** PUT; obj.metadata.resourceVersion makes it conditional (409 when stale). */
  update(obj: T): Promise<T>;
  /** PUT .../status. */
  updateStatus(obj: T): Promise<T>;
  patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, options?: { subresource?: string; fieldManager?: string; force?: boolean }): Promise<T>;
  delete(namespace: string | undefined, name: string, options?: DeleteOptions): Promise<void>;
  /** POST to a subresource, e.g. pods/binding or pods/eviction. */
  createSubresource(namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown>;
}

/** The Status of a failed request, as the apiserver sent it. */
export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly status?: unknown,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 409 && e.reason === 'Conflict';
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiStatusError && e.reason === 'AlreadyExists';

/** Records Events about objects (aggregating repeats into a count, as Kubernetes' recorder does). */
export interface EventRecorder {
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** A clock, injected so that reconcile functions are testable with time standing still. */
export interface Clock {
  now(): number;
}

export type EventHandler<T extends KubeObject> = {
  onAdd?(obj: T): void;
  /** Also called on periodic resync with old === new. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** `obj` is the last known state (for a missed delete, the cached object). */
  onDelete?(obj: T): void;
};

/** list + watch of one resource into a local cache, shared by every user in the process. */
export interface Informer<T extends KubeObject> {
  readonly lister: Lister<T>;
  addHandler(handler: EventHandler<T>): void;
  /** True once the first list is in the cache. */
  hasSynced(): boolean;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Calls onUpdate for every cached object this often (0 = never). */
  resyncMs?: number;
}

/** Everything a component needs to talk to the cluster: clients and shared informers. */
export interface ClientSet {
  client<T extends KubeObject>(resource: ResourceRef): ResourceClient<T>;
  /** The one informer for this resource and options in the process (created on first use). */
  informer<T extends KubeObject>(resource: ResourceRef, options?: InformerOptions): Informer<T>;
  /** Starts every informer created so far (and later ones as they are created). */
  start(): void;
  /** Resolves when every started informer has synced. */
  waitForSync(): Promise<void>;
  recorder(component: string, host?: string): EventRecorder;
  stop(): void;
}

/**
 * A work queue of keys (client-go's rate-limited queue): a key is in the queue at most once, is
 * processed by at most one worker at a time (re-added while processing = processed again after),
 * and failures are retried with per-key exponential backoff.
 */
export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  /** Re-adds after this key's backoff (which doubles each time until forget). */
  addRateLimited(key: string): void;
  forget(key: string): void;
  /** Waits for the next key; undefined once shut down. */
  get(): Promise<string | undefined>;
  done(key: string): void;
  shutDown(): void;
  len(): number;
}

/** Well-known resources, so that every component names them the same way. */
export const RESOURCES = {
  pods: { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' },
  nodes: { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' },
  namespaces: { group: '', version: 'v1', plural: 'namespaces', namespaced: false, kind: 'Namespace' },
  services: { group: '', version: 'v1', plural: 'services', namespaced: true, kind: 'Service' },
  endpoints: { group: '', version: 'v1', plural: 'endpoints', namespaced: true, kind: 'Endpoints' },
  events: { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' },
  configmaps: { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' },
  secrets: { group: '', version: 'v1', plural: 'secrets', namespaced: true, kind: 'Secret' },
  serviceaccounts: { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true, kind: 'ServiceAccount' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' },
  replicasets: { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' },
  daemonsets: { group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true, kind: 'DaemonSet' },
  statefulsets: { group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true, kind: 'StatefulSet' },
  jobs: { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true, kind: 'Job' },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true, kind: 'Lease' },
} as const satisfies Record<string, ResourceRef>;
