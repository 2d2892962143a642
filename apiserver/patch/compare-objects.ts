// Which fields a write added, changed or removed (structured-merge-diff's TypedValue.Compare).
// Ownership follows from it: a plain write (Update) takes the fields it added or changed, other
// managers lose them, and everyone loses the removed ones; an apply conflicts where another
// manager owns a field the apply adds or changes.
//
// Leaves (scalars, atomic lists and maps, and maps or lists empty on both sides) are compared
// whole. A granular map or list that did not exist before is itself "added" (fieldsV1 ".": {}),
// one that no longer exists is "removed".
//
// One approximation: in Go, a few fields are never absent (structs held by value such as metadata,
// spec, status, a pod template; lists without omitempty such as containers), so creating an object
// does not "add" them. JSON cannot tell, so the fields named in ALWAYS_PRESENT_FIELDS are treated
// as present-but-empty when absent.

import type { Json } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import type { Path } from './field-path.js';
import { FieldSet } from './field-set.js';
import { isJsonObject, jsonEqual } from './json-value.js';
import { fieldSchemaOf, listElementPath, shapeOf, type Shape } from './value-shape.js';
import type { PathElement } from './field-path.js';
import { elementToFieldsV1Key } from './field-path.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Fields that Kubernetes' Go types always serialize (by-value structs, lists without omitempty). */
export const ALWAYS_PRESENT_FIELDS: ReadonlySet<string> = new Set(['metadata', 'spec', 'status', 'template', 'strategy', 'resources', 'containers']);

export function compareObjects(lhs: Json | undefined, rhs: Json | undefined, schema: Schema | undefined): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  if (lhs !== undefined || rhs !== undefined) visit(lhs, rhs, schema, [], c);
  return c;
}

function leaf(lhs: Json | undefined, rhs: Json | undefined, path: Path, c: Comparison): void {
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!jsonEqual(lhs, rhs)) c.modified.insert(path);
}

function isEmptyCollection(v: Json | undefined): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isJsonObject(v) && Object.keys(v).length === 0);
}

function sameJsonType(a: Json, b: Json): boolean {
  return Array.isArray(a) === Array.isArray(b) && isJsonObject(a) === isJsonObject(b);
}

function visit(lhs: Json | undefined, rhs: Json | undefined, schema: Schema | undefined, path: Path, c: Comparison): void {
  const shape: Shape = shapeOf(schema, rhs ?? lhs);
  const last = path[path.length - 1];
  if (last && 'field' in last && ALWAYS_PRESENT_FIELDS.has(last.field)) {
    const empty = shape.kind === 'list' ? [] : shape.kind === 'map' && Object.keys(shape.fields).length > 0 ? {} : undefined;
    if (empty !== undefined) {
      lhs ??= empty;
      rhs ??= Array.isArray(empty) ? [] : {};
    }
  }
  if (lhs !== undefined && rhs !== undefined && lhs !== null && rhs !== null && !sameJsonType(lhs, rhs)) {
    leaf(lhs, rhs, path, c);
    return;
  }
  if (shape.kind === 'scalar') return leaf(lhs, rhs, path, c);
  const atomic = shape.kind === 'list' ? shape.relationship === 'atomic' : shape.atomic;
  if (atomic || (isEmptyCollection(lhs) && isEmptyCollection(rhs))) return leaf(lhs, rhs, path, c);

  if (shape.kind === 'list') {
    const left = indexList(shape, lhs);
    const right = indexList(shape, rhs);
    for (const [k, { element, item }] of left) visit(item, right.get(k)?.item, shape.element, [...path, element], c);
    for (const [k, { element, item }] of right) if (!left.has(k)) visit(undefined, item, shape.element, [...path, element], c);
  } else {
    const l = isJsonObject(lhs) ? lhs : {};
    const r = isJsonObject(rhs) ? rhs : {};
    for (const key of Object.keys(l)) visit(l[key], r[key], fieldSchemaOf(shape, key), [...path, { field: key }], c);
    for (const key of Object.keys(r)) if (!(key in l)) visit(undefined, r[key], fieldSchemaOf(shape, key), [...path, { field: key }], c);
  }
  // The granular node itself: new or gone.
  if (lhs === undefined || lhs === null) c.added.insert(path);
  else if (rhs === undefined || rhs === null) c.removed.insert(path);
}

/** List elements by identity; a repeated identity keeps its first occurrence, as structured-merge-diff does. */
export function indexList(shape: Extract<Shape, { kind: 'list' }>, list: Json | undefined): Map<string, { element: PathElement; item: Json }> {
  const out = new Map<string, { element: PathElement; item: Json }>();
  if (!Array.isArray(list)) return out;
  list.forEach((item, i) => {
    const element = listElementPath(shape, item, i);
    const k = elementToFieldsV1Key(element);
    if (!out.has(k)) out.set(k, { element, item });
  });
  return out;
}
