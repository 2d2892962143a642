// How server-side apply sees a value, given its Schema: the shapes of structured-merge-diff.
//  - scalar: owned and replaced whole;
//  - list: 'atomic' (owned whole), 'set' (elements are their own identity: v:<value>) or
//    'map' (elements identified by their key fields: k:{...});
//  - map: a struct (named properties) or a map (additionalProperties); granular (each field owned
//    separately) unless x-kubernetes-map-type: atomic.
// Without a schema (or below x-kubernetes-preserve-unknown-fields) the shape is deduced from the
// value the way structured-merge-diff deduces it: objects are granular maps, lists are atomic.
//
// A list without x-kubernetes-list-type falls back on its strategic merge patch tags, as
// Kubernetes' OpenAPI-to-SMD conversion does: patch strategy merge with a merge key = list-type map
// on that key; merge without a key = set; anything else = atomic.

import type { Json, JsonObject } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import type { PathElement } from './field-path.js';
import { isJsonObject } from './json-value.js';

export type Shape =
  | { kind: 'scalar' }
  | { kind: 'list'; relationship: 'atomic' | 'set' | 'map'; keys: string[]; element: Schema | undefined }
  | { kind: 'map'; atomic: boolean; fields: Record<string, Schema>; element: Schema | undefined };

/** A malformed value or schema (e.g. a list-type map element without its key); callers map it to a status. */
export class ShapeError extends Error {}

export function shapeOf(schema: Schema | undefined, value: Json | undefined): Shape {
  if (!schema || isUntyped(schema)) return deducedShape(value);
  if (schema['x-kubernetes-int-or-string']) return { kind: 'scalar' };
  if (schema.type === 'array' || schema.items) return listShape(schema);
  if (schema.type === 'object' || schema.properties || schema.additionalProperties !== undefined) {
    return {
      kind: 'map',
      atomic: schema['x-kubernetes-map-type'] === 'atomic',
      fields: schema.properties ?? {},
      element: typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined,
    };
  }
  return { kind: 'scalar' };
}

/** A schema that says nothing about structure: free-form JSON. */
function isUntyped(schema: Schema): boolean {
  const noStructure = !schema.properties && !schema.items && schema.additionalProperties === undefined;
  return noStructure && (schema['x-kubernetes-preserve-unknown-fields'] === true || schema.type === 'object' || schema.type === undefined);
}

function deducedShape(value: Json | undefined): Shape {
  if (isJsonObject(value)) return { kind: 'map', atomic: false, fields: {}, element: undefined };
  if (Array.isArray(value)) return { kind: 'list', relationship: 'atomic', keys: [], element: undefined };
  return { kind: 'scalar' };
}

function listShape(schema: Schema): Shape {
  const element = schema.items;
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'map') return { kind: 'list', relationship: 'map', keys: schema['x-kubernetes-list-map-keys'] ?? [], element };
  if (listType === 'set') return { kind: 'list', relationship: 'set', keys: [], element };
  if (listType === 'atomic') return { kind: 'list', relationship: 'atomic', keys: [], element };
  const strategy = schema['x-kubernetes-patch-strategy'] ?? '';
  if (strategy === 'merge' || strategy === 'merge,retainKeys') {
    const mergeKey = schema['x-kubernetes-patch-merge-key'];
    return mergeKey ? { kind: 'list', relationship: 'map', keys: [mergeKey], element } : { kind: 'list', relationship: 'set', keys: [], element };
  }
  return { kind: 'list', relationship: 'atomic', keys: [], element };
}

/** The schema of a map's field: a named property, else the value schema (undefined = deduced). */
export function fieldSchemaOf(shape: Extract<Shape, { kind: 'map' }>, key: string): Schema | undefined {
  return shape.fields[key] ?? shape.element;
}

export function isNamedField(shape: Extract<Shape, { kind: 'map' }>, key: string): boolean {
  return key in shape.fields;
}

/** The path element that identifies a list element (structured-merge-diff's listItemToPathElement). */
export function listElementPath(shape: Extract<Shape, { kind: 'list' }>, item: Json, index: number): PathElement {
  if (shape.relationship === 'map') {
    if (!isJsonObject(item)) throw new ShapeError('associative list with keys may not have non-map elements');
    const key = [...shape.keys].sort().map((name) => {
      if (!(name in item)) {
        throw new ShapeError(`associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)`);
      }
      return { name, value: (item as JsonObject)[name]! };
    });
    return { key };
  }
  if (shape.relationship === 'set') {
    if (isJsonObject(item) || Array.isArray(item)) throw new ShapeError('associative list without keys has an element that is a map or list type');
    return { value: item };
  }
  return { index };
}
