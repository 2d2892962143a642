// apps/v1 Deployment (pkg/apis/apps/v1 SetDefaults_Deployment, pkg/apis/apps/validation).

import { fieldError, type FieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import { validateNonNegative } from '../admission/validation/immutable.js';
import { asNumber, asObject, ensureObject, setDefault, setDefaultString, type Obj } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { validateWorkloadSelector } from '../admission/validation/selectors.js';
import { replicaSetTemplateRules, validateControllerTemplate } from '../admission/validation/workload-template.js';
import { defaultTemplateOf, specOf, validateSelectorImmutable } from './apps-common.js';
import { defineStrategy } from './define-strategy.js';
import { replicasScale } from './replicas-scale.js';

function defaultDeployment(obj: KubeObject): void {
  const spec = defaultTemplateOf(obj);
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const rollingUpdate = ensureObject(strategy, 'rollingUpdate');
    setDefault(rollingUpdate, 'maxUnavailable', '25%');
    setDefault(rollingUpdate, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
}

function validateStrategy(strategy: Obj): FieldError[] {
  switch (strategy['type']) {
    case 'Recreate':
      return strategy['rollingUpdate'] ? [fieldError.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      const ru = asObject(strategy['rollingUpdate']);
      if (!ru) return [fieldError.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil')];
      // Both zero would let a rollout make no progress at all.
      const isZero = (v: unknown): boolean => v === 0 || v === '0%';
      if (isZero(ru['maxUnavailable']) && isZero(ru['maxSurge'])) {
        return [fieldError.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru['maxUnavailable'], 'may not be 0 when `maxSurge` is 0')];
      }
      return [];
    }
    default:
      return [fieldError.notSupported('spec.strategy', strategy, ['Recreate', 'RollingUpdate'])];
  }
}

function validateDeployment(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateNonNegative(spec['replicas'], 'spec.replicas');
  errs.push(...validateWorkloadSelector(spec['selector'], 'spec.selector', 'deployment'));
  errs.push(...validateControllerTemplate(spec, replicaSetTemplateRules));
  errs.push(...validateStrategy(asObject(spec['strategy']) ?? {}));
  errs.push(...validateNonNegative(spec['minReadySeconds'], 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec['revisionHistoryLimit'], 'spec.revisionHistoryLimit'));
  const deadline = asNumber(spec['progressDeadlineSeconds']);
  if (deadline !== undefined) {
    errs.push(...validateNonNegative(deadline, 'spec.progressDeadlineSeconds'));
    if (deadline <= (asNumber(spec['minReadySeconds']) ?? 0)) {
      errs.push(fieldError.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export const deploymentsStrategy = defineStrategy({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  model: 'V1Deployment',
  subresources: { status: true, scale: replicasScale },
  nameRule: nameIsDNSSubdomain,
  defaults: defaultDeployment,
  validateSpec: validateDeployment,
  validateSpecUpdate: validateSelectorImmutable,
});
