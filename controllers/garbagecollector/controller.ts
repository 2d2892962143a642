// The garbage collector (Kubernetes' pkg/controller/garbagecollector), as one reconcile per object.
//
// Kubernetes keeps an in-memory graph of ownerReferences fed by informers. Here the graph is the
// informers themselves: every informer indexes its objects by owner uid, so "the dependents of X"
// is a lookup in each watched resource's `ownerUid` index, and "X's owners" are X's references.
// The work key names an object of any resource ("replicasets.apps:default/web"); reconcile plays
// the part of Kubernetes' two queues:
//   - attemptToOrphan: an owner deleted with the `orphan` finalizer loses its dependents' references
//     to it, then the finalizer;
//   - attemptToDelete: an owner in foreground deletion (`foregroundDeletion`) keeps its finalizer
//     while dependents that block it remain; a dependent whose owners are all gone (or all waiting
//     for their dependents) is deleted, after the owners were checked by a live GET, because an
//     informer may not have seen an owner that was just created.

import type { V1OwnerReference } from '@kubernetes/client-node';
import {
  RESOURCES,
  isConflict,
  isNotFound,
  type ClientSet,
  type KubeObject,
  type ResourceRef,
} from '../../client/types.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import {
  FINALIZER_DELETE_DEPENDENTS,
  FINALIZER_ORPHAN,
  blockingDependents,
  decideForDependent,
  gcKey,
  isBeingDeleted,
  isDeletingDependents,
  isOrphaningDependents,
  parseGcKey,
  removeFinalizerPatch,
  removeOwnerRefsPatch,
  resourceForOwner,
  resourceId,
  unblockOwnerRefsPatch,
  type OwnerState,
} from './graph.js';

/** Every well-known resource but events (Kubernetes' collector ignores events too). */
export const DEFAULT_GC_RESOURCES: readonly ResourceRef[] = Object.values(RESOURCES).filter((r) => r.plural !== 'events');

export interface GarbageCollectorOptions {
  /** The resources that can own or be owned; each gets an informer. */
  resources?: readonly ResourceRef[];
}

interface Located {
  resource: ResourceRef;
  obj: KubeObject;
}

export class GarbageCollector implements Controller {
  readonly name = 'garbagecollector';
  readonly watches: readonly ResourceRef[];
  private readonly byId = new Map<string, ResourceRef>();
  private enqueue: (key: string) => void = () => undefined;

  constructor(
    private readonly cs: ClientSet,
    options: GarbageCollectorOptions = {},
  ) {
    this.watches = options.resources ?? DEFAULT_GC_RESOURCES;
    for (const r of this.watches) this.byId.set(resourceId(r), r);
  }

  register(cs: ClientSet, enqueue: (key: string) => void): void {
    this.enqueue = enqueue;
    for (const r of this.watches) {
      const key = (o: KubeObject) => gcKey(r, o.metadata.namespace, o.metadata.name ?? '');
      cs.informer(r).addHandler({
        onAdd: (o) => {
          if ((o.metadata.ownerReferences ?? []).length > 0) enqueue(key(o));
          if (isOrphaningDependents(o) || isDeletingDependents(o)) this.enqueueOwnerWork(o, key(o));
        },
        onUpdate: (old, o) => {
          const refsChanged = JSON.stringify(old.metadata.ownerReferences ?? []) !== JSON.stringify(o.metadata.ownerReferences ?? []);
          // A resync (old === o) re-checks too: cheap, since owners found in the cache cost no request.
          if ((o.metadata.ownerReferences ?? []).length > 0 && (refsChanged || old === o)) enqueue(key(o));
          if (isOrphaningDependents(o) || isDeletingDependents(o)) {
            enqueue(key(o));
            // Starting foreground deletion: every dependent now has an owner waiting for it.
            if (isDeletingDependents(o) && !isDeletingDependents(old)) for (const d of this.dependentsOf(o)) enqueue(this.keyOf(d));
          }
          // A reference removed or unblocked may be what an owner in foreground deletion waits for.
          if (refsChanged) this.enqueueWaitingOwners(o, [...(old.metadata.ownerReferences ?? []), ...(o.metadata.ownerReferences ?? [])]);
        },
        onDelete: (o) => {
          for (const d of this.dependentsOf(o)) enqueue(this.keyOf(d));
          this.enqueueWaitingOwners(o, o.metadata.ownerReferences ?? []);
        },
      });
    }
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const parsed = parseGcKey(key);
    const resource = parsed && this.byId.get(parsed.resource);
    if (!parsed || !resource) return;
    const obj = this.cs.informer(resource).lister.get(parsed.namespace, parsed.name);
    if (!obj) return;
    if (isOrphaningDependents(obj)) return this.orphanDependents(resource, obj);
    if (isDeletingDependents(obj)) return this.processDeletingDependents(resource, obj);
    // Being deleted for another reason: whatever holds it will finish, nothing for us to decide.
    if (isBeingDeleted(obj)) return;
    return this.attemptToDelete(resource, obj);
  }

