// The shape every stored Kubernetes object has, as the apiserver sees it: plain JSON with
// apiVersion, kind and metadata. Kinds are not modelled as classes: strategies read the few
// fields they need, and everything else travels through untouched, as Kubernetes does for
// fields a given server version does not know (they are pruned or rejected by the schema).

import type { V1ObjectMeta, V1OwnerReference, V1ManagedFieldsEntry } from '@kubernetes/client-node';

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type ObjectMeta = V1ObjectMeta;
export type OwnerReference = V1OwnerReference;
export type ManagedFieldsEntry = V1ManagedFieldsEntry;

/** A Kubernetes object: the envelope fields typed, the rest (spec, status, data...) open. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** metav1.ListMeta */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface KubeList {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: KubeObject[];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy through JSON: stored objects are JSON, so nothing is lost. */
export function deepCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
