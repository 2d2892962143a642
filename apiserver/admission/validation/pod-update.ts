// ValidatePodUpdate's central rule: a running pod's spec is fixed, except for a few fields the
// kubelet can apply in place. Kubernetes checks it by copying the allowed changes onto the old
// spec ("munging") and requiring the rest to be equal; this does the same on JSON.

import { child, fieldError, type FieldError } from '../../api/field-errors.js';
import { deepCopy } from '../../api/object.js';
import { jsonEqual } from './immutable.js';
import { asNumber, asObject, objectList, type Obj } from './json-access.js';
import { inclusiveRangeError } from './names.js';

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const MAX_INT32 = 2147483647;

/** activeDeadlineSeconds may be set, or lowered, never raised or removed. */
function validateActiveDeadline(spec: Obj, old: Obj, path: string): FieldError[] {
  const p = child(path, 'activeDeadlineSeconds');
  const now = asNumber(spec['activeDeadlineSeconds']);
  const before = asNumber(old['activeDeadlineSeconds']);
  if (now !== undefined) {
    if (now < 0 || now > MAX_INT32) return [fieldError.invalid(p, now, inclusiveRangeError(0, MAX_INT32))];
    if (before !== undefined && before < now) return [fieldError.invalid(p, now, 'must be less than or equal to previous value')];
  } else if (before !== undefined) {
    return [fieldError.invalid(p, null, 'must not update from a positive integer to nil value')];
  }
  return [];
}

/** Every old toleration must still be there; only its tolerationSeconds may change. */
function validateTolerations(spec: Obj, old: Obj, path: string): FieldError[] {
  const strip = (t: Obj): Obj => {
    const { tolerationSeconds: _ignored, ...rest } = t;
    return rest;
  };
  const now = objectList(spec['tolerations']).map(strip);
  for (const t of objectList(old['tolerations']).map(strip)) {
    if (!now.some((n) => jsonEqual(n, t))) {
      return [fieldError.forbidden(child(path, 'tolerations'), 'existing toleration can not be modified except its tolerationSeconds')];
    }
  }
  return [];
}

/** Copies the new images onto the old containers, when the lists line up one to one. */
function mungeImages(munged: Obj, spec: Obj, key: 'containers' | 'initContainers'): void {
  const now = objectList(spec[key]);
  const target = objectList(munged[key]);
  if (now.length !== target.length) return;
  target.forEach((c, i) => {
    c['image'] = now[i]!['image'];
  });
}

/** Errors of changing a pod's spec from `oldSpec` to `specValue`; `path` is 'spec'. */
export function validatePodSpecUpdate(specValue: unknown, oldSpecValue: unknown, path = 'spec'): FieldError[] {
  const spec = asObject(specValue) ?? {};
  const old = asObject(oldSpecValue) ?? {};
  const deadlineErrs = validateActiveDeadline(spec, old, path);
  if (deadlineErrs.length) return deadlineErrs;
  const errs = validateTolerations(spec, old, path);

  const munged = deepCopy(old);
  mungeImages(munged, spec, 'containers');
  mungeImages(munged, spec, 'initContainers');
  for (const k of ['activeDeadlineSeconds', 'tolerations'] as const) {
    if (spec[k] === undefined) delete munged[k];
    else munged[k] = deepCopy(spec[k]);
  }
  const oldGrace = asNumber(old['terminationGracePeriodSeconds']);
  if (oldGrace !== undefined && oldGrace < 0 && spec['terminationGracePeriodSeconds'] === 1) munged['terminationGracePeriodSeconds'] = 1;
  if (!jsonEqual(munged, spec)) errs.push(fieldError.forbidden(path, POD_UPDATE_FORBIDDEN));
  return errs;
}
