import { describe, expect, it } from 'vitest';
import type { Schema } from './schema.js';
import { createSchemaSource } from './schema-source.js';
import { TEST_STRATEGIES } from './test-strategies.js';

const source = createSchemaSource(TEST_STRATEGIES);

/** Follows a dotted path of property names ('[]' steps into array items). */
function at(schema: Schema | undefined, path: string): Schema {
  let s = schema;
  for (const step of path.split('.')) {
    if (!s) break;
    s = step === '[]' ? s.items : step === '{}' ? (s.additionalProperties as Schema) : s.properties?.[step];
  }
  if (!s) throw new Error(`no schema at ${path}`);
  return s;
}

describe('schemas built from client-node models', () => {
  const deployment = source.forKind('apps', 'v1', 'Deployment');

  it('names definitions as Kubernetes does', () => {
    expect(deployment?.definition).toBe('io.k8s.api.apps.v1.Deployment');
    expect(at(deployment, 'metadata').definition).toBe('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(at(deployment, 'spec').definition).toBe('io.k8s.api.apps.v1.DeploymentSpec');
    expect(at(deployment, 'spec.template').definition).toBe('io.k8s.api.core.v1.PodTemplateSpec');
    expect(at(deployment, 'spec.template.spec.containers.[]').definition).toBe('io.k8s.api.core.v1.Container');
  });

  it.each<[string, Schema]>([
    ['apiVersion', { type: 'string' }],
    ['spec.replicas', { type: 'integer', format: 'int32' }],
    ['spec.paused', { type: 'boolean' }],
    ['metadata.generation', { type: 'integer', format: 'int64' }],
    ['metadata.creationTimestamp', { type: 'string', format: 'date-time' }],
    ['metadata.labels', { type: 'object', additionalProperties: { type: 'string' } }],
    ['metadata.finalizers', { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' }],
    [
      'spec.strategy.rollingUpdate.maxSurge',
      { format: 'int-or-string', definition: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString', 'x-kubernetes-int-or-string': true },
    ],
  ])('%s', (path, expected) => {
    expect(at(deployment, path)).toEqual(expected);
  });

  it.each<[string, Partial<Schema>]>([
    ['spec.template.spec.containers', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }],
    ['spec.template.spec.volumes', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }],
    ['spec.template.spec.containers.[].ports', { 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] }],
    ['spec.template.spec.containers.[].env', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-list-type': 'map' }],
    ['spec.template.spec.containers.[].volumeMounts', { 'x-kubernetes-patch-merge-key': 'mountPath' }],
    ['spec.template.spec.tolerations', { 'x-kubernetes-list-type': 'atomic' }],
    ['spec.strategy', { 'x-kubernetes-patch-strategy': 'retainKeys', definition: 'io.k8s.api.apps.v1.DeploymentStrategy' }],
    ['spec.selector', { 'x-kubernetes-map-type': 'atomic', definition: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' }],
    ['metadata.ownerReferences', { 'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-list-map-keys': ['uid'] }],
    ['spec', { required: ['selector', 'template'] }],
  ])('extensions of %s', (path, expected) => {
    expect(at(deployment, path)).toMatchObject(expected);
  });

  it('keys Service ports by port and protocol', () => {
    expect(at(source.forKind('', 'v1', 'Service'), 'spec.ports')).toMatchObject({
      'x-kubernetes-patch-merge-key': 'port',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
    });
  });

  it('shares a core type between kinds and freezes it', () => {
    const pod = source.forKind('', 'v1', 'Pod');
    expect(at(pod, 'spec')).toBe(at(deployment, 'spec.template.spec'));
    expect(Object.isFrozen(at(pod, 'spec'))).toBe(true);
  });

  it('cuts recursive types', () => {
    const crd = source.forKind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition');
    const props = at(crd, 'spec.versions.[].schema.openAPIV3Schema');
    expect(props.definition).toBe('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps');
    expect(at(props, 'properties.{}')).toEqual({
      type: 'object',
      definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(props.properties?.['$ref']).toEqual({ type: 'string' });
  });

  it('reads MicroTime as a timestamp', () => {
    expect(at(source.forKind('coordination.k8s.io', 'v1', 'Lease'), 'spec.renewTime')).toEqual({ type: 'string', format: 'date-time' });
  });

  it('has nothing for kinds it does not serve', () => {
    expect(source.forKind('apps', 'v1', 'StatefulSet')).toBeUndefined();
  });
});
