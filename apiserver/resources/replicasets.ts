// apps/v1 ReplicaSet: keeps `replicas` pods matching its selector running.

import type { FieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import { validateNonNegative } from '../admission/validation/immutable.js';
import { asNumber, asObject, setDefault } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { validateWorkloadSelector } from '../admission/validation/selectors.js';
import { replicaSetTemplateRules, validateControllerTemplate } from '../admission/validation/workload-template.js';
import { defaultTemplateOf, specOf, validateSelectorImmutable } from './apps-common.js';
import { defineStrategy } from './define-strategy.js';
import { replicasScale } from './replicas-scale.js';

function validateReplicaSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateNonNegative(spec['replicas'], 'spec.replicas');
  errs.push(...validateNonNegative(spec['minReadySeconds'], 'spec.minReadySeconds'));
  // Kubernetes' message says "deployment" here too (shared wording in ValidateReplicaSetSpec).
  errs.push(...validateWorkloadSelector(spec['selector'], 'spec.selector', 'deployment'));
  errs.push(...validateControllerTemplate(spec, replicaSetTemplateRules));
  return errs;
}

export const replicasetsStrategy = defineStrategy({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  model: 'V1ReplicaSet',
  subresources: { status: true, scale: replicasScale },
  nameRule: nameIsDNSSubdomain,
  defaults: (obj) => setDefault(defaultTemplateOf(obj), 'replicas', 1),
  // ReplicaSetStatus.replicas has no omitempty: a new ReplicaSet shows replicas: 0.
  initialStatus: () => ({ replicas: 0 }),
  validateSpec: validateReplicaSet,
  validateSpecUpdate: validateSelectorImmutable,
  selectableFields: (obj) => ({ 'status.replicas': String(asNumber(asObject(obj['status'])?.['replicas']) ?? 0) }),
});
