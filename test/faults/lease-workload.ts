// The lease workload: every so often a lease is granted and a key is attached to it; a third of
// the leases are then revoked, a third kept alive for a while, the rest left to expire. A reader
// polls the leased keys with linearizable reads and records every sighting, which the lease
// checker compares with each lease's deadline.

import { EtcdClient, type KeepAlive } from '../../store/client/index.js';
import type { KvOp } from '../../store/verify/history.js';
import type { LeaseKeySeen, LeaseRecord } from '../../store/verify/lease-checker.js';
import { prng } from '../../store/verify/testing.js';

export const LEASE_PREFIX = 'lease/';

export interface LeaseWorkloadOptions {
  seed: number;
  endpoints: readonly string[];
  ttlSeconds: number;
  timeoutMs: number;
}

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class LeaseWorkload {
  readonly leases: LeaseRecord[] = [];
  readonly seen: LeaseKeySeen[] = [];
  /** The puts of leased keys, for the revision and durability checkers (not linearizability: leased keys vanish on their own). */
  readonly puts: KvOp[] = [];
  private readonly etcd: EtcdClient;
  private readonly reader: EtcdClient;
  private readonly keepAlives = new Set<KeepAlive>();
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly o: LeaseWorkloadOptions) {
    this.etcd = new EtcdClient({ endpoints: [...o.endpoints], callTimeoutMs: o.timeoutMs });
    this.reader = new EtcdClient({ endpoints: [...o.endpoints].reverse(), callTimeoutMs: o.timeoutMs });
  }

  start(): void {
    this.loops = [this.runLeases(), this.runReader()];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    for (const ka of this.keepAlives) this.endKeepAlive(ka);
  }

  close(): void {
    this.etcd.close();
    this.reader.close();
  }

  private endKeepAlive(ka: KeepAlive): void {
    ka.close();
    this.keepAlives.delete(ka);
    const l = this.leases.find((x) => x.id === ka.id);
    if (l) l.renewedUntil = now();
  }

  private async runLeases(): Promise<void> {
    const rnd = prng(this.o.seed * 31 + 5);
    let n = 0;
    while (!this.stopping) {
      await sleep(300 + rnd() * 700);
      const key = `${LEASE_PREFIX}${++n}`;
      let id: string;
      let grantedAt: number;
      try {
        const g = await this.etcd.lease.grant(this.o.ttlSeconds);
        id = g.ID;
        grantedAt = now();
      } catch {
        continue; // a lease we do not know of has no key of ours
      }
      const lease: LeaseRecord = { id, ttlMs: this.o.ttlSeconds * 1000, grantedAt, keys: [key] };
      this.leases.push(lease);
      const value = `lease-${n}`;
      const put: KvOp = { id: 1_000_000 + n, client: -1, key, input: { f: 'put', value }, call: now(), ret: Infinity, output: undefined };
      this.puts.push(put);
      try {
        const r = await this.etcd.kv.put(key, value, { lease: id });
        put.ret = now();
        put.output = { f: 'put', revision: Number(r.header?.revision) };
      } catch {
        /* unknown: the key may exist; it must expire all the same */
      }
      const fate = rnd();
      if (fate < 0.33) {
        void this.revokeLater(lease, 200 + rnd() * 800);
      } else if (fate < 0.66) {
        void this.keepAliveFor(lease, 1000 + rnd() * 2000);
      }
    }
  }

  private async revokeLater(lease: LeaseRecord, afterMs: number): Promise<void> {
    await sleep(afterMs);
    try {
      await this.etcd.lease.revoke(lease.id);
      lease.revokedAt = now();
    } catch {
      /* unknown: it will expire instead, or was revoked without our knowing when */
    }
  }

  private async keepAliveFor(lease: LeaseRecord, ms: number): Promise<void> {
    let ka: KeepAlive;
    try {
      ka = await this.etcd.lease.keepAlive(lease.id, { timeoutMs: this.o.timeoutMs });
    } catch {
      lease.renewedUntil = now(); // a renewal may have reached the store before we gave up
      return;
    }
    this.keepAlives.add(ka);
    await sleep(ms);
    if (this.keepAlives.has(ka)) this.endKeepAlive(ka);
  }

  private async runReader(): Promise<void> {
    while (!this.stopping) {
      await sleep(250);
      const call = now();
      try {
        const r = await this.reader.kv.range(LEASE_PREFIX, { prefix: true });
        const ret = now();
        for (const kv of r.kvs) {
          const key = kv.key.toString();
          const lease = this.leases.find((l) => l.keys.includes(key));
          if (lease) this.seen.push({ key, lease: lease.id, call, ret });
        }
      } catch {
        /* a failed read saw nothing */
      }
    }
  }
}
