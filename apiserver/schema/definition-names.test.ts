import { describe, expect, it } from 'vitest';
import { definitionName, packageOfGroup, splitClassName } from './definition-names.js';

describe('definition names', () => {
  it.each([
    ['V1ObjectMeta', 'apps', false, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'],
    ['V1LabelSelector', 'apps', false, 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'],
    ['V1DeploymentSpec', 'apps', false, 'io.k8s.api.apps.v1.DeploymentSpec'],
    ['V1PodTemplateSpec', 'apps', true, 'io.k8s.api.core.v1.PodTemplateSpec'],
    ['V1Pod', '', true, 'io.k8s.api.core.v1.Pod'],
    ['V1Lease', 'coordination.k8s.io', false, 'io.k8s.api.coordination.v1.Lease'],
    ['V1IngressSpec', 'networking.k8s.io', false, 'io.k8s.api.networking.v1.IngressSpec'],
    ['V2HorizontalPodAutoscaler', 'autoscaling', false, 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler'],
    ['CoreV1Event', 'events.k8s.io', false, 'io.k8s.api.core.v1.Event'],
    ['EventsV1Event', '', false, 'io.k8s.api.events.v1.Event'],
    ['RbacV1Subject', 'rbac.authorization.k8s.io', false, 'io.k8s.api.rbac.v1.Subject'],
    ['V1CustomResourceDefinition', 'apiextensions.k8s.io', false, 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'],
    ['V1beta1LeaseCandidate', 'coordination.k8s.io', false, 'io.k8s.api.coordination.v1beta1.LeaseCandidate'],
  ])('%s used by %j', (cls, group, isCore, expected) => {
    expect(definitionName(cls, group, isCore)).toBe(expected);
  });

  it('splits class names', () => {
    expect(splitClassName('V1alpha1Foo')).toEqual({ version: 'v1alpha1', type: 'Foo' });
    expect(splitClassName('DiscoveryV1EndpointPort')).toEqual({ group: 'discovery.k8s.io', version: 'v1', type: 'EndpointPort' });
    expect(splitClassName('IntOrString')).toBeUndefined();
  });

  it('maps groups to Go packages', () => {
    expect(packageOfGroup('')).toBe('io.k8s.api.core');
    expect(packageOfGroup('rbac.authorization.k8s.io')).toBe('io.k8s.api.rbac');
    expect(packageOfGroup('apiregistration.k8s.io')).toBe('io.k8s.kube-aggregator.pkg.apis.apiregistration');
  });
});
