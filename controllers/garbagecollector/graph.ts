// Pure pieces of the garbage collector: how an ownerReference names a resource, how work keys name
// an object of any resource, and the decisions of Kubernetes' attemptToDeleteItem and
// processDeletingDependentsItem (pkg/controller/garbagecollector/garbagecollector.go), written as
// functions of what the collector observed so that they can be table-tested.

import type { V1OwnerReference } from '@kubernetes/client-node';
import type { KubeObject, ResourceRef } from '../../client/types.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';

/** "pods" for the core group, "replicasets.apps" otherwise: the resource part of a work key. */
export function resourceId(r: ResourceRef): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

/** A work key names one object of one resource: "replicasets.apps:default/web", "nodes:n1". */
export function gcKey(r: ResourceRef, namespace: string | undefined, name: string): string {
  return `${resourceId(r)}:${namespace ? `${namespace}/` : ''}${name}`;
}

export function parseGcKey(key: string): { resource: string; namespace?: string; name: string } | undefined {
  const colon = key.indexOf(':');
  if (colon <= 0) return undefined;
  const rest = key.slice(colon + 1);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { resource: key.slice(0, colon), name: rest }
    : { resource: key.slice(0, colon), namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

/** The group of an apiVersion ("apps/v1" → "apps", "v1" → ""). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The resource an ownerReference points at, among those the collector knows (group + kind; any version). */
export function resourceForOwner(resources: readonly ResourceRef[], ref: Pick<V1OwnerReference, 'apiVersion' | 'kind'>): ResourceRef | undefined {
  const group = groupOf(ref.apiVersion);
  return resources.find((r) => r.group === group && r.kind === ref.kind);
}

export const hasFinalizer = (o: KubeObject, f: string): boolean => (o.metadata.finalizers ?? []).includes(f);
export const isBeingDeleted = (o: KubeObject): boolean => Boolean(o.metadata.deletionTimestamp);
/** An owner in foreground deletion: its blocking dependents must go before it does. */
export const isDeletingDependents = (o: KubeObject): boolean => isBeingDeleted(o) && hasFinalizer(o, FINALIZER_DELETE_DEPENDENTS);
/** An owner deleted with propagationPolicy Orphan: its dependents lose their reference to it. */
export const isOrphaningDependents = (o: KubeObject): boolean => isBeingDeleted(o) && hasFinalizer(o, FINALIZER_ORPHAN);

/**
 * What the collector learnt about one owner of a dependent (Kubernetes' classifyReferences):
 *   solid    the owner exists and is not waiting for its dependents
 *   dangling the owner is gone (404, or a new object with another uid under the same name)
 *   waiting  the owner is being deleted in the foreground (foregroundDeletion finalizer)
 */
export type OwnerState = 'solid' | 'dangling' | 'waiting';

export type DependentDecision =
  | { action: 'none' }
  /** Some owners are solid: keep the object, but drop the references to dangling and waiting owners. */
  | { action: 'removeOwnerRefs'; uids: string[] }
  /**
   * No solid owner: delete the object. `unblockFirst` clears blockOwnerDeletion on its references
   * first (a dependent of it is itself deleting dependents: waiting on each other would deadlock).
   */
  | { action: 'delete'; policy: 'Background' | 'Foreground' | 'Orphan'; unblockFirst: boolean };

export interface DependentFacts {
  owners: { uid: string; state: OwnerState }[];
  /** The dependent's own finalizers (they choose the propagation policy of its own deletion). */
  finalizers: string[];
  /** It owns objects itself. */
  hasDependents: boolean;
  /** One of its dependents is itself in foreground deletion. */
  aDependentIsDeletingDependents: boolean;
}

/** attemptToDeleteItem's switch over solid, dangling and waiting owners. */
export function decideForDependent(f: DependentFacts): DependentDecision {
  if (f.owners.length === 0) return { action: 'none' };
  const solid = f.owners.filter((o) => o.state === 'solid');
  const other = f.owners.filter((o) => o.state !== 'solid');
  if (solid.length > 0) {
    return other.length === 0 ? { action: 'none' } : { action: 'removeOwnerRefs', uids: other.map((o) => o.uid) };
  }
  const waiting = f.owners.some((o) => o.state === 'waiting');
  if (waiting && f.hasDependents) {
    // An owner waits for this object, which has dependents of its own: delete it in the foreground
    // so that the owner keeps waiting until the whole subtree is gone.
    return { action: 'delete', policy: 'Foreground', unblockFirst: f.aDependentIsDeletingDependents };
  }
  // No owner left and none waiting for us (or nothing below us): its own finalizers pick the policy.
  const policy = f.finalizers.includes(FINALIZER_ORPHAN) ? 'Orphan' : f.finalizers.includes(FINALIZER_DELETE_DEPENDENTS) ? 'Foreground' : 'Background';
  return { action: 'delete', policy, unblockFirst: false };
}

/** The dependents that keep an owner in foreground deletion: references to it with blockOwnerDeletion. */
export function blockingDependents<T extends KubeObject>(ownerUid: string, dependents: T[]): T[] {
  return dependents.filter((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true));
}

/** A JSON merge patch that keeps every ownerReference but those of `uids`, guarded by resourceVersion. */
export function removeOwnerRefsPatch(obj: KubeObject, uids: readonly string[]): unknown {
  return {
    metadata: {
      resourceVersion: obj.metadata.resourceVersion,
      ownerReferences: (obj.metadata.ownerReferences ?? []).filter((r) => !uids.includes(r.uid)),
    },
  };
}

/** A JSON merge patch that sets blockOwnerDeletion=false on every reference that blocks. */
export function unblockOwnerRefsPatch(obj: KubeObject): unknown {
  return {
    metadata: {
      resourceVersion: obj.metadata.resourceVersion,
      ownerReferences: (obj.metadata.ownerReferences ?? []).map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)),
    },
  };
}

/** A JSON merge patch that removes one finalizer, guarded by resourceVersion (Kubernetes' removeFinalizer). */
export function removeFinalizerPatch(obj: KubeObject, finalizer: string): unknown {
  return {
    metadata: {
      resourceVersion: obj.metadata.resourceVersion,
      finalizers: (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer),
    },
  };
}
