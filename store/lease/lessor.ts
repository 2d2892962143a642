// Leases: a TTL that keys can be attached to; when the lease ends, its keys are deleted.
//
// What is replicated (through the Raft log) is only grant, revoke and which keys hang on which
// lease. Time is not: expiry is decided by the leader alone (the "primary" lessor) on its own clock,
// and it revokes an expired lease by proposing a revocation like any client would. Followers keep
// their leases at "never expires" (demoted). A new leader promotes its lessor and gives every lease
// its full TTL again plus an extension (an election's worth), so a leader change never expires a
// lease early: at worst one lives a little longer.

import type { KeyString } from '../mvcc/keys.js';

/** Leases may not outlive this many seconds (etcd's MaxLeaseTTL). */
export const MAX_LEASE_TTL = 9_000_000_000;
/** The "no lease" id. */
export const NO_LEASE = 0n;

/** etcd's messages; the gRPC layer adds the "etcdserver: " prefix and status code. */
export class LeaseNotFoundError extends Error {
  constructor() {
    super('requested lease not found');
    this.name = 'LeaseNotFoundError';
  }
}
export class LeaseExistsError extends Error {
  constructor() {
    super('lease already exists');
    this.name = 'LeaseExistsError';
  }
}
export class LeaseTtlTooLargeError extends Error {
  constructor() {
    super('too large lease TTL');
    this.name = 'LeaseTtlTooLargeError';
  }
}
export class NotPrimaryError extends Error {
  constructor() {
    super('not a primary lessor');
    this.name = 'NotPrimaryError';
  }
}

export class Lease {
  readonly keys = new Set<KeyString>();
  /** When it expires, in the clock's milliseconds; +Infinity while not primary. */
  expiry = Number.POSITIVE_INFINITY;

  constructor(
    readonly id: bigint,
    /** Granted TTL in seconds (after the minimum was applied). */
    readonly ttl: number,
  ) {}

  /** Seconds left, truncated (what TimeToLive reports); -1 once expired. */
  remainingSeconds(now: number): number {
    if (this.expiry === Number.POSITIVE_INFINITY) return this.ttl;
    const ms = this.expiry - now;
    return ms <= 0 ? -1 : Math.floor(ms / 1000);
  }
}

export interface LessorOptions {
  /** Shorter TTLs are raised to this (etcd: 1.5 election timeouts, rounded up to seconds). */
  minTtlSeconds: number;
  /** The leader's clock, in milliseconds. Injected so tests control time. */
  now: () => number;
}

/** What a snapshot carries of the lessor; attached keys are recovered from the keyspace. */
export interface LeaseDump {
  id: string; // decimal, to keep 64-bit ids exact through JSON
  ttl: number;
}

export class Lessor {
  private readonly leases = new Map<bigint, Lease>();
  private readonly keyLease = new Map<KeyString, bigint>();
  private primary = false;

  constructor(private readonly opts: LessorOptions) {}

  get isPrimary(): boolean {
    return this.primary;
  }

  /** Applied from the log on every member. */
  grant(id: bigint, ttlSeconds: number): Lease {
    if (id === NO_LEASE) throw new LeaseNotFoundError();
    if (ttlSeconds > MAX_LEASE_TTL) throw new LeaseTtlTooLargeError();
    if (this.leases.has(id)) throw new LeaseExistsError();
    const lease = new Lease(id, Math.max(ttlSeconds, this.opts.minTtlSeconds));
    if (this.primary) lease.expiry = this.opts.now() + lease.ttl * 1000;
    this.leases.set(id, lease);
    return lease;
  }

  /**
   * Applied from the log on every member. Returns the attached keys, sorted, for the caller to
   * delete in one transaction (sorted so every member deletes in the same order).
   */
  revoke(id: bigint): KeyString[] {
    const lease = this.leases.get(id);
    if (!lease) throw new LeaseNotFoundError();
    this.leases.delete(id);
    const keys = [...lease.keys].sort();
    for (const k of keys) this.keyLease.delete(k);
    return keys;
  }

  /** A put attached `key` to lease `id` (the caller detaches any previous lease first). */
  attach(id: bigint, key: KeyString): void {
    const lease = this.leases.get(id);
    if (!lease) throw new LeaseNotFoundError();
    lease.keys.add(key);
    this.keyLease.set(key, id);
  }

  /** The key was deleted, or put again without this lease. */
  detach(key: KeyString): void {
    const id = this.keyLease.get(key);
    if (id === undefined) return;
    this.keyLease.delete(key);
    this.leases.get(id)?.keys.delete(key);
  }

  leaseOf(key: KeyString): bigint {
    return this.keyLease.get(key) ?? NO_LEASE;
  }

  lookup(id: bigint): Lease | undefined {
    return this.leases.get(id);
  }

  /** All leases, by id. */
  list(): Lease[] {
    return [...this.leases.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** KeepAlive, on the leader only: the lease lives a full TTL from now. Returns the TTL. */
  renew(id: bigint): number {
    if (!this.primary) throw new NotPrimaryError();
    const lease = this.leases.get(id);
    const now = this.opts.now();
    // An expired lease is being revoked: renewing it would race with its revocation.
    if (!lease || lease.expiry <= now) throw new LeaseNotFoundError();
    lease.expiry = now + lease.ttl * 1000;
    return lease.ttl;
  }

  /** This member became leader: every lease gets its full TTL plus `extendMs` from now. */
  promote(extendMs: number): void {
    this.primary = true;
    const now = this.opts.now();
    for (const lease of this.leases.values()) lease.expiry = now + lease.ttl * 1000 + extendMs;
  }

  /** This member is no longer leader: leases never expire here until it leads again. */
  demote(): void {
    this.primary = false;
    for (const lease of this.leases.values()) lease.expiry = Number.POSITIVE_INFINITY;
  }

  /** On the leader: leases past their expiry, oldest first, at most `limit` (revocations to propose). */
  expired(limit = Number.POSITIVE_INFINITY): Lease[] {
    if (!this.primary) return [];
    const now = this.opts.now();
    const out = [...this.leases.values()].filter((l) => l.expiry <= now).sort((a, b) => a.expiry - b.expiry);
    return out.slice(0, limit);
  }

  dump(): LeaseDump[] {
    return this.list().map((l) => ({ id: l.id.toString(), ttl: l.ttl }));
  }

  /**
   * Replace all leases with a snapshot's; `keyLeases` (from the restored keyspace) re-attaches keys.
   * Expiry restarts: full TTL if primary, never otherwise.
   */
  load(leases: readonly LeaseDump[], keyLeases: Iterable<[KeyString, bigint]>): void {
    this.leases.clear();
    this.keyLease.clear();
    const now = this.opts.now();
    for (const d of leases) {
      const lease = new Lease(BigInt(d.id), d.ttl);
      if (this.primary) lease.expiry = now + lease.ttl * 1000;
      this.leases.set(lease.id, lease);
    }
    for (const [key, id] of keyLeases) if (this.leases.has(id)) this.attach(id, key);
  }
}
