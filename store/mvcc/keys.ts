// Keys are bytes. The index stores them as latin1 strings (one char per byte), whose ordinary
// string order is exactly the bytewise order etcd uses, so no custom comparator is needed.

export type KeyString = string;

export const toKeyString = (b: Uint8Array): KeyString => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
export const fromKeyString = (s: KeyString): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/**
 * etcd's range conventions: an empty rangeEnd means the single key; rangeEnd "\0" means every key
 * >= key; otherwise the half-open range [key, rangeEnd). A key "\0" with rangeEnd "\0" is everything.
 */
export type KeyRange = { kind: 'single'; key: KeyString } | { kind: 'from'; key: KeyString } | { kind: 'range'; key: KeyString; end: KeyString };

export function keyRange(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeyRange {
  const k = toKeyString(key);
  if (!rangeEnd || rangeEnd.length === 0) return { kind: 'single', key: k };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { kind: 'from', key: k };
  return { kind: 'range', key: k, end: toKeyString(rangeEnd) };
}

/** The range end that selects every key with the given prefix (etcd's GetPrefixRangeEnd). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = new Uint8Array(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.slice(0, i + 1);
    }
  }
  // All 0xff: no upper bound, i.e. every key from the prefix on.
  return new Uint8Array([0]);
}

export function inRange(r: KeyRange, k: KeyString): boolean {
  switch (r.kind) {
    case 'single':
      return k === r.key;
    case 'from':
      return k >= r.key;
    case 'range':
      return k >= r.key && k < r.end;
  }
}
