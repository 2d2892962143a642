// Small, typed readers over plain JSON objects. Kinds are not modelled as classes (see
// api/object.ts), so defaulting and validation walk `unknown` values; these helpers keep that
// walking short and make the "field absent or of the wrong shape" case explicit.

import { isPlainObject } from '../../api/object.js';

export type Obj = Record<string, unknown>;

/** The value as an object, or undefined when it is absent or not an object. */
export function asObject(v: unknown): Obj | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** parent[key] as an object, created empty when absent (for defaulting). */
export function ensureObject(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isPlainObject(v)) return v;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

/** The elements of an array that are objects (containers, ports...), or [] when absent. */
export function objectList(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** A map of strings (labels, annotations, configmap data); undefined when absent. */
export function asStringMap(v: unknown): Record<string, string> | undefined {
  if (!isPlainObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Sets parent[key] = value only when the field is absent (null counts as absent, as in Go). */
export function setDefault(parent: Obj, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = value;
}

/** Sets parent[key] when absent or the empty string: Go's `if x == "" { x = ... }`. */
export function setDefaultString(parent: Obj, key: string, value: string): void {
  if (parent[key] === undefined || parent[key] === null || parent[key] === '') parent[key] = value;
}
