// A DaemonSet sync creates on some nodes and deletes on others in the same pass (Kubernetes'
// SetExpectations(key, add, del)). common/expectations.ts sets one side at a time, so two of them
// side by side hold the adds and the deletes; the key is satisfied when both are.

import type { Clock } from '../../client/types.js';
import { ControllerExpectations } from '../common/expectations.js';

export class CreateDeleteExpectations {
  private readonly adds: ControllerExpectations;
  private readonly dels: ControllerExpectations;

  constructor(clock?: Clock) {
    this.adds = new ControllerExpectations(clock);
    this.dels = new ControllerExpectations(clock);
  }

  satisfied(key: string): boolean {
    return this.adds.satisfied(key) && this.dels.satisfied(key);
  }

  /** Replaces both sides, as SetExpectations does. */
  expect(key: string, creations: number, deletions: string[]): void {
    this.adds.expectCreations(key, creations);
    this.dels.expectDeletions(key, deletions);
  }

  creationObserved(key: string): void {
    this.adds.creationObserved(key);
  }

  deletionObserved(key: string, podKey: string): void {
    this.dels.deletionObserved(key, podKey);
  }

  delete(key: string): void {
    this.adds.delete(key);
    this.dels.delete(key);
  }

  pending(key: string): { add: number; del: number } | undefined {
    const a = this.adds.pending(key);
    const d = this.dels.pending(key);
    return a || d ? { add: a?.add ?? 0, del: d?.del ?? 0 } : undefined;
  }
}
