// core/v1 Secret. `stringData` is a write-only convenience: the v1 conversion encodes it into
// `data` (overwriting keys it names) and it is never stored. Each well-known type requires its keys.

import { fieldError, type FieldError } from '../api/field-errors.js';
import { validateImmutableField } from '../admission/validation/immutable.js';
import { asObject, asString, type Obj } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { defineStrategy } from './define-strategy.js';
import { MAX_DATA_SIZE, validateDataKeys, validateImmutableData } from './data-keys.js';

/** The keys each built-in secret type must hold in data (all of them unless noted). */
const REQUIRED_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

function validateType(obj: Obj, data: Obj): FieldError[] {
  const type = asString(obj['type']) ?? '';
  const errs: FieldError[] = [];
  if (type === 'kubernetes.io/service-account-token') {
    const annotations = asObject(asObject(obj['metadata'])?.['annotations']) ?? {};
    if (!annotations['kubernetes.io/service-account.name']) {
      errs.push(fieldError.required('metadata.annotations[kubernetes.io/service-account.name]'));
    }
  } else if (type === 'kubernetes.io/basic-auth') {
    // Either credential is enough; neither is an error on both.
    if (!('username' in data) && !('password' in data)) {
      errs.push(fieldError.required('data[username]'), fieldError.required('data[password]'));
    }
  } else {
    for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in data)) errs.push(fieldError.required(`data[${key}]`));
  }
  return errs;
}

function validateSecret(obj: Obj): FieldError[] {
  const data = asObject(obj['data']) ?? {};
  const errs = validateDataKeys(data, 'data');
  let size = 0;
  for (const v of Object.values(data)) size += Buffer.from(String(v ?? ''), 'base64').length;
  if (size > MAX_DATA_SIZE) errs.push(fieldError.tooLong('data', MAX_DATA_SIZE));
  errs.push(...validateType(obj, data));
  return errs;
}

export const secretsStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  model: 'V1Secret',
  nameRule: nameIsDNSSubdomain,
  defaults(obj) {
    if (!obj['type']) obj['type'] = 'Opaque';
    const stringData = asObject(obj['stringData']);
    if (stringData) {
      const data = (asObject(obj['data']) ?? {}) as Obj;
      for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
      obj['data'] = data;
      delete obj['stringData'];
    }
  },
  validateSpec: validateSecret,
  validateSpecUpdate: (obj, old) => [...validateImmutableField(obj['type'], old['type'], 'type'), ...validateImmutableData(obj, old, ['data'])],
  selectableFields: (obj) => ({ type: asString(obj['type']) ?? '' }),
});
