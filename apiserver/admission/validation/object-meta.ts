// ValidateObjectMeta and ValidateObjectMetaUpdate (k8s.io/apimachinery/pkg/api/validation):
// the metadata rules every kind shares. Each kind chooses only its name rule.

import { child, fieldError, type FieldError } from '../../api/field-errors.js';
import type { ObjectMeta } from '../../api/object.js';
import { goValue } from './go-syntax.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameValidator } from './names.js';

/** Annotations may total 256 KiB (keys and values, in bytes). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Map keys in a stable order: Go iterates maps randomly, tests need one order. */
function sortedEntries(m: Record<string, string> | undefined): [string, string][] {
  return Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** ValidateLabels: every error is reported at the map's path, showing the bad key or value. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of sortedEntries(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(fieldError.invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(fieldError.invalid(path, v, msg));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (case-insensitive), the total size is bounded. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of sortedEntries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldError.invalid(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldError.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export interface ObjectMetaRules {
  namespaced: boolean;
  name: NameValidator;
}

/** ValidateObjectMeta of a top-level object (pod templates use validateTemplateMeta). */
export function validateObjectMeta(meta: ObjectMeta | undefined, rules: ObjectMetaRules, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of rules.name(m.generateName, true)) errs.push(fieldError.invalid(child(path, 'generateName'), m.generateName, msg));
  }
  if (!m.name) errs.push(fieldError.required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of rules.name(m.name, false)) errs.push(fieldError.invalid(child(path, 'name'), m.name, msg));
  if (rules.namespaced) {
    if (!m.namespace) errs.push(fieldError.required(child(path, 'namespace')));
    else for (const msg of nameIsNamespace(m.namespace)) errs.push(fieldError.invalid(child(path, 'namespace'), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldError.forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  errs.push(...validateTemplateMeta(m, path));
  for (const f of m.finalizers ?? []) {
    for (const msg of isQualifiedName(f)) errs.push(fieldError.invalid(child(path, 'finalizers'), f, msg));
  }
  return errs;
}

/** What a pod template's metadata must satisfy: labels and annotations only. */
export function validateTemplateMeta(meta: ObjectMeta | undefined, path: string): FieldError[] {
  return [
    ...validateLabels(meta?.labels, child(path, 'labels')),
    ...validateAnnotations(meta?.annotations, child(path, 'annotations')),
  ];
}

/** Namespace names are RFC 1123 labels wherever they appear. */
function nameIsNamespace(ns: string): string[] {
  return nameIsDNSLabel(ns, false);
}

/** ValidateObjectMetaUpdate, the parts a strategy owns (the registry keeps uid and timestamps). */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    // An object being deleted waits only for the finalizers it already had.
    const before = new Set(old.finalizers ?? []);
    const added = [...new Set(meta.finalizers ?? [])].filter((f) => !before.has(f)).sort();
    if (added.length > 0) {
      errs.push(
        fieldError.forbidden(
          child(path, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goValue.stringSlice(added).text}`,
        ),
      );
    }
  }
  return errs;
}
