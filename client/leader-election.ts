// Leader election on a coordination.k8s.io/v1 Lease (client-go's tools/leaderelection):
//
//  - A candidate reads the Lease. If someone else holds it and its record has changed within the
//    last leaseDuration (measured on *our* clock from when we saw it change, never by comparing
//    clocks across machines), it waits retryPeriod and tries again. Otherwise it writes itself as
//    holder, conditional on the resourceVersion it read: of two candidates, one gets 409.
//  - The leader renews every retryPeriod. If it has not renewed for renewDeadline it stops leading
//    (aborts the signal given to onStartedLeading and calls onStoppedLeading). Because
//    renewDeadline < leaseDuration, it stops before anyone else may take over.
//  - renewTime and acquireTime are MicroTime (RFC 3339 with 6 fraction digits).
//
//   const elector = new LeaderElector({ leases: cs.client(RESOURCES.leases), namespace: 'kube-system',
//     name: 'kube-controller-manager', identity, onStartedLeading: (signal) => runControllers(signal),
//     onStoppedLeading: () => process.exit(1) });
//   await elector.run(shutdownSignal);

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sleep } from './backoff.js';
import { errorText, stderrLogger, type Logger } from './log.js';
import { isNotFound, timeOf, type Clock, type KubeObject, type ResourceClient } from './types.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionConfig {
  leases: ResourceClient<Lease>;
  namespace: string;
  name: string;
  /** Unique per process: client-go uses hostname + "_" + a UUID. */
  identity?: string;
  /** kube-controller-manager's --leader-elect-lease-duration (15 s). */
  leaseDurationMs?: number;
  /** --leader-elect-renew-deadline (10 s): must be below leaseDurationMs. */
  renewDeadlineMs?: number;
  /** --leader-elect-retry-period (2 s). */
  retryPeriodMs?: number;
  /** On a clean stop (the run signal aborts), give the Lease up so another candidate takes over at once. */
  releaseOnCancel?: boolean;
  /** Runs while we lead; the signal aborts when we stop leading. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called once after leading ends (lost or cancelled). */
  onStoppedLeading?(): void;
  /** Called whenever the observed holder changes (including to us). */
  onNewLeader?(identity: string): void;
  log?: Logger;
  clock?: Clock;
}

