// apps/v1 DaemonSet: one pod per (matching) node.

import { fieldError, type FieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import { validateNonNegative } from '../admission/validation/immutable.js';
import { asObject, ensureObject, setDefault, setDefaultString } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { validateWorkloadSelector } from '../admission/validation/selectors.js';
import { daemonSetTemplateRules, validateControllerTemplate } from '../admission/validation/workload-template.js';
import { defaultTemplateOf, specOf, validateSelectorImmutable } from './apps-common.js';
import { defineStrategy } from './define-strategy.js';

function defaultDaemonSet(obj: KubeObject): void {
  const spec = defaultTemplateOf(obj);
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const ru = ensureObject(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
}

function validateDaemonSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateWorkloadSelector(spec['selector'], 'spec.selector', 'daemonset');
  errs.push(...validateControllerTemplate(spec, daemonSetTemplateRules));
  errs.push(...validateNonNegative(spec['minReadySeconds'], 'spec.minReadySeconds'));
  const strategy = asObject(spec['updateStrategy']) ?? {};
  if (strategy['type'] === 'RollingUpdate') {
    if (!asObject(strategy['rollingUpdate'])) errs.push(fieldError.required('spec.updateStrategy.rollingUpdate'));
  } else if (strategy['type'] !== 'OnDelete') {
    errs.push(fieldError.notSupported('spec.updateStrategy', strategy, ['RollingUpdate', 'OnDelete']));
  }
  errs.push(...validateNonNegative(spec['revisionHistoryLimit'], 'spec.revisionHistoryLimit'));
  return errs;
}

export const daemonsetsStrategy = defineStrategy({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  model: 'V1DaemonSet',
  subresources: { status: true },
  nameRule: nameIsDNSSubdomain,
  defaults: defaultDaemonSet,
  // These four counters have no omitempty: a new DaemonSet shows them as 0.
  initialStatus: () => ({ currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }),
  validateSpec: validateDaemonSet,
  validateSpecUpdate: validateSelectorImmutable,
});
