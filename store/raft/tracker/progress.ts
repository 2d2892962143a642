// The leader's view of one follower: how much of the log it holds (match), what to send next
// (next), and how to send it (the flow-control state).
//
//   probe:     we do not know where the follower's log ends; send one append at a time and wait
//              for the answer (or a heartbeat response) before sending the next.
//   replicate: the follower is keeping up; stream appends optimistically, up to the inflights
//              window, advancing `next` as soon as each append is sent (pipelining).
//   snapshot:  the follower needs a snapshot; send nothing until the host reports how it went.

import { Inflights } from './inflights.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match: number;
  next: number;
  state: ProgressState = 'probe';
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round (any response counts). */
  recentActive: boolean;
  /** Probe state: an append is in flight, wait before sending another. */
  msgAppFlowPaused = false;
  inflights: Inflights;
  isLearner: boolean;

  constructor(fields: { match: number; next: number; maxInflight: number; isLearner: boolean; recentActive?: boolean }) {
    this.match = fields.match;
    this.next = fields.next;
    this.inflights = new Inflights(fields.maxInflight);
    this.isLearner = fields.isLearner;
    this.recentActive = fields.recentActive ?? false;
  }

  clone(): Progress {
    const p = new Progress({ match: this.match, next: this.next, maxInflight: this.inflights.size, isLearner: this.isLearner });
    p.state = this.state;
    p.pendingSnapshot = this.pendingSnapshot;
    p.recentActive = this.recentActive;
    p.msgAppFlowPaused = this.msgAppFlowPaused;
    p.inflights = this.inflights.clone();
    return p;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // Coming back from a snapshot: the follower holds at least the snapshot, so probe after it.
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** An append carrying `count` entries (maybe 0) was just sent starting at `next`. */
  sentEntries(count: number): void {
    if (this.state === 'replicate') {
      if (count > 0) {
        this.next += count;
        this.inflights.add(this.next - 1);
      }
      this.msgAppFlowPaused = this.inflights.full();
    } else if (this.state === 'probe') {
      if (count > 0) this.msgAppFlowPaused = true;
    }
  }

  /** The follower acknowledged up to n. Returns whether this was news. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * The follower rejected an append at `rejected`; `matchHint` is where its log may match.
   * Returns false when the rejection is stale (answers an append we no longer care about).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      // In replicate state rejections of indexes at or below match are stale.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In probe state only the rejection of the one append in flight (at next - 1) matters.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /** May no new append be sent now? */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.msgAppFlowPaused;
      case 'replicate':
        return this.msgAppFlowPaused;
      case 'snapshot':
        return true;
    }
  }

  toString(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.state === 'snapshot') s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    if (this.inflights.length() > 0) s += ` inflight=${this.inflights.length()}`;
    if (this.inflights.full()) s += '[full]';
    return s;
  }
}
