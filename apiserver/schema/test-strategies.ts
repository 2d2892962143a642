// Minimal strategies for this folder's tests (and openapi's): only the fields that name a kind.
// The real strategies live in resources/; these keep the schema tests independent of them.

import type { ResourceStrategy } from '../resources/strategy.js';

export function testStrategy(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  model: string,
  subresources: ResourceStrategy['subresources'] = {},
): ResourceStrategy {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    model,
    subresources,
    defaults: () => {},
    validate: () => [],
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: true,
    defaultPropagation: 'Background',
  };
}

export const TEST_STRATEGIES: ResourceStrategy[] = [
  testStrategy('', 'v1', 'Pod', 'pods', true, 'V1Pod', { status: true }),
  testStrategy('', 'v1', 'Service', 'services', true, 'V1Service', { status: true }),
  testStrategy('', 'v1', 'Namespace', 'namespaces', false, 'V1Namespace', { status: true }),
  testStrategy('', 'v1', 'ConfigMap', 'configmaps', true, 'V1ConfigMap'),
  testStrategy('apps', 'v1', 'Deployment', 'deployments', true, 'V1Deployment', {
    status: true,
    scale: {
      specReplicas: () => 1,
      setSpecReplicas: () => {},
      statusReplicas: () => 0,
      selector: () => '',
    },
  }),
  testStrategy('coordination.k8s.io', 'v1', 'Lease', 'leases', true, 'V1Lease'),
  testStrategy('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, 'V1CustomResourceDefinition', { status: true }),
];
