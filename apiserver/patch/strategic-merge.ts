// Strategic merge patch (application/strategic-merge-patch+json), server side: the patch is merged
// into the live object as k8s.io/apimachinery/pkg/util/strategicpatch does for built-in kinds.
//
//  - maps merge key by key; `null` deletes a key;
//  - lists replace, unless the schema says x-kubernetes-patch-strategy: merge; then lists of objects
//    merge element by element on x-kubernetes-patch-merge-key, and lists of scalars are unioned;
//  - directives: `$patch: replace|delete` in a map or a list element, `$retainKeys` (keys not listed
//    are cleared), `$deleteFromPrimitiveList/<list>` and `$setElementOrder/<list>`.
//
// Element order of a merged list (the rule of strategicpatch's normalizeElementOrder): elements
// named in the patch keep the patch's order (or $setElementOrder's when given); the other elements
// keep the live order; the two runs are interleaved so that an element that exists in the live
// list stays put relative to the live elements around it, and a brand-new element goes before the
// live elements that follow its place - with no $setElementOrder that is the front of the list.
//
// kubectl computes the patch (its 3-way diff); the server only applies it, which is all this is.

import type { Json, JsonObject } from '../api/object.js';
import type { Schema } from '../schema/schema.js';
import { cloneJson, goFormat, goTypeName, isJsonObject, jsonKind, parseJson } from './json-value.js';
import { childSchema, patchMetaOf, type PatchMeta } from './patch-meta.js';
import { badRequest, genericUnprocessable, unknownServerError } from './patch-error.js';
import { goJsonTypeWord } from './json-patch.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// The errors of k8s.io/apimachinery/pkg/util/mergepatch, with the status patch.go gives each.
const badRetainKeys = () => badRequest('invalid patch format of retainKeys');
const badPrimitiveList = () => badRequest('invalid patch format of primitive list');
const badSetElementOrder = () => badRequest('invalid patch format of setElementOrder list');
const noMergeKey = (m: Json, key: string) => unknownServerError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const badArgType = (expected: string, actual: Json | undefined) =>
  unknownServerError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const badPatchType = (t: Json, m: Json) => unknownServerError(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);

