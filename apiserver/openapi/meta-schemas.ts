// The apimachinery types that operations use but no served kind reaches: list metadata, Status,
// DeleteOptions, the Patch body, watch events and the autoscaling/v1 Scale subresource. Written
// here by hand (field names and types as Kubernetes defines them) because SchemaSource only knows
// served kinds.

import type { Schema } from '../schema/schema.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const str: Schema = { type: 'string' };
const int32: Schema = { type: 'integer', format: 'int32' };
const int64: Schema = { type: 'integer', format: 'int64' };
const strings: Schema = { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' };

export const LIST_META: Schema = {
  type: 'object',
  definition: `${META}.ListMeta`,
  properties: { continue: str, remainingItemCount: int64, resourceVersion: str, selfLink: str },
};

const STATUS_CAUSE: Schema = {
  type: 'object',
  definition: `${META}.StatusCause`,
  properties: { field: str, message: str, reason: str },
};

const STATUS_DETAILS: Schema = {
  type: 'object',
  definition: `${META}.StatusDetails`,
  properties: {
    causes: { type: 'array', items: STATUS_CAUSE, 'x-kubernetes-list-type': 'atomic' },
    group: str,
    kind: str,
    name: str,
    retryAfterSeconds: int32,
    uid: str,
  },
};

export const STATUS: Schema = {
  type: 'object',
  definition: `${META}.Status`,
  properties: {
    apiVersion: str,
    code: int32,
    details: STATUS_DETAILS,
    kind: str,
    message: str,
    metadata: LIST_META,
    reason: str,
    status: str,
  },
};

const PRECONDITIONS: Schema = {
  type: 'object',
  definition: `${META}.Preconditions`,
  properties: { resourceVersion: str, uid: str },
};

export const DELETE_OPTIONS: Schema = {
  type: 'object',
  definition: `${META}.DeleteOptions`,
  properties: {
    apiVersion: str,
    dryRun: strings,
    gracePeriodSeconds: int64,
    ignoreStoreReadErrorWithClusterBreakingPotential: { type: 'boolean' },
    kind: str,
    orphanDependents: { type: 'boolean' },
    preconditions: PRECONDITIONS,
    propagationPolicy: str,
  },
};

/** A patch body is opaque to OpenAPI: its shape depends on the Content-Type. */
export const PATCH: Schema = { type: 'object', definition: `${META}.Patch` };

export const WATCH_EVENT: Schema = {
  type: 'object',
  definition: `${META}.WatchEvent`,
  required: ['type', 'object'],
  properties: {
    object: { type: 'object', definition: 'io.k8s.apimachinery.pkg.runtime.RawExtension', 'x-kubernetes-preserve-unknown-fields': true },
    type: str,
  },
};

/** autoscaling/v1 Scale, the body of every .../scale subresource. */
export const SCALE: Schema = {
  type: 'object',
  definition: 'io.k8s.api.autoscaling.v1.Scale',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object', definition: `${META}.ObjectMeta`, 'x-kubernetes-preserve-unknown-fields': true },
    spec: { type: 'object', definition: 'io.k8s.api.autoscaling.v1.ScaleSpec', properties: { replicas: int32 } },
    status: {
      type: 'object',
      definition: 'io.k8s.api.autoscaling.v1.ScaleStatus',
      required: ['replicas'],
      properties: { replicas: int32, selector: str },
    },
  },
};

/** The `<Kind>List` schema of a kind: Kubernetes publishes one next to every kind. */
export function listSchemaOf(kindSchema: Schema, kind: string): Schema {
  const pkg = kindSchema.definition ? kindSchema.definition.slice(0, kindSchema.definition.lastIndexOf('.')) : 'io.k8s.unknown';
  return {
    type: 'object',
    definition: `${pkg}.${kind}List`,
    required: ['items'],
    properties: { apiVersion: str, items: { type: 'array', items: kindSchema }, kind: str, metadata: LIST_META },
  };
}
