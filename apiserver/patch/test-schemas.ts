// Small hand-written schemas for the patch tests: just enough of Pod and Deployment to carry the
// merge keys, patch strategies and list types the real OpenAPI gives those kinds.

import type { Schema } from '../schema/schema.js';

const str: Schema = { type: 'string' };
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };

export const objectMeta: Schema = {
  type: 'object',
  properties: {
    name: str,
    namespace: str,
    uid: str,
    resourceVersion: str,
    labels: stringMap,
    annotations: stringMap,
    finalizers: { type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
    managedFields: { type: 'array', items: { type: 'object', properties: { manager: str } } },
  },
};

const envVar: Schema = { type: 'object', properties: { name: str, value: str } };

export const container: Schema = {
  type: 'object',
  properties: {
    name: str,
    image: str,
    args: { type: 'array', items: str },
    env: { type: 'array', items: envVar, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    ports: {
      type: 'array',
      items: { type: 'object', properties: { containerPort: { type: 'integer' }, protocol: str, name: str } },
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'containerPort',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    },
  },
};

const volume: Schema = {
  type: 'object',
  properties: {
    name: str,
    hostPath: { type: 'object', properties: { path: str } },
    emptyDir: { type: 'object', properties: { medium: str } },
  },
};

export const podSpec: Schema = {
  type: 'object',
  properties: {
    containers: { type: 'array', items: container, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    volumes: { type: 'array', items: volume, 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    tolerations: { type: 'array', items: { type: 'object', properties: { key: str, effect: str } }, 'x-kubernetes-list-type': 'atomic' },
    nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
    serviceAccountName: str,
  },
};

export const podSchema: Schema = {
  type: 'object',
  properties: { apiVersion: str, kind: str, metadata: objectMeta, spec: podSpec, status: { type: 'object', properties: { phase: str } } },
};

export const deploymentSchema: Schema = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: objectMeta,
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        paused: { type: 'boolean' },
        selector: { type: 'object', properties: { matchLabels: stringMap }, 'x-kubernetes-map-type': 'atomic' },
        template: { type: 'object', properties: { metadata: objectMeta, spec: podSpec } },
        strategy: {
          type: 'object',
          properties: { type: str, rollingUpdate: { type: 'object', properties: { maxSurge: { 'x-kubernetes-int-or-string': true }, maxUnavailable: { 'x-kubernetes-int-or-string': true } } } },
        },
      },
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' } } },
  },
};