/** Parses the request body and applies it to `document` (which is not modified). */
export function applyStrategicMergePatch(document: JsonObject, body: string, schema: Schema): JsonObject {
  const parsed = parseJson(body);
  if (!parsed.ok) throw badRequest(parsed.error);
  const patch = parsed.value;
  if (patch === null) return cloneJson(document); // Go decodes null into a nil map: nothing to do.
  if (!isJsonObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${goJsonTypeWord(patch)} into Go value of type map[string]interface {}`);
  }
  return strategicMergePatch(document, patch, schema);
}

/** Merges a decoded patch into a decoded object; neither input is modified. */
export function strategicMergePatch(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
  return mergeMap(cloneJson(original), cloneJson(patch), schema);
}

/** Merges patch into original (both owned by the caller and changed in place). */
function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
  if (DIRECTIVE in patch) return mapDirective(patch);
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema);
  // Deletions from primitive lists run after the merges, so the outcome never depends on key order.
  const deletions: Array<[string, Json]> = [];
  for (const [key, patchValue] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) deletions.push([key, patchValue]);
    else mergeField(original, key, patchValue, schema, false);
  }
  for (const [key, patchValue] of deletions) {
    mergeField(original, directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST), patchValue, schema, true);
  }
  return original;
}

/** `$patch` in a map: replace uses the patch as it is, delete leaves an empty map. */
function mapDirective(patch: JsonObject): JsonObject {
  const directive = patch[DIRECTIVE]!;
  if (directive === 'replace') {
    const { [DIRECTIVE]: _, ...rest } = patch;
    return cleanNewValue(rest).value as JsonObject;
  }
  if (directive === 'delete') return {};
  throw badPatchType(directive, patch);
}

/** Merges one patch field into original[key]. */
function mergeField(original: JsonObject, key: string, patchValue: Json, schema: Schema | undefined, isDeleteList: boolean): void {
  if (patchValue === null) {
    delete original[key];
    return;
  }
  const current = original[key];
  if (current === undefined || jsonKind(current) !== jsonKind(patchValue)) {
    // Nothing to merge with: the patch value is taken, minus directives and nulls, which typed
    // decoding in Kubernetes would drop. A deletion list never creates the list it deletes from.
    if (isDeleteList) return;
    const cleaned = cleanNewValue(patchValue);
    if (cleaned.keep && !key.startsWith('$')) original[key] = cleaned.value;
    else delete original[key];
    return;
  }
  const fieldSchema = childSchema(schema, key);
  const meta = patchMetaOf(fieldSchema);
  if (isJsonObject(current)) {
    original[key] = meta.strategy === 'replace' ? (cleanNewValue(patchValue).value as JsonObject) : mergeMap(current, patchValue as JsonObject, fieldSchema);
  } else if (Array.isArray(current)) {
    original[key] = mergeList(current, patchValue as Json[], fieldSchema, meta, isDeleteList);
  } else {
    original[key] = patchValue;
  }
}

/** `$retainKeys: [...]`: clears the fields of original not listed; the patch may only set listed ones. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS in patch)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw badRetainKeys();
  const kept = new Set(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!kept.has(key)) throw badRetainKeys();
  }
  for (const key of Object.keys(original)) if (!kept.has(key)) delete original[key];
}

/** The list a `$directive/<list>` key is about. */
function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === SET_ELEMENT_ORDER ? badSetElementOrder() : badPrimitiveList();
  }
  return key.slice(slash + 1);
}

/** Handles every `$setElementOrder/<list>`: merges that list now and puts it in the given order. */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, schema: Schema | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const listKey = directiveTarget(key, SET_ELEMENT_ORDER);
    const live = original[listKey];
    const patchList = patch[listKey];
    if (live !== undefined && !Array.isArray(live)) throw badArgType('[]interface {}', live);
    if (patchList !== undefined && !Array.isArray(patchList)) throw badArgType('[]interface {}', patchList);
    const fieldSchema = childSchema(schema, listKey);
    const meta = patchMetaOf(fieldSchema);
    validateAgainstOrder(patchList ?? [], order, meta.mergeKey);

    let merged: Json[];
    if (live && patchList) merged = mergeList(live, patchList, fieldSchema, meta, false);
    else if (live) merged = live;
    else if (patchList) merged = cleanNewValue(patchList).value as Json[];
    else continue;

    const isMap = elementKind(live ?? [], patchList ?? []) === 'object';
    const [named, others] = partition(merged, order, meta.mergeKey, isMap);
    original[listKey] = normalizeElementOrder(named, others, order, live ?? [], meta.mergeKey, isMap);
    delete patch[listKey];
  }
}

/** Every element of the patch list (deletions aside) must appear in $setElementOrder, in that order. */
function validateAgainstOrder(patchList: Json[], order: Json[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const candidates = mergeKey ? patchList.filter((item) => !isDeleteElement(item, true)) : patchList;
  let p = 0;
  let o = 0;
  while (p < candidates.length && o < order.length) {
    if (isJsonObject(candidates[p]) && DIRECTIVE in (candidates[p] as JsonObject)) {
      p++;
      continue;
    }
    if (sameElement(candidates[p]!, order[o]!, mergeKey, true)) p++;
    o++;
  }
  if (p < candidates.length && o >= order.length) {
    throw unknownServerError(`the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}`);
  }
}

/** Merges a patch list into a live list according to the field's patch strategy. */
function mergeList(live: Json[], patch: Json[], schema: Schema | undefined, meta: PatchMeta, isDeleteList: boolean): Json[] {
  if (meta.strategy !== 'merge') return cleanNewValue(patch).value as Json[];
  if (live.length === 0 && patch.length === 0) return live;
  const elementSchema = schema?.items;
  const kind = elementKind(live, patch);
  if (kind !== 'object') {
    if (isDeleteList) return live.filter((v) => !patch.includes(v));
    const merged = dedupe([...live, ...patch]);
    const [named, others] = partition(merged, patch, '', false);
    return normalizeElementOrder(named, others, patch, live, '', false);
  }
  if (!meta.mergeKey) throw unknownServerError('cannot merge lists without merge key for type struct');
  const special = applySpecialElements(live, patch, meta.mergeKey);
  const merged = mergeElements(special.live, special.patch, meta.mergeKey, elementSchema);
  const [named, others] = partition(merged, special.patch, meta.mergeKey, true);
  return normalizeElementOrder(named, others, special.patch, special.live, meta.mergeKey, true);
}

/** List elements carrying `$patch`: delete removes live elements with that key, replace drops the live list. */
function applySpecialElements(live: Json[], patch: Json[], mergeKey: string): { live: Json[]; patch: Json[] } {
  const plain: Json[] = [];
  let replace = false;
  for (const element of patch) {
    const obj = element as JsonObject;
    if (!(DIRECTIVE in obj)) {
      plain.push(element);
      continue;
    }
    const directive = obj[DIRECTIVE]!;
    if (directive === 'delete') {
      if (!(mergeKey in obj)) throw noMergeKey(obj, mergeKey);
      live = live.filter((item) => !(isJsonObject(item) && mergeKey in item && item[mergeKey] === obj[mergeKey]));
    } else if (directive === 'replace') {
      replace = true; // keep scanning: other $patch elements still have to be pruned
    } else if (directive === 'merge') {
      throw unknownServerError('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, obj);
    }
  }
  return replace ? { live: plain, patch: [] } : { live, patch: plain };
}

/** Merges each patch element into the live element with the same merge key, or appends it. */
function mergeElements(live: Json[], patch: Json[], mergeKey: string, elementSchema: Schema | undefined): Json[] {
  const result = [...live];
  for (const element of patch) {
    const obj = element as JsonObject;
    if (!(mergeKey in obj)) throw noMergeKey(obj, mergeKey);
    const at = result.findIndex((item) => isJsonObject(item) && mergeKey in item && item[mergeKey] === obj[mergeKey]);
    if (at >= 0) result[at] = mergeMap(result[at] as JsonObject, obj, elementSchema);
    else result.push(cleanNewValue(obj).value);
  }
  return result;
}

/** Splits a merged list into the elements named in `by` and the others, keeping merged order. */
function partition(merged: Json[], by: Json[], mergeKey: string, isMap: boolean): [Json[], Json[]] {
  const named: Json[] = [];
  const others: Json[] = [];
  for (const item of merged) {
    if (isMap && !(isJsonObject(item) && mergeKey in item)) throw noMergeKey(item, mergeKey);
    (indexIn(by, item, mergeKey, isMap) >= 0 ? named : others).push(item);
  }
  return [named, others];
}

/**
 * strategicpatch's normalizeElementOrder: patch elements sorted by patchOrder, server-only elements
 * by serverOrder, then interleaved: a server-only element goes first only while it precedes, in the
 * live list, the next patch element (and that patch element exists in the live list).
 */
function normalizeElementOrder(named: Json[], others: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, isMap: boolean): Json[] {
  const left = sortByOrder(others, serverOrder, mergeKey, isMap);
  const right = sortByOrder(named, patchOrder, mergeKey, isMap);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey, isMap);
      const ri = indexIn(serverOrder, right[j]!, mergeKey, isMap);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

/** Stable sort by position in `order`; `$patch: delete` elements go last. */
function sortByOrder(items: Json[], order: Json[], mergeKey: string, isMap: boolean): Json[] {
  let kept = items;
  let deletes: Json[] = [];
  if (isMap) {
    for (const item of [...items, ...order]) {
      if (!isJsonObject(item)) throw badArgType('map[string]interface {}', item);
      if (!(mergeKey in item)) throw noMergeKey(item, mergeKey);
    }
    kept = items.filter((item) => !isDeleteElement(item, false));
    deletes = items.filter((item) => isDeleteElement(item, false));
  }
  const sorted = kept
    .map((item, at) => ({ item, at, rank: indexIn(order, item, mergeKey, isMap) }))
    .sort((a, b) => (a.rank >= 0 && b.rank >= 0 && a.rank !== b.rank ? a.rank - b.rank : a.at - b.at))
    .map((entry) => entry.item);
  return [...sorted, ...deletes];
}

/** Position of an element in a list: by merge key value for objects, by value for scalars. */
function indexIn(list: Json[], item: Json, mergeKey: string, isMap: boolean): number {
  return list.findIndex((candidate) => sameElement(candidate, item, mergeKey, isMap));
}

function sameElement(a: Json, b: Json, mergeKey: string, isMap: boolean): boolean {
  if (!isMap || !mergeKey) return a === b;
  if (!isJsonObject(a)) throw badArgType('map[string]interface {}', a);
  if (!isJsonObject(b)) throw badArgType('map[string]interface {}', b);
  if (!(mergeKey in a)) throw noMergeKey(a, mergeKey);
  if (!(mergeKey in b)) throw noMergeKey(b, mergeKey);
  return a[mergeKey] === b[mergeKey];
}

function isDeleteElement(item: Json, strict: boolean): boolean {
  if (!isJsonObject(item)) {
    if (strict) throw badArgType('map[string]interface {}', item);
    return false;
  }
  return item[DIRECTIVE] === 'delete';
}

/** The one JSON type of all elements of the given lists (undefined when they are all empty). */
function elementKind(...lists: Json[][]): string | undefined {
  let kind: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = jsonKind(item);
      if (k === 'array') throw genericUnprocessable(); // mergepatch.ErrNoListOfLists, a 422
      if (kind === undefined) kind = k;
      else if (kind !== k) throw unknownServerError(`list element types are not identical: ${goFormat(lists)}`);
    }
  }
  return kind;
}

function dedupe(values: Json[]): Json[] {
  const out: Json[] = [];
  for (const v of values) if (!out.includes(v)) out.push(v);
  return out;
}

/**
 * A patch value that lands where there is nothing to merge with: maps holding `$patch` vanish
 * (strategicpatch's removeDirectives), null members vanish (discardNullValuesFromPatch), and other
 * `$` keys vanish as typed decoding drops unknown fields.
 */
function cleanNewValue(v: Json): { keep: boolean; value: Json } {
  if (Array.isArray(v)) {
    const items: Json[] = [];
    for (const item of v) {
      const c = cleanNewValue(item);
      if (c.keep) items.push(c.value);
    }
    return { keep: true, value: items };
  }
  if (!isJsonObject(v)) return { keep: true, value: v };
  if (DIRECTIVE in v) return { keep: false, value: null };
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(v)) {
    if (child === null || key.startsWith('$')) continue;
    const c = cleanNewValue(child);
    if (c.keep) out[key] = c.value;
  }
  return { keep: true, value: out };
}
