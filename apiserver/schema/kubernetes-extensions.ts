// The Kubernetes extensions of OpenAPI that client-node's models do not carry: how strategic
// merge patch merges lists (patch merge key and strategy) and how server-side apply owns lists
// and structs (list type, map keys, map type). They come from the Go struct tags and markers of
// k8s.io/api (`patchStrategy:"merge" patchMergeKey:"name"`, `+listType=map`, `+listMapKey=name`,
// `+structType=atomic`, `+mapType=atomic`), as Kubernetes publishes them in its OpenAPI.
//
// Keys are Kubernetes definition names; inner keys are JSON field names. Only the kinds this
// control plane serves and the types they reach are listed; a type missing here simply has no
// extension (a list then merges atomically, which is also Kubernetes' default).

import type { Schema } from './schema.js';

export type FieldExtensions = Pick<
  Schema,
  | 'x-kubernetes-patch-merge-key'
  | 'x-kubernetes-patch-strategy'
  | 'x-kubernetes-list-type'
  | 'x-kubernetes-list-map-keys'
  | 'x-kubernetes-map-type'
>;

const ATOMIC: FieldExtensions = { 'x-kubernetes-list-type': 'atomic' };
const ATOMIC_MAP: FieldExtensions = { 'x-kubernetes-map-type': 'atomic' };

/** A list merged by key in both strategic merge patch and server-side apply. */
function keyed(mergeKey: string, mapKeys: string[] = [mergeKey], strategy = 'merge'): FieldExtensions {
  return {
    'x-kubernetes-list-map-keys': mapKeys,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': mergeKey,
    'x-kubernetes-patch-strategy': strategy,
  };
}

/** Status conditions: one entry per condition type. */
const CONDITIONS = keyed('type');

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const BATCH = 'io.k8s.api.batch.v1';

