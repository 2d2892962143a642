// k8s.io/api/core/v1, part 2: pod volumes and persistent volume claims. The common volume
// sources are described; the in-tree cloud and network plugins (gcePersistentDisk, iscsi, rbd,
// cephfs...) are deliberately absent, so a body using one is refused with 415 rather than having
// the volume silently lose its source.

import { bool, i32, i64, inline, list, map, msg, noOmit, ptr, str, type MessageTable } from '../schema.js';

export const CORE_VOLUME_MESSAGES: MessageTable = {
  'core.v1.Volume': {
    1: noOmit(str('name')),
    2: inline('core.v1.VolumeSource'),
  },
  'core.v1.VolumeSource': {
    1: msg('hostPath', 'core.v1.HostPathVolumeSource'),
    2: msg('emptyDir', 'core.v1.EmptyDirVolumeSource'),
    6: msg('secret', 'core.v1.SecretVolumeSource'),
    7: msg('nfs', 'core.v1.NFSVolumeSource'),
    10: msg('persistentVolumeClaim', 'core.v1.PersistentVolumeClaimVolumeSource'),
    16: msg('downwardAPI', 'core.v1.DownwardAPIVolumeSource'),
    19: msg('configMap', 'core.v1.ConfigMapVolumeSource'),
    26: msg('projected', 'core.v1.ProjectedVolumeSource'),
    28: msg('csi', 'core.v1.CSIVolumeSource'),
    29: msg('ephemeral', 'core.v1.EphemeralVolumeSource'),
    30: msg('image', 'core.v1.ImageVolumeSource'),
  },
  'core.v1.HostPathVolumeSource': {
    1: noOmit(str('path')),
    2: ptr(str('type')),
  },
  'core.v1.EmptyDirVolumeSource': {
    1: str('medium'),
    2: msg('sizeLimit', 'api.resource.Quantity'),
  },
  'core.v1.SecretVolumeSource': {
    1: str('secretName'),
    2: list(msg('items', 'core.v1.KeyToPath')),
    3: ptr(i32('defaultMode')),
    4: ptr(bool('optional')),
  },
  'core.v1.KeyToPath': {
    1: noOmit(str('key')),
    2: noOmit(str('path')),
    3: ptr(i32('mode')),
  },
  'core.v1.NFSVolumeSource': {
    1: noOmit(str('server')),
    2: noOmit(str('path')),
    3: bool('readOnly'),
  },
  'core.v1.PersistentVolumeClaimVolumeSource': {
    1: noOmit(str('claimName')),
    2: bool('readOnly'),
  },
  'core.v1.DownwardAPIVolumeSource': {
    1: list(msg('items', 'core.v1.DownwardAPIVolumeFile')),
    2: ptr(i32('defaultMode')),
  },
  'core.v1.DownwardAPIVolumeFile': {
    1: noOmit(str('path')),
    2: msg('fieldRef', 'core.v1.ObjectFieldSelector'),
    3: msg('resourceFieldRef', 'core.v1.ResourceFieldSelector'),
    4: ptr(i32('mode')),
  },
  'core.v1.ConfigMapVolumeSource': {
    1: inline('core.v1.LocalObjectReference'),
    2: list(msg('items', 'core.v1.KeyToPath')),
    3: ptr(i32('defaultMode')),
    4: ptr(bool('optional')),
  },
  'core.v1.ProjectedVolumeSource': {
    1: list(msg('sources', 'core.v1.VolumeProjection')),
    2: ptr(i32('defaultMode')),
  },
  'core.v1.VolumeProjection': {
    1: msg('secret', 'core.v1.SecretProjection'),
    2: msg('downwardAPI', 'core.v1.DownwardAPIProjection'),
    3: msg('configMap', 'core.v1.ConfigMapProjection'),
    4: msg('serviceAccountToken', 'core.v1.ServiceAccountTokenProjection'),
    5: msg('clusterTrustBundle', 'core.v1.ClusterTrustBundleProjection'),
  },
  'core.v1.SecretProjection': {
    1: inline('core.v1.LocalObjectReference'),
    2: list(msg('items', 'core.v1.KeyToPath')),
    4: ptr(bool('optional')),
  },
  'core.v1.ConfigMapProjection': {
    1: inline('core.v1.LocalObjectReference'),
    2: list(msg('items', 'core.v1.KeyToPath')),
    4: ptr(bool('optional')),
  },
  'core.v1.DownwardAPIProjection': {
    1: list(msg('items', 'core.v1.DownwardAPIVolumeFile')),
  },
  'core.v1.ServiceAccountTokenProjection': {
    1: str('audience'),
    2: ptr(i64('expirationSeconds')),
    3: noOmit(str('path')),
  },
  'core.v1.ClusterTrustBundleProjection': {
    1: ptr(str('name')),
    2: ptr(str('signerName')),
    3: msg('labelSelector', 'meta.v1.LabelSelector'),
    5: ptr(bool('optional')),
    4: noOmit(str('path')),
  },
  'core.v1.CSIVolumeSource': {
    1: noOmit(str('driver')),
    2: ptr(bool('readOnly')),
    3: ptr(str('fsType')),
    4: map('volumeAttributes', 'string'),
    5: msg('nodePublishSecretRef', 'core.v1.LocalObjectReference'),
  },
  'core.v1.EphemeralVolumeSource': {
    1: msg('volumeClaimTemplate', 'core.v1.PersistentVolumeClaimTemplate'),
  },
  'core.v1.ImageVolumeSource': {
    1: str('reference'),
    2: str('pullPolicy'),
  },
  'core.v1.PersistentVolumeClaimTemplate': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'core.v1.PersistentVolumeClaimSpec'),
  },
  'core.v1.PersistentVolumeClaim': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'core.v1.PersistentVolumeClaimSpec'),
    3: msg('status', 'core.v1.PersistentVolumeClaimStatus'),
  },
  'core.v1.PersistentVolumeClaimSpec': {
    1: list(str('accessModes')),
    4: msg('selector', 'meta.v1.LabelSelector'),
    2: msg('resources', 'core.v1.VolumeResourceRequirements'),
    3: str('volumeName'),
    5: ptr(str('storageClassName')),
    6: ptr(str('volumeMode')),
    7: msg('dataSource', 'core.v1.TypedLocalObjectReference'),
    8: msg('dataSourceRef', 'core.v1.TypedObjectReference'),
    9: ptr(str('volumeAttributesClassName')),
  },
  'core.v1.VolumeResourceRequirements': {
    1: map('limits', 'api.resource.Quantity'),
    2: map('requests', 'api.resource.Quantity'),
  },
  'core.v1.TypedLocalObjectReference': {
    1: ptr(str('apiGroup')),
    2: noOmit(str('kind')),
    3: noOmit(str('name')),
  },
  'core.v1.TypedObjectReference': {
    1: ptr(str('apiGroup')),
    2: noOmit(str('kind')),
    3: noOmit(str('name')),
    4: ptr(str('namespace')),
  },
  'core.v1.PersistentVolumeClaimStatus': {
    1: str('phase'),
    2: list(str('accessModes')),
    3: map('capacity', 'api.resource.Quantity'),
    4: list(msg('conditions', 'core.v1.PersistentVolumeClaimCondition')),
    5: map('allocatedResources', 'api.resource.Quantity'),
    7: map('allocatedResourceStatuses', 'string'),
    8: ptr(str('currentVolumeAttributesClassName')),
    9: msg('modifyVolumeStatus', 'core.v1.ModifyVolumeStatus'),
  },
  'core.v1.PersistentVolumeClaimCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    3: msg('lastProbeTime', 'meta.v1.Time'),
    4: msg('lastTransitionTime', 'meta.v1.Time'),
    5: str('reason'),
    6: str('message'),
  },
  'core.v1.ModifyVolumeStatus': {
    1: str('targetVolumeAttributesClassName'),
    2: noOmit(str('status')),
  },
};
