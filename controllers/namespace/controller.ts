// The namespace controller (Kubernetes' pkg/controller/namespace): a namespace being deleted
// (deletionTimestamp set, status.phase Terminating) is emptied, resource by resource, and once
// nothing is left its `kubernetes` finalizer is removed through namespaces/<name>/finalize, which
// lets the apiserver complete the delete.
//
// The finalize subresource is served for PUT only, and ResourceClient has no PUT to a subresource,
// so the bin passes a `finalize` function (see NamespaceControllerOptions).

import type { V1Namespace } from '@kubernetes/client-node';
import { RESOURCES, isConflict, isNotFound, type ClientSet, type Clock, type KubeObject, type ResourceRef } from '../../client/types.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import { deletionConditions, groupResource, mergeConditions, type RemainingContent } from './conditions.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

/** Every well-known namespaced resource (leases and events included: they go with their namespace). */
export const DEFAULT_NAMESPACED_RESOURCES: readonly ResourceRef[] = Object.values(RESOURCES).filter((r) => r.namespaced);

export interface NamespaceControllerOptions {
  /** PUT namespaces/<name>/finalize with spec.finalizers = `finalizers`. */
  finalize(name: string, finalizers: string[]): Promise<void>;
  /** The namespaced resources to empty. */
  resources?: readonly ResourceRef[];
  clock?: Clock;
  /** How soon to look again while content remains (deletes also wake it up). Default 5 s. */
  recheckMs?: number;
}

export class NamespaceController implements Controller {
  readonly name = 'namespace';
  readonly watches: readonly ResourceRef[];
  private readonly resources: readonly ResourceRef[];
  private readonly clock: Clock;
  private readonly recheckMs: number;

  constructor(
    private readonly cs: ClientSet,
    private readonly options: NamespaceControllerOptions,
  ) {
    this.resources = options.resources ?? DEFAULT_NAMESPACED_RESOURCES;
    this.watches = [RESOURCES.namespaces, ...this.resources];
    this.clock = options.clock ?? { now: () => Date.now() };
    this.recheckMs = options.recheckMs ?? 5000;
  }

  register(cs: ClientSet, enqueue: (key: string) => void): void {
    const onNamespace = (ns: KubeObject) => {
      if (ns.metadata.deletionTimestamp) enqueue(ns.metadata.name ?? '');
    };
    cs.informer(RESOURCES.namespaces).addHandler({ onAdd: onNamespace, onUpdate: (_o, n) => onNamespace(n) });
    // The last object of a terminating namespace going away is what the namespace waits for.
    const namespaces = cs.informer(RESOURCES.namespaces).lister;
    for (const r of this.resources) {
      cs.informer(r).addHandler({
        onDelete: (o) => {
          const ns = o.metadata.namespace && namespaces.get(undefined, o.metadata.namespace);
          if (ns && ns.metadata.deletionTimestamp) enqueue(o.metadata.namespace!);
        },
      });
    }
  }

  async reconcile(name: string): Promise<void | ReconcileResult> {
    const ns = this.cs.informer<V1Namespace & KubeObject>(RESOURCES.namespaces).lister.get(undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    const specFinalizers = ns.spec?.finalizers ?? [];
    if (!specFinalizers.includes(FINALIZER_KUBERNETES)) return;

    const remaining: RemainingContent = { resources: new Map(), finalizers: new Map(), deleteErrors: [] };
    for (const r of this.resources) {
      const client = this.cs.client(r);
      for (const o of this.cs.informer(r).lister.list(name)) {
        // Already terminating: deleting again changes nothing (and would not shorten a grace period).
        if (o.metadata.deletionTimestamp) continue;
        try {
          await client.delete(name, o.metadata.name ?? '', { propagationPolicy: 'Background' });
        } catch (e) {
          if (isNotFound(e)) continue;
          const text = `${groupResource(r.plural, r.group)}: ${e instanceof Error ? e.message : String(e)}`;
          if (!remaining.deleteErrors.includes(text)) remaining.deleteErrors.push(text);
        }
      }
      // What is left after the deletes (objects with finalizers or grace periods, or a cache behind).
      const left = this.cs.informer(r).lister.list(name);
      if (left.length > 0) remaining.resources.set(groupResource(r.plural, r.group), left.length);
      for (const o of left) for (const f of o.metadata.finalizers ?? []) remaining.finalizers.set(f, (remaining.finalizers.get(f) ?? 0) + 1);
    }

    await this.writeConditions(ns, remaining);
    if (remaining.resources.size > 0) return { requeueAfterMs: this.recheckMs };
    await this.options.finalize(name, specFinalizers.filter((f) => f !== FINALIZER_KUBERNETES));
  }

  private async writeConditions(ns: V1Namespace & KubeObject, remaining: RemainingContent): Promise<void> {
    const conditions = mergeConditions(ns.status?.conditions, deletionConditions(remaining), this.clock.now());
    if (!conditions) return;
    const next: V1Namespace & KubeObject = { ...ns, status: { ...(ns.status ?? {}), conditions } };
    try {
      await this.cs.client<V1Namespace & KubeObject>(RESOURCES.namespaces).updateStatus(next);
    } catch (e) {
      // Conditions are informative: a conflict or a namespace already gone must not stop the deletion.
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
}
