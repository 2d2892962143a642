// What ConfigMaps and Secrets share: keys that become file names, a 1 MiB cap on the data, and
// `immutable: true`, after which the data and the flag itself are frozen.

import { fieldError, type FieldError } from '../api/field-errors.js';
import { jsonEqual } from '../admission/validation/immutable.js';
import { isConfigMapKey } from '../admission/validation/names.js';
import { asObject, type Obj } from '../admission/validation/json-access.js';

/** core.MaxSecretSize: also the limit of a ConfigMap's data. */
export const MAX_DATA_SIZE = 1024 * 1024;

export const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/** `data[key]: Invalid value: "key": ...` for each bad key. */
export function validateDataKeys(data: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(data ?? {}).sort()) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldError.invalid(`${path}[${key}]`, key, msg));
  }
  return errs;
}

/** The immutable rule: once `immutable: true`, it stays, and the listed fields never change. */
export function validateImmutableData(obj: Obj, old: Obj, fields: readonly string[]): FieldError[] {
  if (old['immutable'] !== true) return [];
  const errs: FieldError[] = [];
  if (obj['immutable'] !== true) errs.push(fieldError.forbidden('immutable', IMMUTABLE_WHEN_SET));
  for (const f of fields) {
    if (!jsonEqual(asObject(obj[f]) ?? {}, asObject(old[f]) ?? {})) errs.push(fieldError.forbidden(f, IMMUTABLE_WHEN_SET));
  }
  return errs;
}
