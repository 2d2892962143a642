// Safe readers for the loosely typed JSON of a stored object. Printers must never throw on an odd
// object (a table of 500 pods should not fail because one has a strange status), so every reader
// returns a neutral value (empty string, 0, empty list or record) when the field is missing or has
// another type, as Go's zero values do for the typed structs the real printers read.

export type Rec = Record<string, unknown>;

export function rec(v: unknown): Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {};
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

/** The value at a path of keys, e.g. at(pod, 'spec', 'nodeName'). */
export function at(v: unknown, ...keys: string[]): unknown {
  let cur: unknown = v;
  for (const k of keys) cur = rec(cur)[k];
  return cur;
}

/** A string-to-string map (labels, nodeSelector, service selector); other values are skipped. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(rec(v))) if (typeof val === 'string') out[k] = val;
  return out;
}
