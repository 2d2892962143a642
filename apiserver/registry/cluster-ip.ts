// Service cluster IPs, allocated from the service CIDR (Kubernetes' default 10.96.0.0/12 is what
// clusters usually run; we use its first /16 for room enough and simple arithmetic).
//
// An IP is claimed by creating /registry/ranges/serviceips/<ip> with a Txn that succeeds only if
// the key does not exist yet: two apiservers allocating at once can never hand out the same IP,
// and the claim survives apiserver restarts because it lives in the store.

import { cmp, op, type EtcdClient } from '../../store/client/index.js';

const CLAIM_PREFIX = '/registry/ranges/serviceips/';
const BASE = (10 << 24) | (96 << 16); // 10.96.0.0
const SIZE = 1 << 16;
/** 10.96.0.1 is the `kubernetes` service's address in every cluster. */
const FIRST_DYNAMIC = 10;

export function ipToString(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function inServiceRange(ip: string): boolean {
  const n = ipToNumber(ip);
  return n !== undefined && n > BASE && n < BASE + SIZE - 1;
}

export class ClusterIpAllocator {
  constructor(private readonly etcd: EtcdClient) {}

  /** Claims a specific IP; false if it is taken. */
  async claim(ip: string, owner: string): Promise<boolean> {
    const key = CLAIM_PREFIX + ip;
    const res = await this.etcd.kv.txn({ compare: [cmp.createRevision(key, '=', '0')], success: [op.put(key, owner)], failure: [] });
    return res.succeeded;
  }

  /** Claims a free IP, starting from a random point so that concurrent allocators rarely collide. */
  async allocate(owner: string): Promise<string> {
    const span = SIZE - FIRST_DYNAMIC - 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < 64; i++) {
      const ip = ipToString((BASE + FIRST_DYNAMIC + ((start + i) % span)) >>> 0);
      if (await this.claim(ip, owner)) return ip;
    }
    throw new Error('range is full');
  }

  async release(ip: string): Promise<void> {
    await this.etcd.kv.delete(CLAIM_PREFIX + ip);
  }
}
