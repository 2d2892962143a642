// Kubernetes names every schema after its Go package: 'io.k8s.api.apps.v1.DeploymentSpec',
// 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'. client-node names classes 'V1DeploymentSpec'
// and drops the package, so the package has to be recovered:
//  - a few classes carry their group in the name because two groups define the same type
//    ('CoreV1Event' vs 'EventsV1Event');
//  - apimachinery's meta/v1 types are a known, short list;
//  - core/v1 types are everything reachable from the core kinds (a Deployment's PodTemplateSpec
//    is a core type);
//  - anything else belongs to the group of the kind that uses it.

/** The Go package prefix of a group's API types. */
export function packageOfGroup(group: string): string {
  if (group === '') return 'io.k8s.api.core';
  if (group === 'apiextensions.k8s.io') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  if (group === 'apiregistration.k8s.io') return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
  // 'networking.k8s.io' → networking, 'rbac.authorization.k8s.io' → rbac, 'apps' → apps.
  return `io.k8s.api.${group.split('.')[0]}`;
}

export const META_PACKAGE = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Types of k8s.io/apimachinery/pkg/apis/meta/v1 that client-node models as V1 classes. */
const META_TYPES = new Set([
  'APIGroup', 'APIGroupList', 'APIResource', 'APIResourceList', 'APIVersions', 'Condition',
  'DeleteOptions', 'FieldSelectorRequirement', 'GroupVersionForDiscovery', 'LabelSelector',
  'LabelSelectorRequirement', 'ListMeta', 'ManagedFieldsEntry', 'ObjectMeta', 'OwnerReference',
  'Preconditions', 'ServerAddressByClientCIDR', 'Status', 'StatusCause', 'StatusDetails', 'WatchEvent',
]);

/** Class-name prefixes that spell out a group, as client-node uses them to break name clashes. */
const PREFIXED_GROUPS: Record<string, string> = {
  Core: '',
  Apps: 'apps',
  Admissionregistration: 'admissionregistration.k8s.io',
  Apiextensions: 'apiextensions.k8s.io',
  Apiregistration: 'apiregistration.k8s.io',
  Authentication: 'authentication.k8s.io',
  Discovery: 'discovery.k8s.io',
  Events: 'events.k8s.io',
  Flowcontrol: 'flowcontrol.apiserver.k8s.io',
  Rbac: 'rbac.authorization.k8s.io',
  Resource: 'resource.k8s.io',
  Storage: 'storage.k8s.io',
};

/** Splits 'V1beta1Foo' into version 'v1beta1' and type 'Foo'; 'CoreV1Event' keeps its group. */
export function splitClassName(className: string): { group?: string; version: string; type: string } | undefined {
  const m = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z].*)$/.exec(className);
  if (!m) return undefined;
  const [, prefix, version, type] = m;
  if (prefix !== undefined) {
    const group = PREFIXED_GROUPS[prefix];
    if (group === undefined) return undefined;
    return { group, version: version!.toLowerCase(), type: type! };
  }
  return { version: version!.toLowerCase(), type: type! };
}

export function isMetaType(className: string): boolean {
  const parts = splitClassName(className);
  return parts !== undefined && parts.version === 'v1' && parts.group === undefined && META_TYPES.has(parts.type);
}

/**
 * The Kubernetes definition name of a client-node class.
 * @param usedByGroup the group of the kind whose schema reaches this class
 * @param isCore whether the class is reachable from a core kind
 */
export function definitionName(className: string, usedByGroup: string, isCore: boolean): string {
  const parts = splitClassName(className);
  if (!parts) throw new Error(`not a client-node model class name: ${className}`);
  if (isMetaType(className)) return `${META_PACKAGE}.${parts.type}`;
  const group = parts.group ?? (isCore ? '' : usedByGroup);
  return `${packageOfGroup(group)}.${parts.version}.${parts.type}`;
}
