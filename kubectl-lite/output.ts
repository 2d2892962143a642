// -o yaml and -o json as kubectl prints them: keys in sorted order (kubectl goes through
// unstructured maps), JSON indented by 4 spaces, YAML without document markers for one object.

import { stringify } from 'yaml';

export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export function toJson(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 4) + '\n';
}

export function toYaml(v: unknown): string {
  return stringify(sortKeys(v), { lineWidth: 0, indentSeq: false });
}
