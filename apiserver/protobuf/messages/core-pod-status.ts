// k8s.io/api/core/v1, part 3: what the kubelet reports about a pod.

import { bool, i32, i64, list, map, msg, noOmit, ptr, str, type MessageTable } from '../schema.js';

export const CORE_POD_STATUS_MESSAGES: MessageTable = {
  'core.v1.PodStatus': {
    1: str('phase'),
    2: list(msg('conditions', 'core.v1.PodCondition')),
    3: str('message'),
    4: str('reason'),
    11: str('nominatedNodeName'),
    5: str('hostIP'),
    16: list(msg('hostIPs', 'core.v1.HostIP')),
    6: str('podIP'),
    12: list(msg('podIPs', 'core.v1.PodIP')),
    7: msg('startTime', 'meta.v1.Time'),
    10: list(msg('initContainerStatuses', 'core.v1.ContainerStatus')),
    8: list(msg('containerStatuses', 'core.v1.ContainerStatus')),
    9: str('qosClass'),
    13: list(msg('ephemeralContainerStatuses', 'core.v1.ContainerStatus')),
    14: str('resize'),
    15: list(msg('resourceClaimStatuses', 'core.v1.PodResourceClaimStatus')),
  },
  'core.v1.PodCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    3: msg('lastProbeTime', 'meta.v1.Time'),
    4: msg('lastTransitionTime', 'meta.v1.Time'),
    5: str('reason'),
    6: str('message'),
  },
  'core.v1.HostIP': {
    1: noOmit(str('ip')),
  },
  'core.v1.PodIP': {
    1: noOmit(str('ip')),
  },
  'core.v1.ContainerStatus': {
    1: noOmit(str('name')),
    2: msg('state', 'core.v1.ContainerState'),
    3: msg('lastState', 'core.v1.ContainerState'),
    4: noOmit(bool('ready')),
    5: noOmit(i32('restartCount')),
    6: noOmit(str('image')),
    7: noOmit(str('imageID')),
    8: str('containerID'),
    9: ptr(bool('started')),
    10: map('allocatedResources', 'api.resource.Quantity'),
    11: msg('resources', 'core.v1.ResourceRequirements'),
    12: list(msg('volumeMounts', 'core.v1.VolumeMountStatus')),
    13: msg('user', 'core.v1.ContainerUser'),
    14: list(msg('allocatedResourcesStatus', 'core.v1.ResourceStatus')),
  },
  'core.v1.ContainerState': {
    1: msg('waiting', 'core.v1.ContainerStateWaiting'),
    2: msg('running', 'core.v1.ContainerStateRunning'),
    3: msg('terminated', 'core.v1.ContainerStateTerminated'),
  },
  'core.v1.ContainerStateWaiting': {
    1: str('reason'),
    2: str('message'),
  },
  'core.v1.ContainerStateRunning': {
    1: msg('startedAt', 'meta.v1.Time'),
  },
  'core.v1.ContainerStateTerminated': {
    1: noOmit(i32('exitCode')),
    2: i32('signal'),
    3: str('reason'),
    4: str('message'),
    5: msg('startedAt', 'meta.v1.Time'),
    6: msg('finishedAt', 'meta.v1.Time'),
    7: str('containerID'),
  },
  'core.v1.VolumeMountStatus': {
    1: noOmit(str('name')),
    2: noOmit(str('mountPath')),
    3: bool('readOnly'),
    4: ptr(str('recursiveReadOnly')),
  },
  'core.v1.ContainerUser': {
    1: msg('linux', 'core.v1.LinuxContainerUser'),
  },
  'core.v1.LinuxContainerUser': {
    1: noOmit(i64('uid')),
    2: noOmit(i64('gid')),
    3: list(i64('supplementalGroups')),
  },
  'core.v1.ResourceStatus': {
    1: noOmit(str('name')),
    2: list(msg('resources', 'core.v1.ResourceHealth')),
  },
  'core.v1.ResourceHealth': {
    1: noOmit(str('resourceID')),
    2: str('health'),
  },
  'core.v1.PodResourceClaimStatus': {
    1: noOmit(str('name')),
    2: ptr(str('resourceClaimName')),
  },
};
