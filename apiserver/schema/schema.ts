// The structural schema of a kind, as OpenAPI describes it, with the Kubernetes extensions that
// decide how patches merge and how server-side apply tracks ownership. One tree per kind, with
// references already resolved (a recursive type such as JSONSchemaProps may be cut at depth).
//
// Who reads it: openapi/ (publishes it), patch/ (strategic merge and apply need merge keys and
// list types), admission (fieldValidation=Strict rejects unknown fields).

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface Schema {
  type?: SchemaType;
  format?: string;
  description?: string;
  /** Named fields of an object. */
  properties?: Record<string, Schema>;
  /** A map: the schema of every value (true = any value). */
  additionalProperties?: Schema | boolean;
  /** The element of an array. */
  items?: Schema;
  required?: string[];
  /** The definition this node came from, e.g. 'io.k8s.api.core.v1.PodSpec'. */
  definition?: string;
  /** A value that is an integer or a string (intstr.IntOrString, e.g. maxSurge: 25% or 1). */
  'x-kubernetes-int-or-string'?: boolean;
  /** Any JSON below here is accepted and kept (e.g. RawExtension). */
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** Strategic merge patch: list elements are matched by this field (containers by 'name'). */
  'x-kubernetes-patch-merge-key'?: string;
  /** Strategic merge patch: 'merge', 'retainKeys', 'merge,retainKeys' or 'replace'. */
  'x-kubernetes-patch-strategy'?: string;
  /** Server-side apply: how a list is owned: whole ('atomic'), per value ('set') or per key ('map'). */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  /** Server-side apply: a struct or map owned as a whole ('atomic') or per field ('granular'). */
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

/** Every served kind's schema, found by group/version/kind. */
export interface SchemaSource {
  /** The resolved tree of a kind, or undefined for a kind that has none. */
  forKind(group: string, version: string, kind: string): Schema | undefined;
}
