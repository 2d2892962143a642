import { describe, expect, it } from 'vitest';
import { errorText } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import type { ResourceStrategy } from './strategy.js';
import { ALL_STRATEGIES, findStrategy } from './catalog.js';
import { configmapsStrategy } from './configmaps.js';
import { eventsStrategy } from './events.js';
import { leasesStrategy } from './leases.js';
import { namespacesStrategy } from './namespaces.js';
import { nodesStrategy } from './nodes.js';
import { secretsStrategy } from './secrets.js';
import { servicesStrategy } from './services.js';

function create(s: ResourceStrategy, obj: KubeObject): { obj: KubeObject; errors: string[] } {
  s.defaults(obj);
  s.prepareForCreate?.(obj);
  return { obj, errors: s.validate(obj).map(errorText) };
}
function update(s: ResourceStrategy, old: KubeObject, change: (o: KubeObject) => void): { obj: KubeObject; errors: string[] } {
  const obj = structuredClone(old);
  change(obj);
  s.defaults(obj);
  s.prepareForUpdate?.(obj, old);
  return { obj, errors: [...s.validate(obj), ...(s.validateUpdate?.(obj, old) ?? [])].map(errorText) };
}
const meta = (name: string, namespace?: string): KubeObject['metadata'] => (namespace ? { name, namespace } : { name });

describe('catalog', () => {
  it.each([
    ['', 'namespaces', 'Namespace', 'V1Namespace', false, ['ns'], [], true, false],
    ['', 'pods', 'Pod', 'V1Pod', true, ['po'], ['all'], true, false],
    ['', 'nodes', 'Node', 'V1Node', false, ['no'], [], true, false],
    ['', 'services', 'Service', 'V1Service', true, ['svc'], ['all'], true, false],
    ['', 'endpoints', 'Endpoints', 'V1Endpoints', true, ['ep'], [], false, false],
    ['', 'configmaps', 'ConfigMap', 'V1ConfigMap', true, ['cm'], [], false, false],
    ['', 'secrets', 'Secret', 'V1Secret', true, [], [], false, false],
    ['', 'events', 'Event', 'CoreV1Event', true, ['ev'], [], false, false],
    ['', 'serviceaccounts', 'ServiceAccount', 'V1ServiceAccount', true, ['sa'], [], false, false],
    ['apps', 'deployments', 'Deployment', 'V1Deployment', true, ['deploy'], ['all'], true, true],
    ['apps', 'replicasets', 'ReplicaSet', 'V1ReplicaSet', true, ['rs'], ['all'], true, true],
    ['apps', 'daemonsets', 'DaemonSet', 'V1DaemonSet', true, ['ds'], ['all'], true, false],
    ['apps', 'statefulsets', 'StatefulSet', 'V1StatefulSet', true, ['sts'], ['all'], true, true],
    ['batch', 'jobs', 'Job', 'V1Job', true, [], ['all'], true, false],
    ['coordination.k8s.io', 'leases', 'Lease', 'V1Lease', true, [], [], false, false],
  ])('%s/%s', (group, plural, kind, model, namespaced, shortNames, categories, status, scale) => {
    const s = findStrategy(group, plural)!;
    expect({ kind: s.kind, model: s.model, namespaced: s.namespaced, shortNames: s.shortNames, categories: s.categories }).toEqual({
      kind,
      model,
      namespaced,
      shortNames,
      categories,
    });
    expect(s.subresources.status === true).toBe(status);
    expect(s.subresources.scale !== undefined).toBe(scale);
  });

  it('serves fifteen kinds; only events, endpoints and leases are created by PUT', () => {
    expect(ALL_STRATEGIES).toHaveLength(15);
    expect(ALL_STRATEGIES.filter((s) => s.allowCreateOnUpdate).map((s) => s.plural)).toEqual(['endpoints', 'events', 'leases']);
    expect(findStrategy('', 'deployments')).toBeUndefined();
  });
});

describe('namespaces', () => {
  it('start Active with the kubernetes finalizer and their name as a label', () => {
    const { obj, errors } = create(namespacesStrategy, { apiVersion: 'v1', kind: 'Namespace', metadata: meta('team-a'), status: { phase: 'Terminating' } });
    expect(errors).toEqual([]);
    expect(obj).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });
  it('names are RFC 1123 labels; finalizers change only through finalize', () => {
    expect(create(namespacesStrategy, { apiVersion: 'v1', kind: 'Namespace', metadata: meta('a.b') }).errors).toEqual(['metadata.name: Invalid value: "a.b": must not contain dots']);
    const old = create(namespacesStrategy, { apiVersion: 'v1', kind: 'Namespace', metadata: meta('a') }).obj;
    expect(update(namespacesStrategy, old, (o) => (o['spec'] = {})).obj['spec']).toEqual({ finalizers: ['kubernetes'] });
  });
});

