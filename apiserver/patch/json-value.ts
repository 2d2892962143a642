// Small helpers over parsed JSON shared by every patch flavour: type tests, deep equality that
// ignores key order (JSON objects are unordered), and Go's %v rendering, which Kubernetes uses when
// it quotes a value inside an error message ("map: map[image:nginx] does not contain ...").

import type { Json, JsonObject } from '../api/object.js';

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of two JSON values; object key order does not matter, array order does. */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

export function cloneJson<T extends Json | undefined>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Go's fmt %v of a value decoded by encoding/json: maps print sorted as map[k:v], slices as [a b]. */
export function goFormat(v: Json | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** Go's reflect type name of a decoded JSON value, as mergepatch.ErrBadArgType prints it. */
export function goTypeName(v: Json | undefined): string {
  if (v === undefined || v === null) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  if (isJsonObject(v)) return 'map[string]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int64' : 'float64';
}

/** The coarse JSON type, which is what strategic merge compares before merging two values. */
export function jsonKind(v: Json): 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'object' | 'string' | 'number' | 'boolean';
}

/** Parses a request body as JSON; undefined when it is not JSON at all. */
export function parseJson(body: string): { ok: true; value: Json } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body) as Json };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
