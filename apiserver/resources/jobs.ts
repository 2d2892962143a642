// batch/v1 Job (pkg/apis/batch/v1 SetDefaults_Job, pkg/registry/batch/job). Unless the client
// chose its own selector (manualSelector), the server generates one from the job's uid, and
// labels the template to match, so a job's pods can never be mistaken for another's.
// The registry fills metadata.uid before prepareForCreate, which this relies on.

import { fieldError, type FieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import { goValue } from '../admission/validation/go-syntax.js';
import { validateImmutableField, validateNonNegative } from '../admission/validation/immutable.js';
import { asObject, asString, asStringMap, ensureObject, setDefault, type Obj } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { validatePodTemplateSpec } from '../admission/validation/pod-spec.js';
import { toSelector, validateLabelSelector, validateSelectorMatchesTemplate } from '../admission/validation/selectors.js';
import { defaultTemplateOf, specOf } from './apps-common.js';
import { defineStrategy } from './define-strategy.js';

export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
} as const;

function defaultJob(obj: KubeObject): void {
  const spec = defaultTemplateOf(obj);
  if (spec['completions'] === undefined && spec['parallelism'] === undefined) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  setDefault(spec, 'parallelism', 1);
  // With backoffLimitPerIndex, the per-index budget is what counts: the global one is unlimited.
  setDefault(spec, 'backoffLimit', spec['backoffLimitPerIndex'] !== undefined ? 2147483647 : 6);
  const templateLabels = asStringMap(asObject(asObject(spec['template'])?.['metadata'])?.['labels']);
  if (templateLabels && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...templateLabels };
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  // With a pod failure policy, replacing a pod before it is gone could count it twice.
  setDefault(spec, 'podReplacementPolicy', spec['podFailurePolicy'] ? 'Failed' : 'TerminatingOrFailed');
  setDefault(spec, 'manualSelector', false);
}

function generateSelector(obj: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  const metadata = ensureObject(ensureObject(spec, 'template'), 'metadata');
  const labels = (asObject(metadata['labels']) ?? {}) as Obj;
  const name = obj.metadata.name ?? '';
  const uid = obj.metadata.uid ?? '';
  // Labels the user set are kept; a conflicting value is then reported by validation.
  for (const key of [JOB_LABELS.legacyJobName, JOB_LABELS.jobName]) if (labels[key] === undefined) labels[key] = name;
  for (const key of [JOB_LABELS.legacyControllerUid, JOB_LABELS.controllerUid]) if (labels[key] === undefined) labels[key] = uid;
  metadata['labels'] = labels;
  const selector = ensureObject(spec, 'selector');
  const matchLabels = ensureObject(selector, 'matchLabels');
  if (matchLabels[JOB_LABELS.controllerUid] === undefined) matchLabels[JOB_LABELS.controllerUid] = uid;
}

/** ValidateHasLabel on the template, for a generated selector. */
function validateGeneratedLabels(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  if (spec['manualSelector'] === true) return [];
  const labels = asStringMap(asObject(asObject(spec['template'])?.['metadata'])?.['labels']);
  if (!labels) return [];
  const errs: FieldError[] = [];
  const expect = (key: string, value: string): void => {
    const path = `spec.template.metadata.labels[${key}]`;
    if (labels[key] === undefined) errs.push(fieldError.required(path, value));
    else if (labels[key] !== value) errs.push(fieldError.invalid(path, goValue.stringMap(labels), `must be '${value}'`));
  };
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  expect(JOB_LABELS.legacyControllerUid, uid);
  expect(JOB_LABELS.controllerUid, uid);
  expect(JOB_LABELS.legacyJobName, name);
  expect(JOB_LABELS.jobName, name);
  return errs;
}