  /** Owner deleted with propagationPolicy Orphan: dependents keep living without their reference to it. */
  private async orphanDependents(resource: ResourceRef, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    for (const dep of this.dependentsOf(owner)) {
      await this.patchFresh(dep.resource, dep.obj, (o) => removeOwnerRefsPatch(o, [uid]));
    }
    await this.patchFresh(resource, owner, (o) => removeFinalizerPatch(o, FINALIZER_ORPHAN));
  }

  /** Owner in foreground deletion: done once no dependent blocks it; until then, its dependents are pushed. */
  private async processDeletingDependents(resource: ResourceRef, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    const deps = this.dependentsOf(owner);
    const blocking = blockingDependents(uid, deps.map((d) => d.obj));
    if (blocking.length === 0) {
      await this.patchFresh(resource, owner, (o) => removeFinalizerPatch(o, FINALIZER_DELETE_DEPENDENTS));
      return;
    }
    // Each dependent's own reconcile deletes it (this owner is "waiting" to it); when a blocking one is
    // gone, its delete event brings this owner back here. Kubernetes pushes only the blocking ones;
    // pushing all makes a restarted collector finish the non-blocking ones without another event.
    for (const d of deps) if (!isDeletingDependents(d.obj)) this.enqueue(this.keyOf(d));
  }