/** metav1.MicroTime's wire form. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private readonly clock: Clock;
  /** The Lease as last read or written, and when (our clock) its record last changed. */
  private observed: Lease | undefined;
  private observedAt = 0;
  private reportedLeader = '';

  constructor(private readonly config: LeaderElectionConfig) {
    this.identity = config.identity ?? defaultIdentity();
    this.leaseDurationMs = config.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = config.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseDurationMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.retryPeriodMs * 1.2 >= this.renewDeadlineMs) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
    this.log = config.log ?? stderrLogger('leader-election');
    this.clock = config.clock ?? { now: () => Date.now() };
  }

  /** The holder in the last observed record ('' if none). */
  getLeader(): string {
    return this.observed?.spec?.holderIdentity ?? '';
  }

  isLeader(): boolean {
    return this.getLeader() === this.identity;
  }

  /**
   * Campaigns until elected, leads until renewal fails or `signal` aborts, then returns.
   * Like client-go, a component normally exits when this returns: its caches may be stale.
   */
  async run(signal: AbortSignal): Promise<void> {
    const lock = `${this.config.namespace}/${this.config.name}`;
    this.log.info(`attempting to acquire leader lease ${lock}...`);
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) break;
      await sleep(this.retryPeriodMs * (1 + Math.random() * 1.2), signal);
    }
    if (signal.aborted) return;
    this.log.info(`successfully acquired lease ${lock}`);

    const leading = new AbortController();
    const onAbort = () => leading.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      Promise.resolve(this.config.onStartedLeading(leading.signal)).catch((err: unknown) => this.log.error(`onStartedLeading failed: ${errorText(err)}`));
    } catch (err) {
      this.log.error(`onStartedLeading failed: ${errorText(err)}`);
    }

    await this.renewLoop(signal);
    signal.removeEventListener('abort', onAbort);
    leading.abort();
    if (signal.aborted) {
      if (this.config.releaseOnCancel) await this.release();
    } else {
      this.log.error(`failed to renew lease ${lock}: leader election lost`);
    }
    this.config.onStoppedLeading?.();
  }

  /** Renews every retryPeriod; returns when renewal failed for renewDeadline or the signal aborted. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    let lastRenewed = this.clock.now();
    while (!signal.aborted) {
      await sleep(this.retryPeriodMs, signal);
      if (signal.aborted) return;
      const deadline = lastRenewed + this.renewDeadlineMs;
      const attemptAt = this.clock.now();
      if (attemptAt >= deadline) return;
      // A request still in flight at the deadline counts as a failure: we must stop before the lease ends.
      const timer = new AbortController();
      const ok = await Promise.race([this.tryAcquireOrRenew(), sleep(deadline - attemptAt, timer.signal).then(() => false)]);
      timer.abort();
      if (ok && this.isLeader()) lastRenewed = attemptAt;
      else if (this.clock.now() >= deadline || (this.observed && !this.isLeader() && this.getLeader() !== '')) return;
    }
  }

  /** One attempt to become or stay the holder. Never throws. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const { leases, namespace, name } = this.config;
    const spec: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    let current: Lease;
    try {
      current = await leases.get(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.warn(`error retrieving lease ${namespace}/${name}: ${errorText(err)}`);
        return false;
      }
      try {
        const created = await leases.create(namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec });
        this.observe(created, now);
        return true;
      } catch (createErr) {
        this.log.warn(`error creating lease ${namespace}/${name}: ${errorText(createErr)}`);
        return false;
      }
    }

    this.observe(current, now);
    const record = current.spec ?? {};
    const holder = record.holderIdentity ?? '';
    const heldForMs = (record.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== this.identity && this.observedAt + heldForMs > now) return false;

    if (holder === this.identity) {
      spec.acquireTime = record.acquireTime ?? spec.acquireTime;
      spec.leaseTransitions = record.leaseTransitions ?? 0;
    } else {
      spec.leaseTransitions = (record.leaseTransitions ?? 0) + 1;
    }
    try {
      // metadata.resourceVersion makes the write conditional: a concurrent candidate's write wins, ours gets 409.
      const updated = await leases.update({ ...current, spec });
      this.observe(updated, now);
      return true;
    } catch (err) {
      this.log.warn(`failed to update lease ${namespace}/${name}: ${errorText(err)}`);
      return false;
    }
  }

  /** Gives the Lease up (holder '', duration 1 s) if we still hold it. */
  private async release(): Promise<void> {
    if (!this.isLeader() || !this.observed) return;
    const now = this.clock.now();
    try {
      const released = await this.config.leases.update({
        ...this.observed,
        spec: { ...this.observed.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now) },
      });
      this.observe(released, now);
    } catch (err) {
      this.log.warn(`failed to release lease: ${errorText(err)}`);
    }
  }

  /** Records what we saw; the "observed at" time moves only when the record changed. */
  private observe(lease: Lease, now: number): void {
    const a = this.observed?.spec;
    const b = lease.spec;
    const changed =
      !a || a.holderIdentity !== b?.holderIdentity || timeOf(a.renewTime) !== timeOf(b?.renewTime) || a.acquireTime !== b?.acquireTime || a.leaseTransitions !== b?.leaseTransitions;
    this.observed = lease;
    if (changed) this.observedAt = now;
    const leader = b?.holderIdentity ?? '';
    if (leader !== this.reportedLeader) {
      this.reportedLeader = leader;
      if (leader) {
        this.log.info(`new leader elected: ${leader}`);
        this.config.onNewLeader?.(leader);
      }
    }
  }
}
