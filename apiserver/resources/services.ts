// core/v1 Service (pkg/apis/core/v1 SetDefaults_Service, pkg/registry/core/service).
//
// Cluster IP allocation is not here: the registry allocates spec.clusterIP (registry/cluster-ip.ts)
// when a service of a type other than ExternalName has none and is not headless ("None"). These
// hooks leave clusterIP unset on create and, on update, carry the allocated IP and node ports
// over when the client omits them (as `kubectl apply` does), which Kubernetes' service storage
// does in patchAllocatedValues.

import { fieldError, index, type FieldError } from '../api/field-errors.js';
import { asNumber, asObject, asString, asStringMap, ensureObject, objectList, setDefault, setDefaultString, type Obj } from '../admission/validation/json-access.js';
import { goValue } from '../admission/validation/go-syntax.js';
import { isDNS1123Label, isValidPortName, isValidPortNum, nameIsDNS1035Label } from '../admission/validation/names.js';
import { validateLabels } from '../admission/validation/object-meta.js';
import { PORT_PROTOCOLS } from '../admission/validation/pod-spec.js';
import { defineStrategy } from './define-strategy.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
/** Three hours: kube-proxy's default stickiness for ClientIP affinity. */
const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

function specOf(obj: Obj): Obj {
  return asObject(obj['spec']) ?? {};
}

function isHeadless(spec: Obj): boolean {
  return spec['clusterIP'] === 'None';
}

function defaultService(spec: Obj): void {
  setDefaultString(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (spec['sessionAffinity'] === 'ClientIP') {
    const timeout = asObject(asObject(spec['sessionAffinityConfig'])?.['clientIP'])?.['timeoutSeconds'];
    if (timeout === undefined || timeout === null) spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT } };
  }
  setDefaultString(spec, 'type', 'ClusterIP');
  const type = spec['type'];
  for (const port of objectList(spec['ports'])) {
    setDefaultString(port, 'protocol', 'TCP');
    // A target port left out (or 0, or "") is the service port itself.
    if (port['targetPort'] === undefined || port['targetPort'] === null || port['targetPort'] === 0 || port['targetPort'] === '') {
      port['targetPort'] = port['port'];
    }
  }
  const externallyAccessible =
    type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && Array.isArray(spec['externalIPs']) && spec['externalIPs'].length > 0);
  if (externallyAccessible) setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);

  // v1 has clusterIP and clusterIPs; conversion keeps the first of clusterIPs equal to clusterIP.
  const clusterIP = asString(spec['clusterIP']);
  const clusterIPs = Array.isArray(spec['clusterIPs']) ? (spec['clusterIPs'] as string[]) : [];
  if (clusterIP && clusterIPs.length === 0) spec['clusterIPs'] = [clusterIP];
  else if (!clusterIP && clusterIPs.length > 0) spec['clusterIP'] = clusterIPs[0];

  if (type !== 'ExternalName') {
    // A single-stack IPv4 cluster: every service gets one family. A headless service without a
    // selector asks for every family the cluster has (its endpoints are managed by hand).
    const headlessWithoutSelector = isHeadless(spec) && Object.keys(asObject(spec['selector']) ?? {}).length === 0;
    setDefault(spec, 'ipFamilyPolicy', headlessWithoutSelector ? 'RequireDualStack' : 'SingleStack');
    setDefault(spec, 'ipFamilies', ['IPv4']);
  }
}

