// The scheduling queue (Kubernetes' PriorityQueue, without queueing hints):
//
//   activeQ         pods to try now: highest spec.priority first, then first come first served
//   backoffQ        pods that failed recently and wait out their backoff (1 s, 2 s, 4 s ... 10 s)
//   unschedulable   pods no node could take; they stay parked until the cluster changes (a node
//                   added or updated, a bound pod deleted) or they have waited maxUnschedulableMs
//   gated           pods with spec.schedulingGates, never tried until the gates are removed
//
// A cluster change that happens while a pod is being tried must not be lost: the pod was tried
// against the old state and would otherwise park until the next change. So each pop gets a cycle
// number and every move request records the current cycle; a pod that fails in a cycle at or before
// the last move request goes to backoffQ instead of unschedulable.

import type { V1Pod } from '@kubernetes/client-node';
import type { Clock } from '../client/types.js';

export interface QueuedPod {
  readonly key: string;
  pod: V1Pod;
  /** When the pod first entered the queue. */
  readonly initialTimestamp: number;
  /** When it was last queued: the FIFO order within a priority, and the start of its backoff. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** The cycle of its last pop. */
  cycle: number;
  /** Its spec changed while it was being tried. */
  updatedInFlight: boolean;
}

export interface QueueOptions {
  clock: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A parked pod is retried after this long even without a cluster change (Kubernetes: 5 min). */
  maxUnschedulableMs?: number;
}

export type MoveReason = 'NodeAdd' | 'NodeUpdate' | 'AssignedPodDelete' | 'ForceActivate';

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Whether a pod update can change a scheduling decision: anything but status and bookkeeping. */
export function podSpecChanged(oldPod: V1Pod, newPod: V1Pod): boolean {
  const strip = (p: V1Pod) => {
    const { status: _status, ...rest } = p;
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = p.metadata ?? {};
    return JSON.stringify({ ...rest, metadata: meta });
  };
  return strip(oldPod) !== strip(newPod);
}

const priorityOf = (p: V1Pod): number => p.spec?.priority ?? 0;
const gated = (p: V1Pod): boolean => (p.spec?.schedulingGates?.length ?? 0) > 0;

/** Binary heap with lazy deletion: an entry is live while `byKey` still points at it. */
class ActiveHeap {
  private readonly heap: { qp: QueuedPod; seq: number }[] = [];
  private readonly byKey = new Map<string, { qp: QueuedPod; seq: number }>();
  private seq = 0;

