// k8s.io/apimachinery/pkg/apis/meta/v1: object metadata, label selectors, conditions and the
// DeleteOptions body. Time, MicroTime, Duration and FieldsV1 have JSON forms of their own and
// live in ../special-types.ts instead.

import { bool, i64, list, map, msg, noOmit, ptr, str, type MessageTable } from '../schema.js';

export const META_MESSAGES: MessageTable = {
  'meta.v1.ObjectMeta': {
    1: str('name'),
    2: str('generateName'),
    3: str('namespace'),
    4: str('selfLink'),
    5: str('uid'),
    6: str('resourceVersion'),
    7: i64('generation'),
    8: msg('creationTimestamp', 'meta.v1.Time'),
    9: msg('deletionTimestamp', 'meta.v1.Time'),
    10: ptr(i64('deletionGracePeriodSeconds')),
    11: map('labels', 'string'),
    12: map('annotations', 'string'),
    13: list(msg('ownerReferences', 'meta.v1.OwnerReference')),
    14: list(str('finalizers')),
    // 15 (initializers) and 16 (clusterName) were removed from Kubernetes; they stay unknown.
    17: list(msg('managedFields', 'meta.v1.ManagedFieldsEntry')),
  },
  'meta.v1.OwnerReference': {
    5: noOmit(str('apiVersion')),
    1: noOmit(str('kind')),
    3: noOmit(str('name')),
    4: noOmit(str('uid')),
    6: ptr(bool('controller')),
    7: ptr(bool('blockOwnerDeletion')),
  },
  'meta.v1.ManagedFieldsEntry': {
    1: str('manager'),
    2: str('operation'),
    3: str('apiVersion'),
    4: msg('time', 'meta.v1.Time'),
    6: str('fieldsType'),
    7: msg('fieldsV1', 'meta.v1.FieldsV1'),
    8: str('subresource'),
  },
  'meta.v1.LabelSelector': {
    1: map('matchLabels', 'string'),
    2: list(msg('matchExpressions', 'meta.v1.LabelSelectorRequirement')),
  },
  'meta.v1.LabelSelectorRequirement': {
    1: noOmit(str('key')),
    2: noOmit(str('operator')),
    3: list(str('values')),
  },
  'meta.v1.Condition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    3: i64('observedGeneration'),
    4: msg('lastTransitionTime', 'meta.v1.Time'),
    5: noOmit(str('reason')),
    6: noOmit(str('message')),
  },
  'meta.v1.DeleteOptions': {
    1: ptr(i64('gracePeriodSeconds')),
    2: msg('preconditions', 'meta.v1.Preconditions'),
    3: ptr(bool('orphanDependents')),
    4: ptr(str('propagationPolicy')),
    5: list(str('dryRun')),
    6: ptr(bool('ignoreStoreReadErrorWithClusterBreakingPotential')),
  },
  'meta.v1.Preconditions': {
    1: ptr(str('uid')),
    2: ptr(str('resourceVersion')),
  },
};
