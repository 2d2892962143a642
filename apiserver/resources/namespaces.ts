// core/v1 Namespace (pkg/registry/core/namespace): a namespace starts Active with the
// `kubernetes` finalizer, which the namespace controller removes once it has emptied the namespace.

import { fieldError, type FieldError } from '../api/field-errors.js';
import { asObject, asString, ensureObject } from '../admission/validation/json-access.js';
import { isQualifiedName, nameIsDNSLabel } from '../admission/validation/names.js';
import { defineStrategy } from './define-strategy.js';

/** Finalizer names allowed without a domain prefix (helper.IsStandardFinalizerName). */
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateSpecFinalizers(finalizers: unknown): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of Array.isArray(finalizers) ? finalizers : []) {
    if (typeof f !== 'string') continue;
    for (const msg of isQualifiedName(f)) errs.push(fieldError.invalid('spec.finalizers', f, msg));
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(fieldError.invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

export const namespacesStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  model: 'V1Namespace',
  subresources: { status: true },
  nameRule: nameIsDNSLabel,
  defaults(obj) {
    // Every named namespace carries its own name as a label, so selectors can pick namespaces by name.
    const name = obj.metadata.name;
    if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
    const status = asObject(obj['status']);
    if (status && !status['phase']) status['phase'] = 'Active';
  },
  initialStatus: () => ({ phase: 'Active' }),
  prepareForCreate(obj) {
    const spec = ensureObject(obj, 'spec');
    const finalizers = Array.isArray(spec['finalizers']) ? (spec['finalizers'] as unknown[]) : [];
    if (!finalizers.includes('kubernetes')) spec['finalizers'] = [...finalizers, 'kubernetes'];
  },
  prepareForUpdate(obj, old) {
    // spec.finalizers change only through the finalize subresource.
    const oldFinalizers = asObject(old['spec'])?.['finalizers'];
    const spec = ensureObject(obj, 'spec');
    if (oldFinalizers === undefined) delete spec['finalizers'];
    else spec['finalizers'] = structuredClone(oldFinalizers);
  },
  validateSpec: (obj) => validateSpecFinalizers(asObject(obj['spec'])?.['finalizers']),
  selectableFields: (obj) => ({ 'status.phase': asString(asObject(obj['status'])?.['phase']) ?? '' }),
});
