// RFC 6902 JSON Patch (application/json-patch+json), applied the way kube-apiserver applies it:
//  - a body that is not a JSON array of operation objects is a 400 (the decoder's complaint);
//  - more than 10000 operations is a 413;
//  - any operation that cannot be applied (a failed "test", a path that does not exist, an unknown
//    op) is a 422 whose message is a fixed sentence: Kubernetes does not pass the reason on.

import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { Json } from '../api/object.js';
import { isJsonObject, parseJson } from './json-value.js';
import { badRequest, genericUnprocessable, tooManyOperations } from './patch-error.js';

/** kube-apiserver's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** Decodes the body into operations, with the errors Go's decoder gives for a jsonpatch.Patch. */
function decodeOperations(body: string): Operation[] {
  const parsed = parseJson(body);
  if (!parsed.ok) throw badRequest(parsed.error);
  const ops = parsed.value;
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${goJsonTypeWord(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (!isJsonObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goJsonTypeWord(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return ops as unknown as Operation[];
}

/** The word encoding/json uses for a JSON value's type in "cannot unmarshal X into ...". */
export function goJsonTypeWord(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** Applies a JSON patch to a document; the input is never modified. */
export function applyJsonPatch(document: Json, body: string): Json {
  const ops = decodeOperations(body);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) throw tooManyOperations(MAX_JSON_PATCH_OPERATIONS, ops.length);
  try {
    // validate=true makes fast-json-patch reject malformed operations instead of guessing;
    // mutateDocument=false leaves the caller's object alone.
    return fastJsonPatch.applyPatch(document, ops, true, false).newDocument as Json;
  } catch {
    throw genericUnprocessable();
  }
}
