// What strategic merge patch needs to know about a field, read from the kind's Schema: the schema
// of a child, the patch strategy (merge / replace / retainKeys) and the merge key of a list.
// Built-in kinds carry these as x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key (the
// OpenAPI form of the Go struct tags patchStrategy and patchMergeKey).

import type { Schema } from '../schema/schema.js';
import { unknownServerError } from './patch-error.js';

/** The schema of field `key` of an object: a named property, else the map's value schema. */
export function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema) return undefined;
  const named = schema.properties?.[key];
  if (named) return named;
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

export interface PatchMeta {
  /** 'merge', 'replace' or '' (the default: maps merge, lists replace). */
  strategy: string;
  /** True when the strategy also lists retainKeys (e.g. volumes' 'merge,retainKeys'). */
  retainKeys: boolean;
  /** The list element field that identifies an element, e.g. 'name' for containers. */
  mergeKey: string;
}

/** Splits 'merge,retainKeys' the way strategicpatch's extractRetainKeysPatchStrategy does. */
export function patchMetaOf(schema: Schema | undefined): PatchMeta {
  const raw = schema?.['x-kubernetes-patch-strategy'] ?? '';
  const mergeKey = schema?.['x-kubernetes-patch-merge-key'] ?? '';
  const strategies = raw ? raw.split(',') : [];
  if (strategies.length === 0) return { strategy: '', retainKeys: false, mergeKey };
  if (strategies.length === 1) {
    return strategies[0] === 'retainKeys'
      ? { strategy: '', retainKeys: true, mergeKey }
      : { strategy: strategies[0]!, retainKeys: false, mergeKey };
  }
  if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') return { strategy: strategies[1]!, retainKeys: true, mergeKey };
    if (strategies[1] === 'retainKeys') return { strategy: strategies[0]!, retainKeys: true, mergeKey };
  }
  throw unknownServerError(`unexpected patch strategy: [${strategies.join(' ')}]`);
}