function validatePorts(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ports = objectList(spec['ports']);
  if (ports.length === 0 && !isHeadless(spec) && spec['type'] !== 'ExternalName') errs.push(fieldError.required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = index('spec.ports', i);
    const name = asString(port['name']) ?? '';
    if (ports.length > 1 && !name) errs.push(fieldError.required(`${p}.name`));
    else if (name) {
      for (const msg of isDNS1123Label(name)) errs.push(fieldError.invalid(`${p}.name`, name, msg));
      if (names.has(name)) errs.push(fieldError.duplicate(`${p}.name`, name));
      names.add(name);
    }
    const portNum = asNumber(port['port']) ?? 0;
    for (const msg of isValidPortNum(portNum)) errs.push(fieldError.invalid(`${p}.port`, portNum, msg));
    const protocol = port['protocol'];
    if (!protocol) errs.push(fieldError.required(`${p}.protocol`));
    else if (!PORT_PROTOCOLS.includes(protocol as (typeof PORT_PROTOCOLS)[number])) errs.push(fieldError.notSupported(`${p}.protocol`, protocol, PORT_PROTOCOLS));
    const target = port['targetPort'];
    if (typeof target === 'number') {
      for (const msg of isValidPortNum(target)) errs.push(fieldError.invalid(`${p}.targetPort`, target, msg));
    } else if (typeof target === 'string') {
      if (target === '') errs.push(fieldError.required(`${p}.targetPort`));
      else for (const msg of isValidPortName(target)) errs.push(fieldError.invalid(`${p}.targetPort`, target, msg));
    }
    if (spec['type'] === 'ClusterIP' && asNumber(port['nodePort'])) {
      errs.push(fieldError.forbidden(`${p}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    }
  });
  return errs;
}

function validateService(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = spec['type'];
  if (!type) errs.push(fieldError.required('spec.type'));
  else if (!SERVICE_TYPES.includes(type as string)) errs.push(fieldError.notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ExternalName' && !asString(spec['externalName'])) errs.push(fieldError.required('spec.externalName'));
  const affinity = spec['sessionAffinity'];
  if (!affinity) errs.push(fieldError.required('spec.sessionAffinity'));
  else if (!SESSION_AFFINITIES.includes(affinity as string)) errs.push(fieldError.notSupported('spec.sessionAffinity', affinity, SESSION_AFFINITIES));
  errs.push(...validatePorts(spec));
  errs.push(...validateLabels(asStringMap(spec['selector']), 'spec.selector'));
  return errs;
}

/** validateUpgradeDowngradeClusterIPs, single-stack: the primary cluster IP never changes once set. */
function validateClusterIPUpdate(spec: Obj, old: Obj): FieldError[] {
  if (spec['type'] === 'ExternalName' || old['type'] === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(old)) return [];
  const now = Array.isArray(spec['clusterIPs']) ? (spec['clusterIPs'] as string[]) : [];
  const before = Array.isArray(old['clusterIPs']) ? (old['clusterIPs'] as string[]) : [];
  if (before.length === 0) return [];
  if (now.length === 0) return [fieldError.invalid('spec.clusterIPs[0]', goValue.stringSlice(now), 'primary clusterIP can not be unset')];
  const errs: FieldError[] = [];
  before.forEach((ip, i) => {
    if (i < now.length && now[i] !== ip) errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, goValue.stringSlice(now), 'may not change once set'));
  });
  return errs;
}

/** patchAllocatedValues: what the server allocated stays when the client leaves it out. */
function keepAllocatedValues(spec: Obj, old: Obj): void {
  if (spec['type'] !== 'ExternalName' && old['type'] !== 'ExternalName') {
    if (!spec['clusterIP'] && old['clusterIP']) spec['clusterIP'] = old['clusterIP'];
    if (!(Array.isArray(spec['clusterIPs']) && spec['clusterIPs'].length) && Array.isArray(old['clusterIPs'])) spec['clusterIPs'] = structuredClone(old['clusterIPs']);
  }
  const needsNodePorts = (s: Obj): boolean => s['type'] === 'NodePort' || s['type'] === 'LoadBalancer';
  if (needsNodePorts(spec) && needsNodePorts(old)) {
    const oldPorts = objectList(old['ports']);
    for (const port of objectList(spec['ports'])) {
      if (port['nodePort']) continue;
      const match = oldPorts.find((o) => o['port'] === port['port'] && o['protocol'] === port['protocol']);
      if (match?.['nodePort']) port['nodePort'] = match['nodePort'];
    }
  }
}

export const servicesStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  model: 'V1Service',
  subresources: { status: true },
  nameRule: nameIsDNS1035Label,
  defaults: (obj) => defaultService(ensureObject(obj, 'spec')),
  // ServiceStatus.loadBalancer is a struct Kubernetes always prints.
  initialStatus: () => ({ loadBalancer: {} }),
  prepareForUpdate(obj, old) {
    keepAllocatedValues(ensureObject(obj, 'spec'), specOf(old));
    // The IPs just copied must also satisfy the clusterIP/clusterIPs mirror.
    defaultService(ensureObject(obj, 'spec'));
  },
  validateSpec: (obj) => validateService(specOf(obj)),
  validateSpecUpdate: (obj, old) => validateClusterIPUpdate(specOf(obj), specOf(old)),
});
