// pod-template-hash: names a Deployment's ReplicaSet after its pod template.
//
// Kubernetes (pkg/controller/controller_utils.go ComputeHash) feeds an fnv32a hasher with a
// go-spew dump of the Go PodTemplateSpec struct, then the collisionCount as 4 little-endian bytes,
// and renders the uint32 in decimal through rand.SafeEncodeString (each digit byte → one of
// "bcdfghjklmnpqrstvwxz2456789"). A spew dump of Go structs cannot be reproduced from JSON, so here
// the hasher is fed the template as canonical JSON (keys sorted, recursively) instead; everything
// else is Kubernetes' procedure. Hashes therefore have the same shape (up to 10 characters; the
// digits '0'-'9' are bytes 48-57, which land on "456789bcdf") and the same properties (stable, changes with the template and with
// collisionCount), but are not byte-identical to a real cluster's.

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level, so equal templates hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** apimachinery's rand.SafeEncodeString: avoids vowels and look-alikes (no bad words, no 0/1/l confusion). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHANUMS[b % SAFE_ALPHANUMS.length];
  return out;
}

export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
