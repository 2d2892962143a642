// Controller expectations (pkg/controller/controller_utils.go ControllerExpectations and
// UIDTrackingControllerExpectations).
//
// Why: a controller acts on its informer cache, which lags its own writes. After creating 3 pods,
// the next reconcile may still see 0 and create 3 more. So before writing, the controller records
// what it expects to see (N adds, these M deletes); informer handlers lower the counts as the
// objects show up; reconcile does not manage replicas again until the expectations are satisfied
// — or are older than 5 minutes, in case a watch event was lost for good.

import type { Clock } from '../../client/types.js';

/** Kubernetes' ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
  /** Keys of the objects whose deletion is awaited; each lowers `del` once. */
  deleting: Set<string>;
}

export class ControllerExpectations {
  private readonly byController = new Map<string, Expectation>();

  constructor(private readonly clock: Clock = { now: () => Date.now() }) {}

  /** True when the controller may act: nothing pending, all observed, or expired. */
  satisfied(controllerKey: string): boolean {
    const e = this.byController.get(controllerKey);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.timestamp > EXPECTATIONS_TIMEOUT_MS;
  }

  /** Replaces any previous expectations (Kubernetes' SetExpectations). */
  expectCreations(controllerKey: string, adds: number): void {
    this.byController.set(controllerKey, { add: adds, del: 0, timestamp: this.clock.now(), deleting: new Set() });
  }

  expectDeletions(controllerKey: string, objectKeys: string[]): void {
    this.byController.set(controllerKey, { add: 0, del: objectKeys.length, timestamp: this.clock.now(), deleting: new Set(objectKeys) });
  }

  /** An add was seen (or a create failed and will never be seen). */
  creationObserved(controllerKey: string): void {
    const e = this.byController.get(controllerKey);
    if (e) e.add--;
  }

  /** A delete (or a deletionTimestamp) was seen, or a delete failed; counted once per object. */
  deletionObserved(controllerKey: string, objectKey: string): void {
    const e = this.byController.get(controllerKey);
    if (e && e.deleting.delete(objectKey)) e.del--;
  }

  /** The controller object is gone: forget it. */
  delete(controllerKey: string): void {
    this.byController.delete(controllerKey);
  }

  /** Pending counts, for tests and debugging. */
  pending(controllerKey: string): { add: number; del: number } | undefined {
    const e = this.byController.get(controllerKey);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}
