// kubectl apply's three-way merge. `original` is the last-applied configuration (the annotation),
// `modified` is the file (with the new annotation), `current` is the live object. The patch sets
// every field that the file changed relative to the live object, and deletes (null, or a
// `$patch: delete` list item) every field that the previous apply set and the file no longer has —
// never fields that other writers (controllers, kubectl scale) set, because those are in neither.
//
// With `strategic`, lists of objects with a merge key (containers by name, ports by containerPort,
// ...) are merged item by item as the strategic-merge-patch schema of the built-in kinds says; the
// keys below are that schema's patchMergeKeys for the lists people write in manifests. Without it
// (custom resources, sent as a JSON merge patch) lists are replaced whole.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  ownerReferences: 'uid',
};

/** The merge key of a list field: ports are keyed by containerPort in containers, by port in services. */
export function mergeKeyFor(field: string, items: readonly Json[]): string | undefined {
  if (field === 'ports') return items.some((i) => isObj(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The patch that takes `current` to `modified`, deleting what `original` had and `modified` dropped. */
export function threeWayPatch(original: unknown, modified: unknown, current: unknown, strategic: boolean): Record<string, unknown> {
  return diffMaps(isObj(original) ? original : undefined, isObj(modified) ? modified : {}, isObj(current) ? current : {}, strategic);
}

function diffMaps(original: Obj | undefined, modified: Obj, current: Obj, strategic: boolean): Obj {
  const patch: Obj = {};
  for (const [k, m] of Object.entries(modified)) {
    const c = current[k];
    const o = original?.[k];
    if (isObj(m) && isObj(c)) {
      const sub = diffMaps(isObj(o) ? o : undefined, m, c, strategic);
      if (Object.keys(sub).length > 0) patch[k] = sub;
      continue;
    }
    const key = strategic && Array.isArray(m) ? mergeKeyFor(k, m) : undefined;
    if (key && Array.isArray(m) && Array.isArray(c) && m.every(isObj) && c.every(isObj)) {
      const items = diffLists(Array.isArray(o) ? o.filter(isObj) : [], m as Obj[], c as Obj[], key, strategic);
      if (items.length > 0) patch[k] = items;
      continue;
    }
    if (!deepEqual(m, c)) patch[k] = m;
  }
  for (const k of Object.keys(original ?? {})) if (!(k in modified)) patch[k] = null;
  return patch;
}

function diffLists(original: Obj[], modified: Obj[], current: Obj[], key: string, strategic: boolean): Obj[] {
  const out: Obj[] = [];
  const find = (list: Obj[], v: Json | undefined) => list.find((i) => deepEqual(i[key], v));
  for (const item of modified) {
    const cur = find(current, item[key]);
    if (!cur) {
      out.push(item);
      continue;
    }
    const sub = diffMaps(find(original, item[key]), item, cur, strategic);
    if (Object.keys(sub).length > 0) out.push({ [key]: item[key]!, ...sub });
  }
  for (const item of original) {
    if (!find(modified, item[key]) && find(current, item[key])) out.push({ [key]: item[key]!, $patch: 'delete' });
  }
  return out;
}
