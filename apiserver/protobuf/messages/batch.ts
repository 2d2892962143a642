// k8s.io/api/batch/v1: Job. Most JobSpec knobs are Go pointers, so an explicit 0 or false
// (`backoffLimit: 0`, `suspend: false`) survives decoding.

import { bool, i32, i64, list, msg, noOmit, ptr, str, type MessageTable } from '../schema.js';

export const BATCH_MESSAGES: MessageTable = {
  'batch.v1.Job': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'batch.v1.JobSpec'),
    3: msg('status', 'batch.v1.JobStatus'),
  },
  'batch.v1.JobSpec': {
    1: ptr(i32('parallelism')),
    2: ptr(i32('completions')),
    3: ptr(i64('activeDeadlineSeconds')),
    11: msg('podFailurePolicy', 'batch.v1.PodFailurePolicy'),
    16: msg('successPolicy', 'batch.v1.SuccessPolicy'),
    7: ptr(i32('backoffLimit')),
    12: ptr(i32('backoffLimitPerIndex')),
    13: ptr(i32('maxFailedIndexes')),
    4: msg('selector', 'meta.v1.LabelSelector'),
    5: ptr(bool('manualSelector')),
    6: msg('template', 'core.v1.PodTemplateSpec'),
    8: ptr(i32('ttlSecondsAfterFinished')),
    9: ptr(str('completionMode')),
    10: ptr(bool('suspend')),
    14: ptr(str('podReplacementPolicy')),
    15: ptr(str('managedBy')),
  },
  'batch.v1.PodFailurePolicy': {
    1: list(msg('rules', 'batch.v1.PodFailurePolicyRule')),
  },
  'batch.v1.PodFailurePolicyRule': {
    1: noOmit(str('action')),
    2: msg('onExitCodes', 'batch.v1.PodFailurePolicyOnExitCodesRequirement'),
    3: list(msg('onPodConditions', 'batch.v1.PodFailurePolicyOnPodConditionsPattern')),
  },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': {
    1: ptr(str('containerName')),
    2: noOmit(str('operator')),
    3: list(i32('values')),
  },
  'batch.v1.PodFailurePolicyOnPodConditionsPattern': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
  },
  'batch.v1.SuccessPolicy': {
    1: list(msg('rules', 'batch.v1.SuccessPolicyRule')),
  },
  'batch.v1.SuccessPolicyRule': {
    1: ptr(str('succeededIndexes')),
    2: ptr(i32('succeededCount')),
  },
  'batch.v1.JobStatus': {
    1: list(msg('conditions', 'batch.v1.JobCondition')),
    2: msg('startTime', 'meta.v1.Time'),
    3: msg('completionTime', 'meta.v1.Time'),
    4: i32('active'),
    5: i32('succeeded'),
    6: i32('failed'),
    11: ptr(i32('terminating')),
    7: str('completedIndexes'),
    10: ptr(str('failedIndexes')),
    8: msg('uncountedTerminatedPods', 'batch.v1.UncountedTerminatedPods'),
    9: ptr(i32('ready')),
  },
  'batch.v1.JobCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    3: msg('lastProbeTime', 'meta.v1.Time'),
    4: msg('lastTransitionTime', 'meta.v1.Time'),
    5: str('reason'),
    6: str('message'),
  },
  'batch.v1.UncountedTerminatedPods': {
    1: list(str('succeeded')),
    2: list(str('failed')),
  },
};
