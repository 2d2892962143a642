// Removing owned paths from an object (structured-merge-diff's RemoveItems): a member path removes
// the field or list element with everything under it; a path that only has children descends.
// A map or list left empty by the removal disappears, as an unset Go field would.

import type { Json, JsonObject } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import type { FieldSet } from './field-set.js';
import { isJsonObject } from './json-value.js';
import { fieldSchemaOf, listElementPath, shapeOf } from './value-shape.js';

export function removeItems(value: Json, toRemove: FieldSet, schema: Schema | undefined): Json | undefined {
  if (toRemove.isEmpty()) return value;
  const shape = shapeOf(schema, value);
  if (shape.kind === 'scalar') return value;
  if (shape.kind === 'list') {
    if (!Array.isArray(value) || value.length === 0) return value;
    if (shape.relationship === 'atomic') return undefined;
    const out: Json[] = [];
    value.forEach((item, i) => {
      const element = listElementPath(shape, item, i);
      if (toRemove.has([element])) return;
      const below = toRemove.withPrefix(element);
      const kept = below.isEmpty() ? item : removeItems(item, below, shape.element);
      if (kept !== undefined) out.push(kept);
    });
    return out.length > 0 ? out : undefined;
  }
  if (!isJsonObject(value) || Object.keys(value).length === 0) return value;
  if (shape.atomic) return undefined;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const element = { field: key };
    if (toRemove.has([element])) continue;
    const below = toRemove.withPrefix(element);
    const kept = below.isEmpty() ? child : removeItems(child, below, fieldSchemaOf(shape, key));
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
