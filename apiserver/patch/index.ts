// Patches and server-side apply: pure functions the registry's PATCH handler calls with the live
// object and the request body. No I/O; every failure is a PatchError carrying the HTTP code, the
// Status reason and the message kube-apiserver would send (PatchError.toStatus()).
//
// Entry points:
//   contentTypeToPatchKind(contentType, strategicAllowed = true): 'json' | 'merge' | 'strategic' | 'apply'
//       From the Content-Type header; 415 UnsupportedMediaType otherwise (custom resources pass
//       strategicAllowed=false: strategic merge patch needs the built-in types' merge keys).
//   applyPatch(kind, current, patchBody, schema): KubeObject
//       JSON patch (RFC 6902), merge patch (RFC 7386) or strategic merge patch onto `current`,
//       returning a new object (current is not modified). Strategic needs the kind's schema.
//   parseApplyBody(body): KubeObject
//       Decodes an application/apply-patch+yaml body (YAML or JSON); 400 when it is not an object.
//   serverSideApply(current | undefined, applied, {manager, force, schema, apiVersion, subresource?, now}): KubeObject
//       Server-side apply; current undefined = create. Returns the merged object with
//       metadata.managedFields updated; 409 Conflict on conflicts unless force.
//   updateManagedFields(old | undefined, updated, {manager, operation: 'Update', schema, apiVersion, subresource?, now}): void
//       Ownership bookkeeping for create / update / json, merge and strategic patches: sets
//       updated.metadata.managedFields. Call it on the final object, after defaulting.
//   defaultFieldManager(userAgent): string
//       The manager name when the request has no fieldManager: the User-Agent up to its first '/'.
//   validatePatchOptions(kind, {fieldManager, force}): PatchError | undefined
//       The 422 for a missing fieldManager on apply, `force` on a non-apply patch, a bad manager name.

import type { Json, KubeObject } from '../api/object.js';
import { errorBody, errorText, fieldError, type FieldError } from '../api/field-errors.js';
import type { Schema } from '../schema/schema.js';
import { acceptedPatchTypes, type PatchKind } from './content-type.js';
import { isJsonObject } from './json-value.js';
import { applyJsonPatch } from './json-patch.js';
import { FIELD_MANAGER_MAX_LENGTH } from './managed-fields.js';
import { applyMergePatch } from './merge-patch.js';
import { PatchError, unsupportedMediaType } from './patch-error.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

export { contentTypeToPatchKind, acceptedPatchTypes, type PatchKind } from './content-type.js';
export { PatchError, type PatchErrorCause, type PatchErrorDetails, type PatchErrorReason } from './patch-error.js';
export { serverSideApply, parseApplyBody, BEFORE_FIRST_APPLY, type ApplyOptions } from './apply.js';
export { updateManagedFields, defaultFieldManager, type UpdateOptions, type ManagedFieldsEntryJson } from './managed-fields.js';
export { FieldSet } from './field-set.js';

/** Applies a JSON, merge or strategic merge patch to a copy of `current`. */
export function applyPatch(kind: Exclude<PatchKind, 'apply'>, current: KubeObject, patchBody: string, schema: Schema | undefined): KubeObject {
  const document = JSON.parse(JSON.stringify(current)) as Json;
  let result: Json;
  switch (kind) {
    case 'json':
      result = applyJsonPatch(document, patchBody);
      break;
    case 'merge':
      result = applyMergePatch(document, patchBody);
      break;
    case 'strategic':
      if (!schema) throw unsupportedMediaType(acceptedPatchTypes(false));
      result = applyStrategicMergePatch(document as Record<string, Json>, patchBody, schema);
      break;
  }
  if (!isJsonObject(result)) throw notAnObject(result);
  return result as unknown as KubeObject;
}

/** What Kubernetes answers when the patched document no longer decodes as an object. */
function notAnObject(result: Json): PatchError {
  const e = fieldError.invalid('patch', JSON.stringify(result), 'the patched object is not a JSON object');
  return new PatchError(422, 'Invalid', ` "" is invalid: ${errorText(e)}`, {
    causes: [{ reason: e.type, message: errorBody(e), field: e.field }],
  });
}

/** ValidatePatchOptions: the PatchOptions a request may carry for its kind of patch. */
export function validatePatchOptions(kind: PatchKind, opts: { fieldManager?: string; force?: boolean }): PatchError | undefined {
  const errs: FieldError[] = [];
  if (kind !== 'apply') {
    if (opts.force !== undefined) errs.push(fieldError.forbidden('force', 'may not be specified for non-apply patch'));
  } else if (!opts.fieldManager) {
    errs.push(fieldError.required('fieldManager', 'is required for apply patch'));
  }
  const manager = opts.fieldManager ?? '';
  if (Buffer.byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(fieldError.tooLong('fieldManager', FIELD_MANAGER_MAX_LENGTH));
  [...manager].forEach((ch, i) => {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errs.push(fieldError.invalid('fieldManager', manager, `invalid character U+${code} (at position ${i})`));
    }
  });
  if (errs.length === 0) return undefined;
  const text = errs.length === 1 ? errorText(errs[0]!) : `[${errs.map(errorText).join(', ')}]`;
  return new PatchError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: ${text}`, {
    group: 'meta.k8s.io',
    kind: 'PatchOptions',
    name: '',
    causes: errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
  });
}
