// One step of a path into an object, as structured-merge-diff names it (sigs.k8s.io/
// structured-merge-diff/fieldpath): a field of a map or struct, a list element found by its keys
// (list-type map), a list element that is its own identity (list-type set), or a position (only for
// lists without identity). Paths are what server-side apply owns, compares and reports in conflicts.

import type { Json, JsonObject } from '../api/object.js';
import { isJsonObject } from './json-value.js';

export type PathElement =
  | { field: string }
  /** Key fields sorted by name: the identity of an element of a list-type map. */
  | { key: Array<{ name: string; value: Json }> }
  | { value: Json }
  | { index: number };

export type Path = PathElement[];

/** structured-merge-diff's total order on JSON values: numbers < strings < booleans < lists < maps < null. */
export function compareValues(a: Json, b: Json): number {
  const rank = (v: Json) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : v === null ? 5 : 4);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
      const c = compareValues(a[ka[i]!]!, b[kb[i]!]!);
      if (c !== 0) return c;
    }
    return ka.length - kb.length;
  }
  return 0;
}

/** Fields sort before keys, keys before values, values before indices; then by content. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const kind = (e: PathElement) => ('field' in e ? 0 : 'key' in e ? 1 : 'value' in e ? 2 : 3);
  const d = kind(a) - kind(b);
  if (d !== 0) return d;
  if ('field' in a && 'field' in b) return a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
  if ('key' in a && 'key' in b) {
    for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) {
      const x = a.key[i]!;
      const y = b.key[i]!;
      if (x.name !== y.name) return x.name < y.name ? -1 : 1;
      const c = compareValues(x.value, y.value);
      if (c !== 0) return c;
    }
    return a.key.length - b.key.length;
  }
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  if ('index' in a && 'index' in b) return a.index - b.index;
  return 0;
}

/** The element's key in managedFields' fieldsV1: `f:name`, `k:{"name":"web"}`, `v:"x"`, `i:0`. */
export function elementToFieldsV1Key(e: PathElement): string {
  if ('field' in e) return `f:${e.field}`;
  if ('key' in e) {
    const obj: JsonObject = {};
    for (const { name, value } of e.key) obj[name] = value;
    return `k:${JSON.stringify(obj)}`;
  }
  if ('value' in e) return `v:${JSON.stringify(e.value)}`;
  return `i:${e.index}`;
}

/** The inverse of elementToFieldsV1Key; undefined for a key it does not understand. */
export function elementFromFieldsV1Key(s: string): PathElement | undefined {
  const body = s.slice(2);
  try {
    switch (s.slice(0, 2)) {
      case 'f:':
        return { field: body };
      case 'k:': {
        const obj = JSON.parse(body) as Json;
        if (!isJsonObject(obj)) return undefined;
        return { key: Object.keys(obj).sort().map((name) => ({ name, value: obj[name]! })) };
      }
      case 'v:':
        return { value: JSON.parse(body) as Json };
      case 'i:': {
        const n = Number(body);
        return Number.isInteger(n) ? { index: n } : undefined;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** How a conflict names a path: `.spec.containers[name="web"].image`, `[=value]`, `[0]`. */
export function pathToString(path: Path): string {
  return path
    .map((e) => {
      if ('field' in e) return `.${e.field}`;
      if ('key' in e) return `[${e.key.map(({ name, value }) => `${name}=${JSON.stringify(value)}`).join(',')}]`;
      if ('value' in e) return `[=${JSON.stringify(e.value)}]`;
      return `[${e.index}]`;
    })
    .join('');
}
