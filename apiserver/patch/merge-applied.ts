// Merging an applied configuration into the live object (structured-merge-diff's
// TypedValue.Merge): what the configuration sets wins, what it does not mention stays.
//  - scalars, atomic lists and atomic maps: the applied value replaces the live one;
//  - granular maps and structs: merged field by field;
//  - list-type map / set: merged element by element (matched by key / by value).
// Order of a merged list: live elements the configuration does not mention keep their places,
// elements it mentions come in the configuration's order, new ones where the configuration puts
// them (structured-merge-diff's visitListItems).
// A field whose merged value is null is left out, as decoding into a Go struct leaves it unset.

import type { Json, JsonObject } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import { isJsonObject } from './json-value.js';
import { indexList } from './compare-objects.js';
import { fieldSchemaOf, shapeOf, ShapeError } from './value-shape.js';

export function mergeApplied(live: Json | undefined, applied: Json | undefined, schema: Schema | undefined): Json | undefined {
  if (live === undefined) return applied === undefined ? undefined : mergeApplied(applied, applied, schema);
  if (applied === undefined) return live;
  const shape = shapeOf(schema, applied);
  if (shape.kind === 'scalar') return applied;
  const bothEmpty = isEmpty(live) && isEmpty(applied);
  if (shape.kind === 'list') {
    if (shape.relationship === 'atomic' || bothEmpty || !Array.isArray(applied)) return applied;
    return mergeLists(Array.isArray(live) ? live : [], applied, shape);
  }
  if (shape.atomic || bothEmpty) return applied;
  if (!isJsonObject(applied)) return isJsonObject(live) ? live : applied;
  const l: JsonObject = isJsonObject(live) ? live : {};
  const out: JsonObject = {};
  for (const key of Object.keys(l)) put(out, key, mergeApplied(l[key], applied[key], fieldSchemaOf(shape, key)));
  for (const key of Object.keys(applied)) if (!(key in l)) put(out, key, mergeApplied(undefined, applied[key], fieldSchemaOf(shape, key)));
  return out;
}

function put(out: JsonObject, key: string, value: Json | undefined): void {
  if (value !== undefined && value !== null) out[key] = value;
}

function isEmpty(v: Json): boolean {
  return v === null || (Array.isArray(v) && v.length === 0) || (isJsonObject(v) && Object.keys(v).length === 0);
}

function mergeLists(live: Json[], applied: Json[], shape: Extract<ReturnType<typeof shapeOf>, { kind: 'list' }>): Json[] {
  const rhs = indexList(shape, applied);
  // structured-merge-diff rejects an applied list that names the same element twice.
  if (rhs.size !== applied.length) throw new ShapeError('duplicate entries for key in the applied list');
  const lhs = indexList(shape, live);
  const lhsOrder = [...lhs.keys()];
  const rhsOrder = [...rhs.keys()];
  const shared = rhsOrder.filter((k) => lhs.has(k));
  let nextShared = shared.shift();
  const out: Json[] = [];
  const emit = (k: string) => {
    const merged = mergeApplied(lhs.get(k)?.item, rhs.get(k)?.item, shape.element);
    if (merged !== undefined) out.push(merged);
  };
  let li = 0;
  let ri = 0;
  while (li < lhsOrder.length || ri < rhsOrder.length) {
    if (li < lhsOrder.length && ri < rhsOrder.length) {
      const k = lhsOrder[li]!;
      if (k === rhsOrder[ri]) {
        emit(k);
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      // A shared element that the configuration wants later: it is emitted in the configuration's order.
      if (rhs.has(k) && nextShared !== undefined && nextShared !== k) {
        li++;
        continue;
      }
    }
    if (li < lhsOrder.length && !rhs.has(lhsOrder[li]!)) {
      emit(lhsOrder[li]!);
      li++;
      continue;
    }
    if (ri < rhsOrder.length) {
      const k = rhsOrder[ri]!;
      emit(k);
      ri++;
      if (nextShared === k) nextShared = shared.shift();
    } else {
      li++; // only shared live elements remain, already emitted in the configuration's order
    }
  }
  return out;
}
