// k8s.io/api/core/v1, part 4: the other served core kinds — Namespace, ConfigMap, Secret,
// ServiceAccount, Service, Endpoints, Event, Node, Binding — and the references they share.

import { bool, i32, i64, list, map, msg, noOmit, ptr, str, type MessageTable } from '../schema.js';

export const CORE_OBJECT_MESSAGES: MessageTable = {
  'core.v1.ObjectReference': {
    1: str('kind'),
    2: str('namespace'),
    3: str('name'),
    4: str('uid'),
    5: str('apiVersion'),
    6: str('resourceVersion'),
    7: str('fieldPath'),
  },
  'core.v1.LocalObjectReference': {
    1: str('name'),
  },

  'core.v1.Namespace': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'core.v1.NamespaceSpec'),
    3: msg('status', 'core.v1.NamespaceStatus'),
  },
  'core.v1.NamespaceSpec': {
    1: list(str('finalizers')),
  },
  'core.v1.NamespaceStatus': {
    1: str('phase'),
    2: list(msg('conditions', 'core.v1.NamespaceCondition')),
  },
  'core.v1.NamespaceCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    4: msg('lastTransitionTime', 'meta.v1.Time'),
    5: str('reason'),
    6: str('message'),
  },

  'core.v1.ConfigMap': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    4: ptr(bool('immutable')),
    2: map('data', 'string'),
    // Go []byte values: JSON carries them base64-encoded.
    3: map('binaryData', 'bytes'),
  },
  'core.v1.Secret': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    5: ptr(bool('immutable')),
    2: map('data', 'bytes'),
    4: map('stringData', 'string'),
    3: str('type'),
  },
  'core.v1.ServiceAccount': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: list(msg('secrets', 'core.v1.ObjectReference')),
    3: list(msg('imagePullSecrets', 'core.v1.LocalObjectReference')),
    4: ptr(bool('automountServiceAccountToken')),
  },
  'core.v1.Binding': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('target', 'core.v1.ObjectReference'),
  },

  'core.v1.Service': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'core.v1.ServiceSpec'),
    3: msg('status', 'core.v1.ServiceStatus'),
  },
  'core.v1.ServiceSpec': {
    1: list(msg('ports', 'core.v1.ServicePort')),
    2: map('selector', 'string'),
    3: str('clusterIP'),
    18: list(str('clusterIPs')),
    4: str('type'),
    5: list(str('externalIPs')),
    7: str('sessionAffinity'),
    8: str('loadBalancerIP'),
    9: list(str('loadBalancerSourceRanges')),
    10: str('externalName'),
    11: str('externalTrafficPolicy'),
    12: i32('healthCheckNodePort'),
    13: bool('publishNotReadyAddresses'),
    14: msg('sessionAffinityConfig', 'core.v1.SessionAffinityConfig'),
    19: list(str('ipFamilies')),
    17: ptr(str('ipFamilyPolicy')),
    20: ptr(bool('allocateLoadBalancerNodePorts')),
    21: ptr(str('loadBalancerClass')),
    22: ptr(str('internalTrafficPolicy')),
    23: ptr(str('trafficDistribution')),
  },
  'core.v1.ServicePort': {
    1: str('name'),
    2: str('protocol'),
    6: ptr(str('appProtocol')),
    3: noOmit(i32('port')),
    4: msg('targetPort', 'util.intstr.IntOrString'),
    5: i32('nodePort'),
  },
  'core.v1.SessionAffinityConfig': {
    1: msg('clientIP', 'core.v1.ClientIPConfig'),
  },
  'core.v1.ClientIPConfig': {
    1: ptr(i32('timeoutSeconds')),
  },
  'core.v1.ServiceStatus': {
    1: msg('loadBalancer', 'core.v1.LoadBalancerStatus'),
    2: list(msg('conditions', 'meta.v1.Condition')),
  },
  'core.v1.LoadBalancerStatus': {
    1: list(msg('ingress', 'core.v1.LoadBalancerIngress')),
  },
  'core.v1.LoadBalancerIngress': {
    1: str('ip'),
    2: str('hostname'),
    3: ptr(str('ipMode')),
    4: list(msg('ports', 'core.v1.PortStatus')),
  },
  'core.v1.PortStatus': {
    1: noOmit(i32('port')),
    2: noOmit(str('protocol')),
    3: ptr(str('error')),
  },

  'core.v1.Endpoints': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: list(msg('subsets', 'core.v1.EndpointSubset')),
  },
  'core.v1.EndpointSubset': {
    1: list(msg('addresses', 'core.v1.EndpointAddress')),
    2: list(msg('notReadyAddresses', 'core.v1.EndpointAddress')),
    3: list(msg('ports', 'core.v1.EndpointPort')),
  },
  'core.v1.EndpointAddress': {
    1: noOmit(str('ip')),
    3: str('hostname'),
    4: ptr(str('nodeName')),
    2: msg('targetRef', 'core.v1.ObjectReference'),
  },
  'core.v1.EndpointPort': {
    1: str('name'),
    2: noOmit(i32('port')),
    3: str('protocol'),
    4: ptr(str('appProtocol')),
  },

  'core.v1.Event': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('involvedObject', 'core.v1.ObjectReference'),
    3: str('reason'),
    4: str('message'),
    5: msg('source', 'core.v1.EventSource'),
    6: msg('firstTimestamp', 'meta.v1.Time'),
    7: msg('lastTimestamp', 'meta.v1.Time'),
    8: i32('count'),
    9: str('type'),
    10: msg('eventTime', 'meta.v1.MicroTime'),
    11: msg('series', 'core.v1.EventSeries'),
    12: str('action'),
    13: msg('related', 'core.v1.ObjectReference'),
    14: noOmit(str('reportingComponent')),
    15: noOmit(str('reportingInstance')),
  },
  'core.v1.EventSource': {
    1: str('component'),
    2: str('host'),
  },
  'core.v1.EventSeries': {
    1: i32('count'),
    2: msg('lastObservedTime', 'meta.v1.MicroTime'),
  },

  'core.v1.Node': {
    1: msg('metadata', 'meta.v1.ObjectMeta'),
    2: msg('spec', 'core.v1.NodeSpec'),
    3: msg('status', 'core.v1.NodeStatus'),
  },
  'core.v1.NodeSpec': {
    1: str('podCIDR'),
    7: list(str('podCIDRs')),
    3: str('providerID'),
    4: bool('unschedulable'),
    5: list(msg('taints', 'core.v1.Taint')),
    // 6 (configSource, dynamic kubelet config) was removed from the kubelet; it stays unknown.
    2: str('externalID'),
  },
  'core.v1.Taint': {
    1: noOmit(str('key')),
    2: str('value'),
    3: noOmit(str('effect')),
    4: msg('timeAdded', 'meta.v1.Time'),
  },
  'core.v1.NodeStatus': {
    1: map('capacity', 'api.resource.Quantity'),
    2: map('allocatable', 'api.resource.Quantity'),
    3: str('phase'),
    4: list(msg('conditions', 'core.v1.NodeCondition')),
    5: list(msg('addresses', 'core.v1.NodeAddress')),
    6: msg('daemonEndpoints', 'core.v1.NodeDaemonEndpoints'),
    7: msg('nodeInfo', 'core.v1.NodeSystemInfo'),
    8: list(msg('images', 'core.v1.ContainerImage')),
    9: list(str('volumesInUse')),
    10: list(msg('volumesAttached', 'core.v1.AttachedVolume')),
    // 11 (config, dynamic kubelet config status) is left out like NodeSpec.configSource.
    12: list(msg('runtimeHandlers', 'core.v1.NodeRuntimeHandler')),
    13: msg('features', 'core.v1.NodeFeatures'),
  },
  'core.v1.NodeCondition': {
    1: noOmit(str('type')),
    2: noOmit(str('status')),
    3: msg('lastHeartbeatTime', 'meta.v1.Time'),
    4: msg('lastTransitionTime', 'meta.v1.Time'),
    5: str('reason'),
    6: str('message'),
  },
  'core.v1.NodeAddress': {
    1: noOmit(str('type')),
    2: noOmit(str('address')),
  },
  'core.v1.NodeDaemonEndpoints': {
    1: msg('kubeletEndpoint', 'core.v1.DaemonEndpoint'),
  },
  'core.v1.DaemonEndpoint': {
    // Capitalised in Kubernetes' JSON too: the Go field has the tag `json:"Port"`.
    1: noOmit(i32('Port')),
  },
  'core.v1.NodeSystemInfo': {
    1: noOmit(str('machineID')),
    2: noOmit(str('systemUUID')),
    3: noOmit(str('bootID')),
    4: noOmit(str('kernelVersion')),
    5: noOmit(str('osImage')),
    6: noOmit(str('containerRuntimeVersion')),
    7: noOmit(str('kubeletVersion')),
    8: noOmit(str('kubeProxyVersion')),
    9: noOmit(str('operatingSystem')),
    10: noOmit(str('architecture')),
  },
  'core.v1.ContainerImage': {
    1: list(str('names')),
    2: i64('sizeBytes'),
  },
  'core.v1.AttachedVolume': {
    1: noOmit(str('name')),
    2: noOmit(str('devicePath')),
  },
  'core.v1.NodeRuntimeHandler': {
    1: noOmit(str('name')),
    2: msg('features', 'core.v1.NodeRuntimeHandlerFeatures'),
  },
  'core.v1.NodeRuntimeHandlerFeatures': {
    1: ptr(bool('recursiveReadOnlyMounts')),
    2: ptr(bool('userNamespaces')),
  },
  'core.v1.NodeFeatures': {
    1: ptr(bool('supplementalGroupsPolicy')),
  },
};

