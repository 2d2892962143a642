// One declarative description per kind: everything the generic registry, discovery, OpenAPI and
// table printing need to serve it. Handlers are generic (registry/), so a kind is only data plus a
// few pure hooks, as Kubernetes' RESTCreateStrategy/RESTUpdateStrategy are.
//
// Hooks run in this order on a write (the registry enforces it):
//   create: defaults → prepareForCreate → validate                         → admission → store
//   update: defaults → prepareForUpdate(new, old) → validate + validateUpdate → admission → store
// Hooks mutate the object in place and never do I/O.

import type { KubeObject } from '../api/object.js';
import type { FieldError } from '../api/field-errors.js';

/** A column of kubectl's table output (metav1.TableColumnDefinition). */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 = shown by default; 1 = only with `-o wide`. */
  priority: number;
}

export interface TableSpec {
  columns: TableColumn[];
  /** One cell per column, in order. `now` is passed in so that ages are testable. */
  row(obj: KubeObject, now: Date): unknown[];
}

/** The scale subresource (autoscaling/v1 Scale) of a kind that has replicas. */
export interface ScaleSpec {
  /** spec.replicas, default 1 when unset. */
  specReplicas(obj: KubeObject): number;
  setSpecReplicas(obj: KubeObject, replicas: number): void;
  statusReplicas(obj: KubeObject): number;
  /** Scale.status.selector: the label selector serialized as kubectl's `a=b,c in (d)` form. */
  selector(obj: KubeObject): string;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface ResourceStrategy {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource name in URLs and store keys: 'pods'. */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** @kubernetes/client-node model class of the kind, e.g. 'V1Pod': the source of its schema. */
  readonly model: string;

  readonly subresources: {
    /** PUT/PATCH .../status changes only `.status`; the main resource never changes it. */
    status?: boolean;
    scale?: ScaleSpec;
  };

  /** Set the fields Kubernetes defaults (applies to create and update). */
  defaults(obj: KubeObject): void;
  /**
   * Reset what a client may not set on create (e.g. status), before validation. metadata.uid and
   * creationTimestamp are already set (Jobs derive their generated selector from the uid).
   */
  prepareForCreate?(obj: KubeObject): void;
  /**
   * Carry over what this write may not change. The registry itself keeps status on main-resource
   * writes and everything but status on /status writes; this hook runs for both, so it must
   * never touch status (e.g. namespaces keep spec.finalizers, services their allocated IPs).
   */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Errors of the object on its own (create and update). */
  validate(obj: KubeObject): FieldError[];
  /** Errors of the change: immutable fields and the like. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];

  /** PUT of a missing object creates it (true for a few kinds, e.g. leases, events). */
  readonly allowCreateOnUpdate: boolean;
  /** A PUT without metadata.resourceVersion overwrites; false forces optimistic concurrency. */
  readonly allowUnconditionalUpdate: boolean;
  /** What DELETE does to dependents when the request does not say (apps: Background; batch/v1 Job: Orphan). */
  readonly defaultPropagation: PropagationPolicy;
  /** Seconds of graceful deletion when DeleteOptions does not say; undefined = deleted at once. */
  gracePeriodSeconds?(obj: KubeObject): number | undefined;

  /** Fields usable in fieldSelector besides metadata.name and metadata.namespace. */
  selectableFields?(obj: KubeObject): Record<string, string>;

  /** Server-side printing (`kubectl get`): columns and cells. */
  readonly table?: TableSpec;
}

/** 'apps/v1', or 'v1' for the core group. */
export function groupVersion(s: Pick<ResourceStrategy, 'group' | 'version'>): string {
  return s.group ? `${s.group}/${s.version}` : s.version;
}

/** 'deployments.apps', or 'pods' for core: how Kubernetes names a resource in messages. */
export function qualifiedResource(s: Pick<ResourceStrategy, 'group' | 'plural'>): string {
  return s.group ? `${s.plural}.${s.group}` : s.plural;
}

/** 'Deployment.apps', or 'Pod' for core: how validation messages name a kind. */
export function qualifiedKind(s: Pick<ResourceStrategy, 'group' | 'kind'>): string {
  return s.group ? `${s.kind}.${s.group}` : s.kind;
}
