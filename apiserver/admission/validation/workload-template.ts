// The pod template of a controller (ReplicaSet, Deployment, StatefulSet, DaemonSet): selected by
// the controller's selector, and restarted forever, since the controller replaces pods that end.
// (ValidatePodTemplateSpecForReplicaSet / ...ForStatefulSet and the DaemonSet spec checks.)

import { child, fieldError, type FieldError } from '../../api/field-errors.js';
import { asObject, asStringMap } from './json-access.js';
import { validatePodTemplateSpec } from './pod-spec.js';
import { toSelector, validateSelectorMatchesTemplate } from './selectors.js';
import { goValue } from './go-syntax.js';

export interface ControllerTemplateRules {
  /** How the activeDeadlineSeconds error reads for this kind. */
  activeDeadline: (path: string, value: unknown) => FieldError;
}

export const replicaSetTemplateRules: ControllerTemplateRules = {
  activeDeadline: (path) => fieldError.forbidden(path, 'activeDeadlineSeconds in ReplicaSet is not Supported'),
};
export const statefulSetTemplateRules: ControllerTemplateRules = {
  activeDeadline: (path) => fieldError.forbidden(path, 'activeDeadlineSeconds in StatefulSet is not Supported'),
};
export const daemonSetTemplateRules: ControllerTemplateRules = {
  activeDeadline: (path, value) => fieldError.invalid(path, value, 'activeDeadlineSeconds must be nil for daemons'),
};

/**
 * `spec` is the controller's spec; errors name `spec.template...`. A selector that cannot be
 * converted is reported once ("invalid label selector") and the template is then not checked,
 * as Kubernetes does.
 */
export function validateControllerTemplate(spec: Record<string, unknown>, rules: ControllerTemplateRules): FieldError[] {
  const selector = toSelector(spec['selector']);
  if (!selector) return [fieldError.invalid('spec.selector', goValue.labelSelector(spec['selector']), 'invalid label selector')];
  const template = asObject(spec['template']) ?? {};
  const templateSpec = asObject(template['spec']) ?? {};
  const errs = validateSelectorMatchesTemplate(selector, asStringMap(asObject(template['metadata'])?.['labels']), 'spec.template');
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const restartPolicy = templateSpec['restartPolicy'];
  if (restartPolicy !== 'Always') errs.push(fieldError.notSupported(child('spec.template.spec', 'restartPolicy'), restartPolicy ?? '', ['Always']));
  if (templateSpec['activeDeadlineSeconds'] !== undefined && templateSpec['activeDeadlineSeconds'] !== null) {
    errs.push(rules.activeDeadline('spec.template.spec.activeDeadlineSeconds', templateSpec['activeDeadlineSeconds']));
  }
  return errs;
}
