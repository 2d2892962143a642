// The fields a value sets, as a FieldSet: what an applied configuration claims (structured-merge-
// diff's ToFieldSet). Leaves are scalars, atomic lists and atomic maps; list elements and the keys
// of maps are owned as elements too; struct fields that only hold other fields are not members.

import type { Json } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import type { Path } from './field-path.js';
import { FieldSet } from './field-set.js';
import { fieldSchemaOf, isNamedField, listElementPath, shapeOf } from './value-shape.js';

export function toFieldSet(value: Json, schema: Schema | undefined): FieldSet {
  const set = new FieldSet();
  walk(value, schema, [], set);
  return set;
}

function walk(value: Json, schema: Schema | undefined, path: Path, set: FieldSet): void {
  const shape = shapeOf(schema, value);
  if (shape.kind === 'scalar') {
    set.insert(path);
    return;
  }
  if (shape.kind === 'list') {
    if (shape.relationship === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => {
      const itemPath = [...path, listElementPath(shape, item, i)];
      walk(item, shape.element, itemPath, set);
      set.insert(itemPath);
    });
    return;
  }
  if (shape.atomic) {
    set.insert(path);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, { field: key }];
    walk(child, fieldSchemaOf(shape, key), childPath, set);
    if (!isNamedField(shape, key)) set.insert(childPath);
  }
}
