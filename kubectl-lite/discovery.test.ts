import { describe, expect, it } from 'vitest';
import { findResource, flattenDiscovery, kindGroup, resolveResource, resourceForObject, resourcePath } from './discovery.js';

const all = flattenDiscovery([
  { items: [{ metadata: { name: '' }, versions: [{ version: 'v1', resources: [{ resource: 'pods', singularResource: 'pod', scope: 'Namespaced', shortNames: ['po'], responseKind: { kind: 'Pod' } }, { resource: 'nodes', singularResource: 'node', scope: 'Cluster', shortNames: ['no'], responseKind: { kind: 'Node' } }, { resource: 'events', singularResource: 'event', scope: 'Namespaced', shortNames: ['ev'], responseKind: { kind: 'Event' } }] }] }] },
  {
    items: [
      { metadata: { name: 'apps' }, versions: [{ version: 'v1', resources: [{ resource: 'deployments', singularResource: 'deployment', scope: 'Namespaced', shortNames: ['deploy'], responseKind: { kind: 'Deployment' } }] }] },
      { metadata: { name: 'events.k8s.io' }, versions: [{ version: 'v1', resources: [{ resource: 'events', singularResource: 'event', scope: 'Namespaced', shortNames: ['ev'], responseKind: { kind: 'Event' } }] }] },
      { metadata: { name: 'autoscaling' }, versions: [{ version: 'v2', resources: [{ resource: 'horizontalpodautoscalers', scope: 'Namespaced', shortNames: ['hpa'], responseKind: { kind: 'HorizontalPodAutoscaler' } }] }, { version: 'v1', resources: [{ resource: 'horizontalpodautoscalers', scope: 'Namespaced', responseKind: { kind: 'HorizontalPodAutoscaler' } }] }] },
    ],
  },
]);

describe('resource names', () => {
  it('resolves plural, singular, short name, kind and group-qualified names', () => {
    for (const w of ['po', 'pods', 'pod', 'Pod']) expect(resolveResource(all, w).resource).toBe('pods');
    for (const w of ['deploy', 'deployments', 'deployment.apps', 'deployments.apps', 'Deployment', 'deployments.v1.apps']) expect(resolveResource(all, w).resource).toBe('deployments');
  });
  it('prefers the core group and the preferred version', () => {
    expect(resolveResource(all, 'ev').group).toBe('');
    expect(resolveResource(all, 'events.events.k8s.io').group).toBe('events.k8s.io');
    expect(resolveResource(all, 'hpa').version).toBe('v2');
    expect(findResource(all, 'horizontalpodautoscalers.v1.autoscaling')?.version).toBe('v1');
  });
  it('answers an unknown word as kubectl does', () => {
    expect(() => resolveResource(all, 'foo')).toThrow('the server doesn\'t have a resource type "foo"');
  });
  it('builds names and paths', () => {
    const d = resolveResource(all, 'deploy');
    expect(kindGroup(d)).toBe('deployment.apps');
    expect(kindGroup(resolveResource(all, 'po'))).toBe('pod');
    expect(resourcePath(d, 'default', 'web', 'scale')).toBe('/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(resourcePath(resolveResource(all, 'no'), 'default', 'n1')).toBe('/api/v1/nodes/n1');
    expect(resourceForObject(all, 'apps/v1', 'Deployment')?.resource).toBe('deployments');
  });
});
