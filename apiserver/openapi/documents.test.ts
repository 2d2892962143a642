import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../api/object.js';
import { createSchemaSource } from '../schema/schema-source.js';
import { TEST_STRATEGIES } from '../schema/test-strategies.js';
import { buildOpenApiV2, buildOpenApiV3GroupVersion, buildOpenApiV3Index, openApiV3Paths } from './documents.js';
import { groupIdentifier } from './operations.js';

const schemas = createSchemaSource(TEST_STRATEGIES);
const obj = (v: unknown): JsonObject => v as JsonObject;

describe('OpenAPI v3', () => {
  it('lists every served group-version', () => {
    const paths = openApiV3Paths(TEST_STRATEGIES, schemas);
    expect(paths).toEqual(['api/v1', 'apis/apiextensions.k8s.io/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']);
    const index = buildOpenApiV3Index(new Map(paths.map((p) => [p, 'H'])));
    expect(index).toEqual({
      paths: {
        'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=H' },
        'apis/apiextensions.k8s.io/v1': { serverRelativeURL: '/openapi/v3/apis/apiextensions.k8s.io/v1?hash=H' },
        'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1?hash=H' },
        'apis/coordination.k8s.io/v1': { serverRelativeURL: '/openapi/v3/apis/coordination.k8s.io/v1?hash=H' },
      },
    });
  });

  const apps = buildOpenApiV3GroupVersion(TEST_STRATEGIES, schemas, 'apis/apps/v1')!;

  it('declares fieldValidation on the PATCH of the kind, with its GVK (what kubectl checks)', () => {
    const patch = obj(obj(obj(apps.paths)['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']).patch);
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect(patch['x-kubernetes-action']).toBe('patch');
    expect(patch.operationId).toBe('patchAppsV1NamespacedDeployment');
    expect((patch.parameters as JsonObject[]).map((p) => p.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(Object.keys(obj(obj(patch.requestBody).content))).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
  });

  it('has every path of a namespaced kind with status and scale', () => {
    expect(Object.keys(obj(apps.paths))).toEqual([
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status',
      '/apis/apps/v1/watch/deployments',
      '/apis/apps/v1/watch/namespaces/{namespace}/deployments',
      '/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}',
    ]);
    const scale = obj(obj(obj(apps.paths)['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']).get);
    expect(scale['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', kind: 'Scale', version: 'v1' });
  });

  it('publishes definitions with references and the GVK of kinds', () => {
    const defs = obj(obj(apps.components).schemas);
    const deployment = obj(defs['io.k8s.api.apps.v1.Deployment']);
    expect(deployment['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(obj(deployment.properties).spec).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }] });
    const spec = obj(defs['io.k8s.api.apps.v1.DeploymentSpec']);
    expect(obj(spec.properties).strategy).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }],
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    expect(spec.required).toEqual(['selector', 'template']);
    const podSpec = obj(defs['io.k8s.api.core.v1.PodSpec']);
    expect(obj(podSpec.properties).containers).toEqual({
      type: 'array',
      items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }] },
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ anyOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' });
    expect(obj(defs['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'])['x-kubernetes-map-type']).toBe('atomic');
    expect(obj(defs['io.k8s.api.apps.v1.DeploymentList'])['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
    // Every reference resolves inside the document.
    const refs = JSON.stringify(apps).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const ref of new Set(refs)) expect(defs[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
  });

  it('keeps recursive definitions whole', () => {
    const crd = buildOpenApiV3GroupVersion(TEST_STRATEGIES, schemas, 'apis/apiextensions.k8s.io/v1')!;
    const props = obj(obj(obj(obj(crd.components).schemas)['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps']).properties);
    expect(obj(props.properties).additionalProperties).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps' }],
    });
    expect(obj(props.type)).toEqual({ type: 'string' });
  });

  it('has no document for a group-version it does not serve', () => {
    expect(buildOpenApiV3GroupVersion(TEST_STRATEGIES, schemas, 'apis/batch/v1')).toBeUndefined();
  });
});

describe('OpenAPI v2', () => {
  const doc = buildOpenApiV2(TEST_STRATEGIES, schemas);

  it('is swagger 2.0 with operations of cluster-scoped kinds', () => {
    expect(doc.swagger).toBe('2.0');
    const ns = obj(obj(doc.paths)['/api/v1/namespaces/{name}']);
    expect(obj(ns.get).operationId).toBe('readCoreV1Namespace');
    expect(obj(ns.get)['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'Namespace', version: 'v1' });
    expect(ns.parameters).toEqual([
      { in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true },
      { in: 'query', name: 'pretty', type: 'string', uniqueItems: true },
    ]);
    const create = obj(obj(obj(doc.paths)['/api/v1/namespaces']).post);
    expect((create.parameters as JsonObject[])[0]).toEqual({ in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.core.v1.Namespace' } });
    expect(obj(obj(create.responses)['201'])).toEqual({ description: 'Created', schema: { $ref: '#/definitions/io.k8s.api.core.v1.Namespace' } });
  });

  it('uses bare references', () => {
    const lease = obj(obj(doc.definitions)['io.k8s.api.coordination.v1.Lease']);
    expect(obj(lease.properties).metadata).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
    expect(obj(doc.definitions)['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ type: 'string', format: 'int-or-string' });
  });
});

describe('operation ids', () => {
  it.each([
    ['', 'Core'],
    ['apps', 'Apps'],
    ['coordination.k8s.io', 'Coordination'],
    ['rbac.authorization.k8s.io', 'RbacAuthorization'],
  ])('%j → %s', (group, id) => expect(groupIdentifier(group)).toBe(id));
});
