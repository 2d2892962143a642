// core/v1 ConfigMap: string data and binary (base64) data under keys that become file names.

import { fieldError, type FieldError } from '../api/field-errors.js';
import { asObject, type Obj } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { defineStrategy } from './define-strategy.js';
import { MAX_DATA_SIZE, validateDataKeys, validateImmutableData } from './data-keys.js';

function validateConfigMap(obj: Obj): FieldError[] {
  const data = asObject(obj['data']) ?? {};
  const binaryData = asObject(obj['binaryData']) ?? {};
  const errs = validateDataKeys(data, 'data');
  let size = 0;
  for (const key of Object.keys(data).sort()) {
    if (key in binaryData) errs.push(fieldError.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(String(data[key] ?? ''));
  }
  errs.push(...validateDataKeys(binaryData, 'binaryData'));
  for (const v of Object.values(binaryData)) size += Buffer.from(String(v ?? ''), 'base64').length;
  // The path is empty: the error is about the object as a whole.
  if (size > MAX_DATA_SIZE) errs.push(fieldError.tooLong('', MAX_DATA_SIZE));
  return errs;
}

export const configmapsStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  model: 'V1ConfigMap',
  nameRule: nameIsDNSSubdomain,
  validateSpec: validateConfigMap,
  validateSpecUpdate: (obj, old) => validateImmutableData(obj, old, ['data', 'binaryData']),
});