function validateJob(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateGeneratedLabels(obj);
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    errs.push(...validateNonNegative(spec[f], `spec.${f}`));
  }
  const mode = spec['completionMode'];
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    errs.push(fieldError.notSupported('spec.completionMode', mode, ['NonIndexed', 'Indexed']));
  }
  if (mode === 'Indexed' && spec['completions'] === undefined) errs.push(fieldError.required('spec.completions', 'when completion mode is Indexed'));
  const replacement = spec['podReplacementPolicy'];
  if (replacement !== undefined) {
    const allowed = spec['podFailurePolicy'] ? ['Failed'] : ['TerminatingOrFailed', 'Failed'];
    if (!allowed.includes(replacement as string)) errs.push(fieldError.notSupported('spec.podReplacementPolicy', replacement, allowed));
  }
  if (!asObject(spec['selector'])) errs.push(fieldError.required('spec.selector'));
  else errs.push(...validateLabelSelector(spec['selector'], 'spec.selector'));
  const template = asObject(spec['template']) ?? {};
  const selector = toSelector(spec['selector']);
  if (selector) errs.push(...validateSelectorMatchesTemplate(selector, asStringMap(asObject(template['metadata'])?.['labels']), 'spec.template'));
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  // Pod spec defaulting made it Always when unset; a job's pods must end.
  const restartPolicy = asObject(template['spec'])?.['restartPolicy'];
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(fieldError.notSupported('spec.template.spec.restartPolicy', restartPolicy ?? '', ['OnFailure', 'Never']));
  }
  return errs;
}

/** What a suspended job that never started may still change in its template (scheduling directives). */
const SCHEDULING_DIRECTIVES = ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates'];

function templateForComparison(templateValue: unknown, allowScheduling: boolean): unknown {
  const template = structuredClone(asObject(templateValue) ?? {});
  if (!allowScheduling) return template;
  const metadata = asObject(template['metadata']);
  if (metadata) {
    delete metadata['labels'];
    delete metadata['annotations'];
  }
  const spec = asObject(template['spec']);
  if (spec) for (const f of SCHEDULING_DIRECTIVES) delete spec[f];
  return template;
}

function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const errs: FieldError[] = [];
  errs.push(...validateImmutableField(spec['completions'], oldSpec['completions'], 'spec.completions'));
  errs.push(...validateImmutableField(spec['selector'], oldSpec['selector'], 'spec.selector', goValue.labelSelector(spec['selector'])));
  const notStarted = asString(asObject(old['status'])?.['startTime']) === undefined;
  const allowScheduling = oldSpec['suspend'] === true && notStarted;
  errs.push(
    ...validateImmutableField(
      templateForComparison(spec['template'], allowScheduling),
      templateForComparison(oldSpec['template'], allowScheduling),
      'spec.template',
      spec['template'],
    ),
  );
  errs.push(...validateImmutableField(spec['completionMode'], oldSpec['completionMode'], 'spec.completionMode'));
  errs.push(...validateImmutableField(spec['podFailurePolicy'], oldSpec['podFailurePolicy'], 'spec.podFailurePolicy'));
  errs.push(...validateImmutableField(spec['backoffLimitPerIndex'], oldSpec['backoffLimitPerIndex'], 'spec.backoffLimitPerIndex'));
  errs.push(...validateImmutableField(spec['managedBy'], oldSpec['managedBy'], 'spec.managedBy'));
  return errs;
}

export const jobsStrategy = defineStrategy({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  model: 'V1Job',
  subresources: { status: true },
  nameRule: nameIsDNSSubdomain,
  defaults: defaultJob,
  prepareForCreate(obj) {
    if (specOf(obj)['manualSelector'] !== true) generateSelector(obj);
  },
  validateSpec: validateJob,
  validateSpecUpdate: validateJobUpdate,
  // batch/v1 keeps the old default for compatibility: deleting a Job leaves its pods (kubectl asks for Background).
  defaultPropagation: 'Orphan',
  selectableFields: (obj) => ({ 'status.successful': String(asObject(obj['status'])?.['succeeded'] ?? 0) }),
});
