// DELETE, in Kubernetes' two phases. An object leaves the store only when nothing holds it:
//   - finalizers: the object gets deletionTimestamp and stays until every finalizer is removed
//     (the last removal, an ordinary update, deletes it: see Registry.guaranteedUpdate);
//   - propagation: Orphan and Foreground are themselves finalizers ("orphan", "foregroundDeletion")
//     that the garbage collector honours; Background deletes now and lets the collector find the
//     dependents by their ownerReferences;
//   - graceful deletion (pods): deletionTimestamp = now + grace, and the kubelet finishes the delete
//     with gracePeriodSeconds=0 once the containers are stopped.

import { isPlainObject, type KubeObject } from '../api/object.js';
import { errors, ApiError } from '../api/status.js';
import type { PropagationPolicy, ResourceStrategy } from '../resources/strategy.js';
import { timestamp } from './object-meta.js';
import type { Registry } from './registry.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/** Reads DeleteOptions from a body and the query (query wins, as kubectl sends both ways). */
export function parseDeleteOptions(body: unknown, query: Record<string, string | undefined>): DeleteOptions {
  const b = isPlainObject(body) ? body : {};
  const opts: DeleteOptions = { dryRun: query['dryRun'] === 'All' || (Array.isArray(b['dryRun']) && b['dryRun'].includes('All')) };
  const grace = query['gracePeriodSeconds'] ?? (b['gracePeriodSeconds'] !== undefined ? String(b['gracePeriodSeconds']) : undefined);
  if (grace !== undefined) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw errors.badRequest(`invalid gracePeriodSeconds: ${grace}`);
    opts.gracePeriodSeconds = n;
  }
  const policy = query['propagationPolicy'] ?? (typeof b['propagationPolicy'] === 'string' ? b['propagationPolicy'] : undefined);
  if (policy !== undefined) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw errors.invalid('', 'DeleteOptions', '', [
        { type: 'FieldValueNotSupported', field: 'propagationPolicy', value: policy, detail: 'supported values: "Foreground", "Background", "Orphan", nil' },
      ]);
    }
    opts.propagationPolicy = policy;
  }
  const orphan = query['orphanDependents'] ?? (typeof b['orphanDependents'] === 'boolean' ? String(b['orphanDependents']) : undefined);
  if (orphan !== undefined) opts.orphanDependents = orphan === 'true';
  if (isPlainObject(b['preconditions'])) {
    const p = b['preconditions'];
    opts.preconditions = {};
    if (typeof p['uid'] === 'string') opts.preconditions.uid = p['uid'];
    if (typeof p['resourceVersion'] === 'string') opts.preconditions.resourceVersion = p['resourceVersion'];
  }
  return opts;
}

/**
 * Deletes (or starts deleting) one object. Returns the object as it now is: with a
 * deletionTimestamp when deletion is pending, or its last state when it is gone.
 */
export async function deleteObject(
  registry: Registry,
  s: ResourceStrategy,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions,
): Promise<{ object: KubeObject; gone: boolean }> {
  const key = registry.key(s, namespace, name);
  for (let attempt = 0; attempt < 16; attempt++) {
    const current = await registry.storage.get(s, key, name);
    const obj = current.object;
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid) {
      throw errors.conflict(s, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.resourceVersion) {
      throw errors.conflict(s, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.resourceVersion}`);
    }

    const next = planDeletion(s, obj, options, registry.now());
    if (next === 'delete-now') {
      if (options.dryRun) return { object: obj, gone: true };
      const res = await registry.storage.delete(key, current.resourceVersion);
      if (!res.ok) continue;
      await registry.admission.afterDelete(s, obj);
      return { object: { ...obj, metadata: { ...obj.metadata, resourceVersion: res.revision } }, gone: true };
    }
    if (next === 'unchanged' || options.dryRun) return { object: obj, gone: false };
    const res = await registry.storage.update(key, next, current.resourceVersion);
    if (res.ok) return { object: res.stored.object, gone: false };
  }
  throw errors.conflict(s, name, 'too many concurrent writers, please retry');
}

/** What deleting `obj` does now: remove it, mark it (the returned object), or nothing new. */
function planDeletion(s: ResourceStrategy, obj: KubeObject, options: DeleteOptions, now: Date): KubeObject | 'delete-now' | 'unchanged' {
  const m = obj.metadata;
  const isNamespace = s.group === '' && s.plural === 'namespaces';
  const policy = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : options.orphanDependents === false ? 'Background' : s.defaultPropagation);

  // Graceful deletion: only kinds that have it (pods), and only pods bound to a node wait.
  let grace = s.gracePeriodSeconds?.(obj);
  if (grace !== undefined) {
    if (options.gracePeriodSeconds !== undefined) grace = options.gracePeriodSeconds;
    const bound = Boolean((obj['spec'] as { nodeName?: string } | undefined)?.nodeName);
    const phase = (obj['status'] as { phase?: string } | undefined)?.phase;
    if (!bound || phase === 'Succeeded' || phase === 'Failed') grace = 0;
    grace = Math.max(0, grace);
  }

  const finalizers = new Set(m.finalizers ?? []);
  if (policy === 'Orphan') {
    finalizers.add(ORPHAN);
    finalizers.delete(FOREGROUND);
  } else if (policy === 'Foreground') {
    finalizers.add(FOREGROUND);
    finalizers.delete(ORPHAN);
  } else if (options.propagationPolicy !== undefined || options.orphanDependents !== undefined) {
    // An explicit Background replaces a policy chosen by an earlier delete.
    finalizers.delete(ORPHAN);
    finalizers.delete(FOREGROUND);
  }
  // A policy finalizer is only worth adding if something may depend on the object; Kubernetes adds it anyway.
  const specFinalizers = isNamespace ? ((obj['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  const waitsForFinalizers = finalizers.size > 0 || specFinalizers.length > 0;
  const waitsForGrace = grace !== undefined && grace > 0;

  if (!waitsForFinalizers && !waitsForGrace) {
    // A pod that is already terminating and now gets grace 0, or any object without holders.
    return 'delete-now';
  }

  const next: KubeObject = JSON.parse(JSON.stringify(obj)) as KubeObject;
  const nm = next.metadata;
  nm.finalizers = [...finalizers];
  if (nm.finalizers.length === 0) delete nm.finalizers;
  if (!nm.deletionTimestamp) {
    const at = waitsForGrace ? new Date(now.getTime() + grace! * 1000) : now;
    nm.deletionTimestamp = timestamp(at) as unknown as Date;
    nm.deletionGracePeriodSeconds = waitsForGrace ? grace! : 0;
  } else if (waitsForGrace && (nm.deletionGracePeriodSeconds ?? Infinity) > grace!) {
    // A second delete may shorten the grace period, never lengthen it.
    nm.deletionTimestamp = timestamp(new Date(now.getTime() + grace! * 1000)) as unknown as Date;
    nm.deletionGracePeriodSeconds = grace!;
  }
  if (isNamespace) {
    next['status'] = { ...((next['status'] as object | undefined) ?? {}), phase: 'Terminating' };
  }
  if (JSON.stringify(next) === JSON.stringify(obj)) return 'unchanged';
  return next;
}

/** DELETE on a collection: every object the selectors match, each deleted as above. */
export async function deleteCollection(
  registry: Registry,
  s: ResourceStrategy,
  objects: KubeObject[],
  options: DeleteOptions,
): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const o of objects) {
    try {
      out.push((await deleteObject(registry, s, o.metadata.namespace, o.metadata.name!, options)).object);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) continue;
      throw err;
    }
  }
  return out;
}