/** Field-level extensions: definition → field → extensions. */
export const FIELD_EXTENSIONS: Record<string, Record<string, FieldExtensions>> = {
  [`${META}.ObjectMeta`]: {
    finalizers: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    managedFields: ATOMIC,
    ownerReferences: keyed('uid'),
  },
  [`${META}.LabelSelector`]: { matchExpressions: ATOMIC },
  [`${META}.LabelSelectorRequirement`]: { values: ATOMIC },

  [`${CORE}.PodSpec`]: {
    containers: keyed('name'),
    ephemeralContainers: keyed('name'),
    hostAliases: keyed('ip'),
    imagePullSecrets: keyed('name'),
    initContainers: keyed('name'),
    nodeSelector: ATOMIC_MAP,
    readinessGates: ATOMIC,
    resourceClaims: keyed('name', ['name'], 'merge,retainKeys'),
    schedulingGates: keyed('name'),
    tolerations: ATOMIC,
    topologySpreadConstraints: keyed('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    volumes: keyed('name', ['name'], 'merge,retainKeys'),
  },
  [`${CORE}.Container`]: {
    args: ATOMIC,
    command: ATOMIC,
    env: keyed('name'),
    envFrom: ATOMIC,
    ports: keyed('containerPort', ['containerPort', 'protocol']),
    resizePolicy: ATOMIC,
    volumeDevices: keyed('devicePath'),
    volumeMounts: keyed('mountPath'),
  },
  [`${CORE}.EphemeralContainer`]: {
    args: ATOMIC,
    command: ATOMIC,
    env: keyed('name'),
    envFrom: ATOMIC,
    ports: keyed('containerPort', ['containerPort', 'protocol']),
    resizePolicy: ATOMIC,
    volumeDevices: keyed('devicePath'),
    volumeMounts: keyed('mountPath'),
  },
  [`${CORE}.PodSecurityContext`]: { supplementalGroups: ATOMIC, sysctls: ATOMIC },
  [`${CORE}.Capabilities`]: { add: ATOMIC, drop: ATOMIC },
  [`${CORE}.ExecAction`]: { command: ATOMIC },
  [`${CORE}.HTTPGetAction`]: { httpHeaders: ATOMIC },
  [`${CORE}.PodDNSConfig`]: { nameservers: ATOMIC, options: ATOMIC, searches: ATOMIC },
  [`${CORE}.HostAlias`]: { hostnames: ATOMIC },
  [`${CORE}.ResourceRequirements`]: { claims: { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map' } },
  [`${CORE}.NodeSelector`]: { nodeSelectorTerms: ATOMIC },
  [`${CORE}.NodeSelectorTerm`]: { matchExpressions: ATOMIC, matchFields: ATOMIC },
  [`${CORE}.NodeSelectorRequirement`]: { values: ATOMIC },
  [`${CORE}.NodeAffinity`]: { preferredDuringSchedulingIgnoredDuringExecution: ATOMIC },
  [`${CORE}.PodAffinity`]: {
    preferredDuringSchedulingIgnoredDuringExecution: ATOMIC,
    requiredDuringSchedulingIgnoredDuringExecution: ATOMIC,
  },
  [`${CORE}.PodAntiAffinity`]: {
    preferredDuringSchedulingIgnoredDuringExecution: ATOMIC,
    requiredDuringSchedulingIgnoredDuringExecution: ATOMIC,
  },
  [`${CORE}.PodAffinityTerm`]: { matchLabelKeys: ATOMIC, mismatchLabelKeys: ATOMIC, namespaces: ATOMIC },
  [`${CORE}.TopologySpreadConstraint`]: { matchLabelKeys: ATOMIC },
  [`${CORE}.ConfigMapVolumeSource`]: { items: ATOMIC },
  [`${CORE}.SecretVolumeSource`]: { items: ATOMIC },
  [`${CORE}.ConfigMapProjection`]: { items: ATOMIC },
  [`${CORE}.SecretProjection`]: { items: ATOMIC },
  [`${CORE}.DownwardAPIVolumeSource`]: { items: ATOMIC },
  [`${CORE}.ProjectedVolumeSource`]: { sources: ATOMIC },
  [`${CORE}.PersistentVolumeClaimSpec`]: { accessModes: ATOMIC },
  [`${CORE}.PodStatus`]: {
    conditions: CONDITIONS,
    containerStatuses: ATOMIC,
    ephemeralContainerStatuses: ATOMIC,
    hostIPs: { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': 'merge' },
    initContainerStatuses: ATOMIC,
    podIPs: keyed('ip'),
  },
  [`${CORE}.ServiceSpec`]: {
    clusterIPs: ATOMIC,
    externalIPs: ATOMIC,
    ipFamilies: ATOMIC,
    loadBalancerSourceRanges: ATOMIC,
    ports: keyed('port', ['port', 'protocol']),
    selector: ATOMIC_MAP,
  },
  [`${CORE}.ServiceStatus`]: { conditions: CONDITIONS },
  [`${CORE}.LoadBalancerStatus`]: { ingress: ATOMIC },
  [`${CORE}.LoadBalancerIngress`]: { ports: ATOMIC },
  [`${CORE}.NodeSpec`]: {
    podCIDRs: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    taints: ATOMIC,
  },
  [`${CORE}.NodeStatus`]: {
    addresses: keyed('type'),
    conditions: CONDITIONS,
    images: ATOMIC,
    volumesAttached: ATOMIC,
    volumesInUse: ATOMIC,
  },
  [`${CORE}.NamespaceSpec`]: { finalizers: ATOMIC },
  [`${CORE}.NamespaceStatus`]: { conditions: CONDITIONS },
  [`${CORE}.Endpoints`]: { subsets: ATOMIC },
  [`${CORE}.EndpointSubset`]: { addresses: ATOMIC, notReadyAddresses: ATOMIC, ports: ATOMIC },
  [`${CORE}.ServiceAccount`]: {
    imagePullSecrets: ATOMIC,
    secrets: { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
  },
  [`${CORE}.ReplicationControllerStatus`]: { conditions: CONDITIONS },

  [`${APPS}.DeploymentSpec`]: { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  [`${APPS}.DeploymentStatus`]: { conditions: CONDITIONS },
  [`${APPS}.ReplicaSetStatus`]: { conditions: CONDITIONS },
  [`${APPS}.StatefulSetSpec`]: { volumeClaimTemplates: ATOMIC },
  [`${APPS}.StatefulSetStatus`]: { conditions: CONDITIONS },
  [`${APPS}.DaemonSetStatus`]: { conditions: CONDITIONS },

  [`${BATCH}.JobStatus`]: {
    conditions: { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge' },
  },
};

/** Structs owned as a whole by server-side apply (`+structType=atomic`). */
export const ATOMIC_STRUCTS = new Set([
  `${META}.LabelSelector`,
  `${META}.OwnerReference`,
  `${CORE}.ConfigMapKeySelector`,
  `${CORE}.LocalObjectReference`,
  `${CORE}.NodeSelector`,
  `${CORE}.NodeSelectorTerm`,
  `${CORE}.ObjectFieldSelector`,
  `${CORE}.ObjectReference`,
  `${CORE}.ResourceFieldSelector`,
  `${CORE}.SecretKeySelector`,
  `${CORE}.TopologySelectorTerm`,
  `${CORE}.TypedLocalObjectReference`,
]);

/**
 * Fields a definition requires, as Kubernetes' OpenAPI lists them (client-node's attribute maps
 * do not say). kubectl explain marks them `-required-`; validation itself lives in strategies.
 */
export const REQUIRED_FIELDS: Record<string, string[]> = {
  [`${META}.LabelSelectorRequirement`]: ['key', 'operator'],
  [`${META}.OwnerReference`]: ['apiVersion', 'kind', 'name', 'uid'],
  [`${META}.Condition`]: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  [`${CORE}.PodSpec`]: ['containers'],
  [`${CORE}.Container`]: ['name'],
  [`${CORE}.EphemeralContainer`]: ['name'],
  [`${CORE}.ContainerPort`]: ['containerPort'],
  [`${CORE}.EnvVar`]: ['name'],
  [`${CORE}.Volume`]: ['name'],
  [`${CORE}.VolumeMount`]: ['name', 'mountPath'],
  [`${CORE}.VolumeDevice`]: ['name', 'devicePath'],
  [`${CORE}.KeyToPath`]: ['key', 'path'],
  [`${CORE}.ConfigMapKeySelector`]: ['key'],
  [`${CORE}.SecretKeySelector`]: ['key'],
  [`${CORE}.ObjectFieldSelector`]: ['fieldPath'],
  [`${CORE}.ResourceFieldSelector`]: ['resource'],
  [`${CORE}.HTTPGetAction`]: ['port'],
  [`${CORE}.TCPSocketAction`]: ['port'],
  [`${CORE}.HostAlias`]: ['ip'],
  [`${CORE}.PodIP`]: ['ip'],
  [`${CORE}.HostIP`]: ['ip'],
  [`${CORE}.PodCondition`]: ['type', 'status'],
  [`${CORE}.NodeCondition`]: ['type', 'status'],
  [`${CORE}.NodeAddress`]: ['type', 'address'],
  [`${CORE}.NodeSelector`]: ['nodeSelectorTerms'],
  [`${CORE}.NodeSelectorRequirement`]: ['key', 'operator'],
  [`${CORE}.Taint`]: ['key', 'effect'],
  [`${CORE}.TopologySpreadConstraint`]: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
  [`${CORE}.ServicePort`]: ['port'],
  [`${CORE}.EndpointAddress`]: ['ip'],
  [`${CORE}.Binding`]: ['target'],
  [`${APPS}.DeploymentSpec`]: ['selector', 'template'],
  [`${APPS}.DeploymentCondition`]: ['type', 'status'],
  [`${APPS}.ReplicaSetSpec`]: ['selector'],
  [`${APPS}.ReplicaSetCondition`]: ['type', 'status'],
  [`${APPS}.StatefulSetSpec`]: ['selector', 'template'],
  [`${APPS}.DaemonSetSpec`]: ['selector', 'template'],
  [`${BATCH}.JobSpec`]: ['template'],
  [`${BATCH}.JobCondition`]: ['type', 'status'],
  [`${BATCH}.CronJobSpec`]: ['schedule', 'jobTemplate'],
};
