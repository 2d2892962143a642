// Member and cluster identities.
//
// etcd's ids are 64-bit: a member id is derived from the member's peer URLs and the cluster token
// (so every founding member computes the same ids for everyone), a cluster id from the member ids.
// We keep them as bigint end to end. The Raft core names members with a safe integer; a member's
// Raft id is its member id's low 52 bits, and the member table refuses an id whose Raft id would
// collide with another member's.

import { createHash } from 'node:crypto';

const RAFT_ID_MASK = (1n << 52n) - 1n;

function hashToU64(parts: string[]): bigint {
  const digest = createHash('sha1').update(parts.join('')).digest();
  return digest.readBigUInt64BE(0);
}

/** A founding member's id: from its sorted peer URLs and the cluster token, like etcd. */
export function memberIdFor(peerUrls: readonly string[], clusterToken: string, salt = ''): bigint {
  const id = hashToU64([...[...peerUrls].sort(), clusterToken, salt]);
  return id === 0n ? 1n : id;
}

/** The cluster id: from the founding members' ids, sorted, so every founder agrees on it. */
export function clusterIdFor(memberIds: readonly bigint[]): bigint {
  const sorted = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const buf = Buffer.alloc(8 * sorted.length);
  sorted.forEach((id, i) => buf.writeBigUInt64BE(id, i * 8));
  const id = createHash('sha1').update(buf).digest().readBigUInt64BE(0);
  return id === 0n ? 1n : id;
}

/** The Raft core's name for a member. */
export function raftIdOf(memberId: bigint): number {
  const id = Number(memberId & RAFT_ID_MASK);
  return id === 0 ? 1 : id;
}

/** etcd prints ids as lowercase hex without leading zeros. */
export function idToHex(id: bigint): string {
  return id.toString(16);
}

export function hexToId(s: string): bigint {
  if (!/^[0-9a-fA-F]{1,16}$/.test(s)) throw new Error(`invalid member id ${JSON.stringify(s)}`);
  return BigInt(`0x${s}`);
}

/** Parse etcd's --initial-cluster: "name1=http://a:2380,name2=http://b:2380" (a name may repeat for several URLs). */
export function parseInitialCluster(s: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`--initial-cluster: expected name=url, got ${JSON.stringify(part)}`);
    const name = part.slice(0, eq);
    const url = part.slice(eq + 1);
    try {
      new URL(url);
    } catch {
      throw new Error(`--initial-cluster: invalid URL ${JSON.stringify(url)} for member ${name}`);
    }
    out.set(name, [...(out.get(name) ?? []), url]);
  }
  if (out.size === 0) throw new Error('--initial-cluster is empty');
  return out;
}