  /** A dependent: delete it if no owner holds it any more (Kubernetes' attemptToDeleteItem). */
  private async attemptToDelete(resource: ResourceRef, cached: KubeObject): Promise<void> {
    const refs = cached.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    // Owners the cache shows alive and not waiting need no request; anything else is checked live.
    if (refs.every((ref) => this.cachedOwnerState(cached, ref) === 'solid')) return;

    const client = this.cs.client<KubeObject>(resource);
    let latest: KubeObject;
    try {
      latest = await client.get(cached.metadata.namespace, cached.metadata.name ?? '');
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (latest.metadata.uid !== cached.metadata.uid || isBeingDeleted(latest)) return;
    const latestRefs = latest.metadata.ownerReferences ?? [];
    const owners: { uid: string; state: OwnerState }[] = [];
    for (const ref of latestRefs) owners.push({ uid: ref.uid, state: await this.liveOwnerState(latest, ref) });

    const deps = this.dependentsOf(latest);
    const decision = decideForDependent({
      owners,
      finalizers: latest.metadata.finalizers ?? [],
      hasDependents: deps.length > 0,
      aDependentIsDeletingDependents: deps.some((d) => isDeletingDependents(d.obj)),
    });
    switch (decision.action) {
      case 'none':
        return;
      case 'removeOwnerRefs':
        await this.patchFresh(resource, latest, (o) => removeOwnerRefsPatch(o, decision.uids));
        return;
      case 'delete':
        if (decision.unblockFirst) await this.patchFresh(resource, latest, (o) => unblockOwnerRefsPatch(o));
        try {
          await client.delete(latest.metadata.namespace, latest.metadata.name ?? '', {
            propagationPolicy: decision.policy,
            preconditions: { uid: latest.metadata.uid },
          });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        return;
    }
  }

  /** What the informers say about one owner: solid, or 'unknown' (absent, other uid, or waiting) to check live. */
  private cachedOwnerState(dependent: KubeObject, ref: V1OwnerReference): 'solid' | 'unknown' {
    const r = resourceForOwner(this.watches, ref);
    // An owner of a kind we do not watch cannot be verified: never collect because of it.
    if (!r) return 'solid';
    const owner = this.cs.informer(r).lister.get(r.namespaced ? dependent.metadata.namespace : undefined, ref.name);
    return owner && owner.metadata.uid === ref.uid && !isDeletingDependents(owner) ? 'solid' : 'unknown';
  }

  /** Kubernetes' isDangling + classifyReferences: a live GET decides. */
  private async liveOwnerState(dependent: KubeObject, ref: V1OwnerReference): Promise<OwnerState> {
    const r = resourceForOwner(this.watches, ref);
    if (!r) return 'solid';
    // A cluster-scoped object cannot be owned by a namespaced one: such a reference points nowhere.
    if (r.namespaced && !dependent.metadata.namespace) return 'dangling';
    try {
      const owner = await this.cs.client<KubeObject>(r).get(r.namespaced ? dependent.metadata.namespace : undefined, ref.name);
      if (owner.metadata.uid !== ref.uid) return 'dangling';
      return isDeletingDependents(owner) ? 'waiting' : 'solid';
    } catch (e) {
      if (isNotFound(e)) return 'dangling';
      throw e;
    }
  }

  /** Every cached object, of any watched resource, with a reference to `owner`'s uid. */
  private dependentsOf(owner: KubeObject): Located[] {
    const uid = owner.metadata.uid;
    if (!uid) return [];
    const out: Located[] = [];
    for (const r of this.watches) for (const obj of this.cs.informer(r).lister.byIndex('ownerUid', uid)) out.push({ resource: r, obj });
    return out;
  }

  private keyOf(l: Located): string {
    return gcKey(l.resource, l.obj.metadata.namespace, l.obj.metadata.name ?? '');
  }

  private enqueueOwnerWork(o: KubeObject, key: string): void {
    this.enqueue(key);
    if (isDeletingDependents(o)) for (const d of this.dependentsOf(o)) this.enqueue(this.keyOf(d));
  }

  /** Owners (among `refs`) that the cache shows in foreground deletion: one of their dependents changed. */
  private enqueueWaitingOwners(dependent: KubeObject, refs: V1OwnerReference[]): void {
    for (const ref of refs) {
      const r = resourceForOwner(this.watches, ref);
      if (!r) continue;
      const ns = r.namespaced ? dependent.metadata.namespace : undefined;
      const owner = this.cs.informer(r).lister.get(ns, ref.name);
      if (owner && owner.metadata.uid === ref.uid && isDeletingDependents(owner)) this.enqueue(gcKey(r, ns, ref.name));
    }
  }

  /**
   * A merge patch built from the object as last seen, guarded by its resourceVersion; on a conflict
   * it is rebuilt from a fresh GET (a few times), since lists in a merge patch replace the whole list.
   */
  private async patchFresh(resource: ResourceRef, obj: KubeObject, build: (o: KubeObject) => unknown): Promise<void> {
    const client = this.cs.client<KubeObject>(resource);
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name ?? '';
    let current = obj;
    for (let attempt = 0; ; attempt++) {
      try {
        await client.patch(ns, name, 'merge', build(current));
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= 3) throw e;
      }
      try {
        current = await client.get(ns, name);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      if (current.metadata.uid !== obj.metadata.uid) return;
    }
  }
}