describe('services', () => {
  const svc = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('web', 'default'), spec });
  it('a minimal service gets exactly Kubernetes defaults, clusterIP left to the allocator', () => {
    const { obj, errors } = create(servicesStrategy, svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
    expect(errors).toEqual([]);
    expect(obj['spec']).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    expect(obj['status']).toEqual({ loadBalancer: {} });
  });
  it('NodePort services get externalTrafficPolicy; ClientIP affinity its timeout', () => {
    const { obj } = create(servicesStrategy, svc({ type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 'http' }] }));
    const spec = obj['spec'] as Record<string, unknown>;
    expect(spec['externalTrafficPolicy']).toBe('Cluster');
    expect(spec['sessionAffinityConfig']).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    expect(spec['ports']).toEqual([{ port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });
  it.each([
    [{ ports: [] }, ['spec.ports: Required value']],
    [{ ports: [{ port: 80 }, { port: 81 }] }, ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
    // The target port defaulted to the (bad) port, so both are reported, as in Kubernetes.
    [
      { ports: [{ port: 0 }] },
      ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive'],
    ],
    [{ type: 'Magic', ports: [{ port: 80 }] }, ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    [{ ports: [{ port: 80, nodePort: 30000 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
  ])('%j', (spec, expected) => {
    expect(create(servicesStrategy, svc(spec)).errors).toEqual(expected);
  });
  it('service names are DNS-1035 labels', () => {
    const errors = create(servicesStrategy, { ...svc({ ports: [{ port: 80 }] }), metadata: meta('1web', 'default') }).errors;
    expect(errors[0]).toMatch(/^metadata\.name: Invalid value: "1web": a DNS-1035 label/);
  });
  it('the cluster IP is kept when an update omits it, and never changes', () => {
    const old = create(servicesStrategy, svc({ ports: [{ port: 80 }], clusterIP: '10.96.0.20' })).obj;
    const kept = update(servicesStrategy, old, (o) => delete (o['spec'] as Record<string, unknown>)['clusterIP'] && delete (o['spec'] as Record<string, unknown>)['clusterIPs']);
    expect(kept.errors).toEqual([]);
    expect((kept.obj['spec'] as Record<string, unknown>)['clusterIPs']).toEqual(['10.96.0.20']);
    const changed = update(servicesStrategy, old, (o) => {
      (o['spec'] as Record<string, unknown>)['clusterIP'] = '10.96.0.21';
      (o['spec'] as Record<string, unknown>)['clusterIPs'] = ['10.96.0.21'];
    });
    expect(changed.errors).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.21"}: may not change once set']);
  });
});

describe('configmaps and secrets', () => {
  const cm = (extra: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('c', 'default'), ...extra });
  const secret = (extra: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta('s', 'default'), ...extra });
  it.each([
    [cm({ data: { 'a b': 'x' } }), [expect.stringMatching(/^data\[a b\]: Invalid value: "a b": a valid config key must consist/)]],
    [cm({ data: { k: 'x' }, binaryData: { k: 'eA==' } }), ['data[k]: Invalid value: "k": duplicate of key present in binaryData']],
    [cm({ data: { big: 'x'.repeat(1024 * 1024 + 1) } }), [': Too long: must have at most 1048576 bytes']],
  ])('configmap %#', (obj, expected) => {
    expect(create(configmapsStrategy, obj).errors).toEqual(expected);
  });
  it('an immutable configmap keeps its data', () => {
    const old = create(configmapsStrategy, cm({ data: { k: 'v' }, immutable: true })).obj;
    expect(update(configmapsStrategy, old, (o) => (o['data'] = { k: 'w' })).errors).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
    expect(update(configmapsStrategy, old, (o) => delete o['immutable']).errors).toEqual(['immutable: Forbidden: field is immutable when `immutable` is set']);
  });
  it('secrets default to Opaque and fold stringData into data', () => {
    const { obj, errors } = create(secretsStrategy, secret({ data: { a: 'eA==' }, stringData: { b: 'hello' } }));
    expect(errors).toEqual([]);
    expect(obj).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: meta('s', 'default'), type: 'Opaque', data: { a: 'eA==', b: 'aGVsbG8=' } });
  });
  it.each([
    ['kubernetes.io/tls', { 'tls.crt': 'eA==' }, ['data[tls.key]: Required value']],
    ['kubernetes.io/basic-auth', {}, ['data[username]: Required value', 'data[password]: Required value']],
    ['kubernetes.io/service-account-token', {}, ['metadata.annotations[kubernetes.io/service-account.name]: Required value']],
  ])('a %s secret needs its keys', (type, data, expected) => {
    expect(create(secretsStrategy, secret({ type, data })).errors).toEqual(expected);
  });
  it('a secret type never changes', () => {
    const old = create(secretsStrategy, secret({ data: {} })).obj;
    expect(update(secretsStrategy, old, (o) => (o['type'] = 'x/y')).errors).toEqual(['type: Invalid value: "x/y": field is immutable']);
  });
});

describe('nodes, leases, events', () => {
  it('a node keeps the status it registers with, allocatable defaulting to capacity', () => {
    const { obj } = create(nodesStrategy, { apiVersion: 'v1', kind: 'Node', metadata: meta('n1'), status: { capacity: { cpu: '4' } } });
    const status = obj['status'] as Record<string, unknown>;
    expect(status['allocatable']).toEqual({ cpu: '4' });
    expect(status['daemonEndpoints']).toEqual({ kubeletEndpoint: { Port: 0 } });
    expect(nodesStrategy.selectableFields?.({ ...obj, spec: { unschedulable: true } })).toEqual({ 'spec.unschedulable': 'true' });
  });
  it('a lease lasts a positive time', () => {
    const lease: KubeObject = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('l', 'kube-node-lease'), spec: { leaseDurationSeconds: 0 } };
    expect(create(leasesStrategy, lease).errors).toEqual(['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  });
  it('an event lives in the namespace of its object', () => {
    const ev = (ns: string): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: meta('e', 'default'), involvedObject: { kind: 'Pod', namespace: ns, name: 'p' }, reason: 'Started', source: { component: 'kubelet' } });
    expect(create(eventsStrategy, ev('default')).errors).toEqual([]);
    expect(create(eventsStrategy, ev('other')).errors).toEqual(['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
    expect(eventsStrategy.selectableFields?.(ev('default'))).toMatchObject({ 'involvedObject.kind': 'Pod', reason: 'Started', source: 'kubelet', type: '' });
  });
});
