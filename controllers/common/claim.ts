// Adoption and release of dependents (pkg/controller/controller_ref_manager.go ClaimObject):
//   - owned by us (controller ref uid) and matching  → keep
//   - owned by us and no longer matching             → release (drop our ownerReference)
//   - orphan (no controller ref) and matching         → adopt, unless we are being deleted
//   - owned by another controller                     → ignore
// Patches are JSON merge patches carrying the full ownerReferences list plus the object's uid and
// resourceVersion, so a concurrent change makes the patch fail (409) instead of clobbering it.

import type { V1OwnerReference } from '@kubernetes/client-node';
import { isNotFound, type KubeObject, type ResourceClient } from '../../client/types.js';
import { controllerRefOf } from './owners.js';

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  /** The reference to add when adopting (controller: true). */
  controllerRef: V1OwnerReference;
  matches: (obj: T) => boolean;
  client: ResourceClient<T>;
  /**
   * Re-reads the owner from the apiserver before the first adoption (Kubernetes'
   * RecheckDeletionTimestamp): adopting with a stale cache could grab objects for an owner that
   * is already being deleted. Returns false to refuse adoption.
   */
  canAdopt: () => Promise<boolean>;
}

export type ClaimDecision = 'keep' | 'release' | 'adopt' | 'ignore';

/** The pure decision for one object. */
export function claimDecision(obj: KubeObject, ownerUid: string, ownerDeleting: boolean, matches: boolean): ClaimDecision {
  const ref = controllerRefOf(obj);
  if (ref) {
    if (ref.uid !== ownerUid) return 'ignore';
    if (matches) return 'keep';
    // Kubernetes does not release while the owner is being deleted (the GC handles it).
    return ownerDeleting ? 'keep' : 'release';
  }
  if (!matches || ownerDeleting || obj.metadata.deletionTimestamp) return 'ignore';
  return 'adopt';
}

/** Returns the objects the owner now controls; adopts and releases through the client. */
export async function claimObjects<T extends KubeObject>(objects: T[], opts: ClaimOptions<T>): Promise<T[]> {
  const uid = opts.owner.metadata.uid ?? '';
  const deleting = !!opts.owner.metadata.deletionTimestamp;
  const claimed: T[] = [];
  let adoptable: boolean | undefined;
  const errors: unknown[] = [];
  for (const obj of objects) {
    const decision = claimDecision(obj, uid, deleting, opts.matches(obj));
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name ?? '';
    try {
      if (decision === 'keep') claimed.push(obj);
      else if (decision === 'release') {
        const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        await opts.client.patch(ns, name, 'merge', { metadata: { ownerReferences: refs.length ? refs : null, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion } });
      } else if (decision === 'adopt') {
        adoptable ??= await opts.canAdopt();
        if (!adoptable) continue;
        const refs = [...(obj.metadata.ownerReferences ?? []), opts.controllerRef];
        const adopted = await opts.client.patch(ns, name, 'merge', { metadata: { ownerReferences: refs, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion } });
        claimed.push(adopted);
      }
    } catch (e) {
      // Gone already: nothing to adopt or release. Anything else: retry the whole key later.
      if (!isNotFound(e)) errors.push(e);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}
