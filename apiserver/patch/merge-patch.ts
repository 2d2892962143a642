// RFC 7386 JSON Merge Patch (application/merge-patch+json): objects merge key by key, null deletes
// a key, anything else (arrays included) replaces. Kubernetes uses evanphx/json-patch, which also
// drops nulls from values that land where nothing was to merge with (a null there means "absent").

import type { Json, JsonObject } from '../api/object.js';
import { isJsonObject, parseJson } from './json-value.js';
import { badRequest } from './patch-error.js';

/** evanphx/json-patch's ErrBadJSONPatch, which patch.go turns into a 400. */
const BAD_MERGE_PATCH = 'Invalid JSON Patch';

/** Removes null members of objects, recursively (arrays are walked, their null items kept). */
function pruneNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, child] of Object.entries(v)) if (child !== null) out[k] = pruneNulls(child);
  return out;
}

/** Merges `patch` into `target`, returning a new value (inputs untouched). */
export function mergePatchValue(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return pruneNulls(patch);
  if (!isJsonObject(target)) return pruneNulls(patch);
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = k in target && target[k] !== null ? mergePatchValue(target[k], v) : pruneNulls(v);
  }
  return out;
}

/** Parses a merge patch body and applies it to a document. */
export function applyMergePatch(document: Json, body: string): Json {
  const parsed = parseJson(body);
  // Not JSON, or JSON null / a bare scalar: evanphx reports the patch itself as bad.
  if (!parsed.ok || parsed.value === null || (!isJsonObject(parsed.value) && !Array.isArray(parsed.value))) {
    throw badRequest(BAD_MERGE_PATCH);
  }
  return mergePatchValue(document, parsed.value);
}