  get size(): number {
    return this.byKey.size;
  }
  has(key: string): boolean {
    return this.byKey.has(key);
  }
  get(key: string): QueuedPod | undefined {
    return this.byKey.get(key)?.qp;
  }
  values(): QueuedPod[] {
    return [...this.byKey.values()].map((e) => e.qp);
  }
  push(qp: QueuedPod): void {
    const e = { qp, seq: this.seq++ };
    this.byKey.set(qp.key, e);
    this.heap.push(e);
    this.up(this.heap.length - 1);
  }
  delete(key: string): boolean {
    return this.byKey.delete(key);
  }
  pop(): QueuedPod | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
      if (this.byKey.get(top.qp.key) === top) {
        this.byKey.delete(top.qp.key);
        return top.qp;
      }
    }
    return undefined;
  }
  private less(a: { qp: QueuedPod; seq: number }, b: { qp: QueuedPod; seq: number }): boolean {
    const pa = priorityOf(a.qp.pod);
    const pb = priorityOf(b.qp.pod);
    if (pa !== pb) return pa > pb;
    if (a.qp.timestamp !== b.qp.timestamp) return a.qp.timestamp < b.qp.timestamp;
    return a.seq < b.seq;
  }
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }
  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly active = new ActiveHeap();
  private readonly backoff = new Map<string, QueuedPod>();
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly gatedPods = new Map<string, QueuedPod>();
  private readonly inFlight = new Map<string, QueuedPod>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private waiters: ((qp: QueuedPod | undefined) => void)[] = [];
  private closed = false;

  constructor(opts: QueueOptions) {
    this.clock = opts.clock;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 60_000;
  }

  /** A pending pod seen by the informer. A pod already known is treated as an update. */
  add(pod: V1Pod): void {
    const key = podKey(pod);
    const existing = this.find(key);
    if (existing) {
      this.update(existing.pod, pod);
      return;
    }
    const now = this.clock.now();
    const qp: QueuedPod = { key, pod, initialTimestamp: now, timestamp: now, attempts: 0, cycle: 0, updatedInFlight: false };
    if (gated(pod)) this.gatedPods.set(key, qp);
    else this.pushActive(qp);
  }

  update(oldPod: V1Pod, newPod: V1Pod): void {
    const key = podKey(newPod);
    const changed = podSpecChanged(oldPod, newPod);
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      inFlight.pod = newPod;
      if (changed) inFlight.updatedInFlight = true;
      return;
    }
    const qp = this.find(key);
    if (!qp) {
      this.add(newPod);
      return;
    }
    qp.pod = newPod;
    if (this.gatedPods.has(key)) {
      if (!gated(newPod)) {
        this.gatedPods.delete(key);
        this.pushActive(qp);
      }
      return;
    }
    // A parked pod whose spec changed (a toleration added, a selector fixed) may fit now.
    if (this.unschedulable.has(key) && changed) {
      this.unschedulable.delete(key);
      this.moveToActiveOrBackoff(qp);
    }
  }

  delete(pod: V1Pod): void {
    const key = podKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.gatedPods.delete(key);
    this.inFlight.delete(key);
  }

  /** The next pod to try, if one is ready now. */
  tryPop(): QueuedPod | undefined {
    const qp = this.active.pop();
    if (!qp) return undefined;
    qp.attempts++;
    qp.cycle = ++this.schedulingCycle;
    qp.updatedInFlight = false;
    this.inFlight.set(qp.key, qp);
    return qp;
  }

  /** Waits for the next pod; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const qp = this.tryPop();
    if (qp) return Promise.resolve(qp);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The attempt of a popped pod is over (bound, parked or requeued). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  isInFlight(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** No node could take the pod: park it, unless the cluster changed while it was being tried. */
  addUnschedulable(qp: QueuedPod): void {
    if (!this.inFlight.has(qp.key) || this.queued(qp.key)) return;
    qp.timestamp = this.clock.now();
    if (this.moveRequestCycle >= qp.cycle || qp.updatedInFlight) this.backoff.set(qp.key, qp);
    else this.unschedulable.set(qp.key, qp);
  }

  /** The attempt failed for another reason (an API error): retry after the backoff. */
  addBackoff(qp: QueuedPod): void {
    if (!this.inFlight.has(qp.key) || this.queued(qp.key)) return;
    qp.timestamp = this.clock.now();
    this.backoff.set(qp.key, qp);
  }

  /** The cluster changed in a way that may let parked pods fit. */
  moveAllToActiveOrBackoff(_reason: MoveReason): void {
    for (const qp of [...this.unschedulable.values()]) {
      this.unschedulable.delete(qp.key);
      this.moveToActiveOrBackoff(qp);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  /** Moves pods whose backoff is over to activeQ, and pods parked too long out of unschedulable. */
  flush(): void {
    const now = this.clock.now();
    for (const qp of [...this.backoff.values()]) {
      if (this.backoffExpiry(qp) <= now) {
        this.backoff.delete(qp.key);
        this.pushActive(qp);
      }
    }
    for (const qp of [...this.unschedulable.values()]) {
      if (now - qp.timestamp >= this.maxUnschedulableMs) {
        this.unschedulable.delete(qp.key);
        this.moveToActiveOrBackoff(qp);
      }
    }
  }

  /** 1 s doubled per earlier attempt, capped (Kubernetes' calculateBackoffDuration). */
  backoffDuration(qp: QueuedPod): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < qp.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  close(): void {
    this.closed = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(undefined);
  }

  lengths(): { active: number; backoff: number; unschedulable: number; gated: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, gated: this.gatedPods.size, inFlight: this.inFlight.size };
  }

  /** Where a pod is, for tests and debugging. */
  where(key: string): 'active' | 'backoff' | 'unschedulable' | 'gated' | 'inFlight' | undefined {
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    if (this.gatedPods.has(key)) return 'gated';
    if (this.inFlight.has(key)) return 'inFlight';
    return undefined;
  }

  private backoffExpiry(qp: QueuedPod): number {
    return qp.timestamp + this.backoffDuration(qp);
  }

  private moveToActiveOrBackoff(qp: QueuedPod): void {
    if (this.backoffExpiry(qp) > this.clock.now()) this.backoff.set(qp.key, qp);
    else this.pushActive(qp);
  }

  private pushActive(qp: QueuedPod): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.active.push(qp);
      waiter(this.tryPop());
      return;
    }
    this.active.push(qp);
  }

  private queued(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.gatedPods.has(key);
  }

  private find(key: string): QueuedPod | undefined {
    return this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key) ?? this.gatedPods.get(key) ?? this.inFlight.get(key);
  }
}
