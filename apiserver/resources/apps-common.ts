// What the apps/v1 controller kinds share: in apps/v1 a selector is fixed for life (the pods a
// controller owns must not silently change), and the pod template gets pod spec defaults.

import type { FieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import { goValue } from '../admission/validation/go-syntax.js';
import { validateImmutableField } from '../admission/validation/immutable.js';
import { asObject, ensureObject, type Obj } from '../admission/validation/json-access.js';
import { defaultPodTemplate } from './pod-defaults.js';

export function specOf(obj: KubeObject): Obj {
  return asObject(obj['spec']) ?? {};
}

/** `spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable` */
export function validateSelectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const selector = specOf(obj)['selector'];
  return validateImmutableField(selector, specOf(old)['selector'], 'spec.selector', goValue.labelSelector(selector));
}

/** Returns the spec (created when absent) after defaulting its pod template. */
export function defaultTemplateOf(obj: KubeObject): Obj {
  const spec = ensureObject(obj, 'spec');
  defaultPodTemplate(spec['template']);
  return spec;
}
