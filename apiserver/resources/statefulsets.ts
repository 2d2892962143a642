// apps/v1 StatefulSet: pods with stable names and volumes, created in order.

import { fieldError, type FieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import { jsonEqual, validateNonNegative } from '../admission/validation/immutable.js';
import { asObject, ensureObject, objectList, setDefault, setDefaultString, type Obj } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { validateWorkloadSelector } from '../admission/validation/selectors.js';
import { statefulSetTemplateRules, validateControllerTemplate } from '../admission/validation/workload-template.js';
import { defaultTemplateOf, specOf } from './apps-common.js';
import { defineStrategy } from './define-strategy.js';
import { replicasScale } from './replicas-scale.js';

/** The spec fields an update may change; anything else is fixed at creation. */
const MUTABLE_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
export const STATEFULSET_UPDATE_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
  "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function defaultStatefulSet(obj: KubeObject): void {
  const spec = defaultTemplateOf(obj);
  setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObject(spec, 'updateStrategy');
  if (!strategy['type']) {
    strategy['type'] = 'RollingUpdate';
    ensureObject(strategy, 'rollingUpdate');
  }
  const ru = asObject(strategy['rollingUpdate']);
  if (strategy['type'] === 'RollingUpdate' && ru) setDefault(ru, 'partition', 0);
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefaultString(retention, 'whenDeleted', 'Retain');
  setDefaultString(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  // Claim templates get the PersistentVolumeClaim defaults.
  for (const claim of objectList(spec['volumeClaimTemplates'])) {
    setDefaultString(ensureObject(claim, 'spec'), 'volumeMode', 'Filesystem');
    setDefaultString(ensureObject(claim, 'status'), 'phase', 'Pending');
  }
}

function validateStatefulSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const policy = spec['podManagementPolicy'];
  if (!policy) errs.push(fieldError.required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    errs.push(fieldError.invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const strategy = asObject(spec['updateStrategy']) ?? {};
  const ru = asObject(strategy['rollingUpdate']);
  switch (strategy['type']) {
    case undefined:
    case '':
      errs.push(fieldError.required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (ru) errs.push(fieldError.invalid('spec.updateStrategy.rollingUpdate', ru, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (ru) errs.push(...validateNonNegative(ru['partition'], 'spec.updateStrategy.rollingUpdate.partition'));
      break;
    default:
      errs.push(fieldError.invalid('spec.updateStrategy', strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  errs.push(...validateNonNegative(spec['replicas'], 'spec.replicas'));
  errs.push(...validateNonNegative(spec['minReadySeconds'], 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(asObject(spec['ordinals'])?.['start'], 'spec.ordinals.start'));
  errs.push(...validateWorkloadSelector(spec['selector'], 'spec.selector', 'statefulset'));
  errs.push(...validateControllerTemplate(spec, statefulSetTemplateRules));
  return errs;
}

/** Only the mutable fields may differ: compare the specs with those taken out. */
function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const fixed = (spec: Obj): Obj => Object.fromEntries(Object.entries(spec).filter(([k]) => !MUTABLE_FIELDS.includes(k)));
  return jsonEqual(fixed(specOf(obj)), fixed(specOf(old))) ? [] : [fieldError.forbidden('spec', STATEFULSET_UPDATE_FORBIDDEN)];
}

export const statefulsetsStrategy = defineStrategy({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  model: 'V1StatefulSet',
  subresources: { status: true, scale: replicasScale },
  nameRule: nameIsDNSSubdomain,
  defaults: defaultStatefulSet,
  // replicas and availableReplicas have no omitempty: a new StatefulSet shows them as 0.
  initialStatus: () => ({ availableReplicas: 0, replicas: 0 }),
  validateSpec: validateStatefulSet,
  validateSpecUpdate: validateStatefulSetUpdate,
});
