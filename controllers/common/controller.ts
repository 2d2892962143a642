// The one shape every controller in the controller-manager has, so the bin can run them all the
// same way: register informer handlers that turn events into keys, then run workers that pop keys
// from a WorkQueue and call reconcile(key).
//
// reconcile is level-triggered and idempotent (client-go/controller-runtime style): it reads the
// listers, computes desired vs actual state and writes the difference. A thrown error means "retry
// this key with backoff" (WorkQueue.addRateLimited); a returned requeueAfterMs means "look again
// later even if nothing changes" (WorkQueue.addAfter), e.g. for minReadySeconds or deadlines.

import type { ClientSet, ResourceRef } from '../../client/types.js';

export interface ReconcileResult {
  requeueAfterMs: number;
}

export interface Controller {
  /** Kubernetes' controller name ('replicaset', 'deployment', 'garbagecollector', ...). */
  readonly name: string;
  /** The resources whose informers register() uses (the bin starts and syncs them before workers run). */
  readonly watches: readonly ResourceRef[];
  /** Adds handlers to cs's informers that map every relevant event to the keys to reconcile. */
  register(cs: ClientSet, enqueue: (key: string) => void): void;
  /** Brings one object (usually "namespace/name") to its desired state. */
  reconcile(key: string): Promise<void | ReconcileResult>;
}
