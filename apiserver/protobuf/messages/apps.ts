// k8s.io/api/apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet.

import { bool, i32, i64, list, msg, noOmit, ptr, str, type MessageTable } from '../schema.js';

export const APPS_MESSAGES: MessageTable = {
  'apps.v1.Deployment': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'apps.v1.DeploymentSpec'),
    3: msg('status', 'apps.v1.DeploymentStatus'),
  },
  'apps.v1.DeploymentSpec': {
    1: ptr(i32('replicas')),
    2: msg('selector', 'meta.v1.LabelSelector'),
    3: msg('template', 'core.v1.PodTemplateSpec'),
    4: msg('strategy', 'apps.v1.DeploymentStrategy'),
    5: i32('minReadySeconds'),
    6: ptr(i32('revisionHistoryLimit')),
    7: bool('paused'),
    9: ptr(i32('progressDeadlineSeconds')),
  },
  'apps.v1.DeploymentStrategy': {
    1: str('type'),
    2: msg('rollingUpdate', 'apps.v1.RollingUpdateDeployment'),
  },
  'apps.v1.RollingUpdateDeployment': {
    1: msg('maxUnavailable', 'util.intstr.IntOrString'),
    2: msg('maxSurge', 'util.intstr.IntOrString'),
  },
  'apps.v1.DeploymentStatus': {
    1: i64('observedGeneration'),
    2: i32('replicas'),
    3: i32('updatedReplicas'),
    7: i32('readyReplicas'),
    4: i32('availableReplicas'),
    5: i32('unavailableReplicas'),
    6: list(msg('conditions', 'apps.v1.DeploymentCondition')),
    8: ptr(i32('collisionCount')),
  },
  'apps.v1.DeploymentCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    6: msg('lastUpdateTime', 'meta.v1.Time'),
    7: msg('lastTransitionTime', 'meta.v1.Time'),
    4: str('reason'),
    5: str('message'),
  },

  'apps.v1.ReplicaSet': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'apps.v1.ReplicaSetSpec'),
    3: msg('status', 'apps.v1.ReplicaSetStatus'),
  },
  'apps.v1.ReplicaSetSpec': {
    1: ptr(i32('replicas')),
    4: i32('minReadySeconds'),
    2: msg('selector', 'meta.v1.LabelSelector'),
    3: msg('template', 'core.v1.PodTemplateSpec'),
  },
  'apps.v1.ReplicaSetStatus': {
    1: noOmit(i32('replicas')),
    2: i32('fullyLabeledReplicas'),
    4: i32('readyReplicas'),
    5: i32('availableReplicas'),
    3: i64('observedGeneration'),
    6: list(msg('conditions', 'apps.v1.ReplicaSetCondition')),
  },
  'apps.v1.ReplicaSetCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    3: msg('lastTransitionTime', 'meta.v1.Time'),
    4: str('reason'),
    5: str('message'),
  },

  'apps.v1.DaemonSet': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'apps.v1.DaemonSetSpec'),
    3: msg('status', 'apps.v1.DaemonSetStatus'),
  },
  'apps.v1.DaemonSetSpec': {
    1: msg('selector', 'meta.v1.LabelSelector'),
    2: msg('template', 'core.v1.PodTemplateSpec'),
    3: msg('updateStrategy', 'apps.v1.DaemonSetUpdateStrategy'),
    4: i32('minReadySeconds'),
    6: ptr(i32('revisionHistoryLimit')),
  },
  'apps.v1.DaemonSetUpdateStrategy': {
    1: str('type'),
    2: msg('rollingUpdate', 'apps.v1.RollingUpdateDaemonSet'),
  },
  'apps.v1.RollingUpdateDaemonSet': {
    1: msg('maxUnavailable', 'util.intstr.IntOrString'),
    2: msg('maxSurge', 'util.intstr.IntOrString'),
  },
  'apps.v1.DaemonSetStatus': {
    1: noOmit(i32('currentNumberScheduled')),
    2: noOmit(i32('numberMisscheduled')),
    3: noOmit(i32('desiredNumberScheduled')),
    4: noOmit(i32('numberReady')),
    5: i64('observedGeneration'),
    6: i32('updatedNumberScheduled'),
    7: i32('numberAvailable'),
    8: i32('numberUnavailable'),
    9: ptr(i32('collisionCount')),
    10: list(msg('conditions', 'apps.v1.DaemonSetCondition')),
  },
  'apps.v1.DaemonSetCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    3: msg('lastTransitionTime', 'meta.v1.Time'),
    4: str('reason'),
    5: str('message'),
  },

  'apps.v1.StatefulSet': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'apps.v1.StatefulSetSpec'),
    3: msg('status', 'apps.v1.StatefulSetStatus'),
  },
  'apps.v1.StatefulSetSpec': {
    1: ptr(i32('replicas')),
    2: msg('selector', 'meta.v1.LabelSelector'),
    3: msg('template', 'core.v1.PodTemplateSpec'),
    4: list(msg('volumeClaimTemplates', 'core.v1.PersistentVolumeClaim')),
    5: str('serviceName'),
    6: str('podManagementPolicy'),
    7: msg('updateStrategy', 'apps.v1.StatefulSetUpdateStrategy'),
    8: ptr(i32('revisionHistoryLimit')),
    9: i32('minReadySeconds'),
    10: msg('persistentVolumeClaimRetentionPolicy', 'apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy'),
    11: msg('ordinals', 'apps.v1.StatefulSetOrdinals'),
  },
  'apps.v1.StatefulSetUpdateStrategy': {
    1: str('type'),
    2: msg('rollingUpdate', 'apps.v1.RollingUpdateStatefulSetStrategy'),
  },
  'apps.v1.RollingUpdateStatefulSetStrategy': {
    1: ptr(i32('partition')),
    2: msg('maxUnavailable', 'util.intstr.IntOrString'),
  },
  'apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': {
    1: str('whenDeleted'),
    2: str('whenScaled'),
  },
  'apps.v1.StatefulSetOrdinals': {
    1: i32('start'),
  },
  'apps.v1.StatefulSetStatus': {
    1: i64('observedGeneration'),
    2: noOmit(i32('replicas')),
    3: i32('readyReplicas'),
    4: i32('currentReplicas'),
    5: i32('updatedReplicas'),
    6: str('currentRevision'),
    7: str('updateRevision'),
    9: ptr(i32('collisionCount')),
    10: list(msg('conditions', 'apps.v1.StatefulSetCondition')),
    11: i32('availableReplicas'),
  },
  'apps.v1.StatefulSetCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    3: msg('lastTransitionTime', 'meta.v1.Time'),
    4: str('reason'),
    5: str('message'),
  },
};
