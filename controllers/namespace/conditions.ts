// The status conditions Kubernetes' namespace deleter (pkg/controller/namespace/deletion) writes on
// a Terminating namespace, with its types, reasons and messages, as pure functions of what remains.

import type { V1NamespaceCondition } from '@kubernetes/client-node';
import { rfc3339 } from '../../client/types.js';

export interface RemainingContent {
  /** "pods." / "replicasets.apps" → number of objects of it still in the namespace. */
  resources: Map<string, number>;
  /** finalizer → number of objects that still carry it. */
  finalizers: Map<string, number>;
  /** Resources whose deletion failed, with the error text (ContentDeletionFailed). */
  deleteErrors: string[];
}

/** How Kubernetes prints a resource in these messages: "plural.group", which is "pods." for the core group. */
export const groupResource = (plural: string, group: string): string => `${plural}.${group}`;

/** The five conditions, in Kubernetes' order, for what remains. */
export function deletionConditions(remaining: RemainingContent): { type: string; status: 'True' | 'False'; reason: string; message: string }[] {
  const resources = [...remaining.resources].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`).sort();
  const finalizers = [...remaining.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
  const errors = [...remaining.deleteErrors].sort();
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    errors.length > 0
      ? { type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${errors.length} remaining: ${errors.join(', ')}` }
      : { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    resources.length > 0
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${resources.join(', ')}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    finalizers.length > 0
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}` }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
}

/**
 * Merges wanted conditions into the current ones: lastTransitionTime moves only when the status
 * changes. Returns undefined when nothing would change (so no write is made).
 */
export function mergeConditions(
  current: V1NamespaceCondition[] | undefined,
  wanted: ReturnType<typeof deletionConditions>,
  nowMs: number,
): V1NamespaceCondition[] | undefined {
  const out = [...(current ?? [])];
  let changed = false;
  for (const w of wanted) {
    const i = out.findIndex((c) => c.type === w.type);
    const prev = i >= 0 ? out[i] : undefined;
    if (prev && prev.status === w.status && prev.reason === w.reason && prev.message === w.message) continue;
    const next: V1NamespaceCondition = {
      type: w.type,
      status: w.status,
      reason: w.reason,
      message: w.message,
      lastTransitionTime: prev && prev.status === w.status ? prev.lastTransitionTime : rfc3339(nowMs),
    };
    if (i >= 0) out[i] = next;
    else out.push(next);
    changed = true;
  }
  return changed ? out : undefined;
}
