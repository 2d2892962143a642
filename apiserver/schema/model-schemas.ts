// Builds the resolved Schema tree of a client-node model class: each field's type read from the
// class's attribute map, the Kubernetes extensions added from kubernetes-extensions.ts, every
// nested model expanded in place (with `definition` naming where it came from).
//
// Recursive types (JSONSchemaProps contains JSONSchemaProps) are cut where a definition would
// contain itself: the inner occurrence becomes an object that keeps any field, so a tree is
// always finite.

import * as models from '@kubernetes/client-node/dist/gen/models/all.js';
import type { Schema } from './schema.js';
import { parseTypeExpression, type TypeExpression } from './type-expression.js';
import { definitionName, isMetaType } from './definition-names.js';
import { ATOMIC_STRUCTS, FIELD_EXTENSIONS, REQUIRED_FIELDS } from './kubernetes-extensions.js';

/** One field of a client-node model, as its static attributeTypeMap describes it. */
export interface ModelAttribute {
  name: string;
  /** The JSON field name. */
  baseName: string;
  type: string;
  format: string;
}

interface ModelClass {
  getAttributeTypeMap(): ModelAttribute[];
}

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** The attribute map of a client-node model class, or undefined for an unknown name. */
export function modelAttributes(className: string): ModelAttribute[] | undefined {
  const candidate = (models as Record<string, unknown>)[className];
  if (typeof candidate !== 'function') return undefined;
  const cls = candidate as unknown as Partial<ModelClass>;
  return typeof cls.getAttributeTypeMap === 'function' ? cls.getAttributeTypeMap() : undefined;
}

/** Kinds of the core group: every model they reach is a core/v1 type (unless it is meta/v1). */
const CORE_ROOTS = [
  'V1Pod', 'V1Service', 'V1Node', 'V1Namespace', 'V1ConfigMap', 'V1Secret', 'V1Endpoints',
  'V1ServiceAccount', 'V1PersistentVolume', 'V1PersistentVolumeClaim', 'V1ReplicationController',
  'V1LimitRange', 'V1ResourceQuota', 'V1PodTemplate', 'V1Binding', 'V1ComponentStatus', 'CoreV1Event',
];

function modelsReachedBy(expr: TypeExpression): string[] {
  switch (expr.kind) {
    case 'model':
      return [expr.className];
    case 'array':
    case 'map':
      return modelsReachedBy(expr.of);
    default:
      return [];
  }
}

let coreClasses: Set<string> | undefined;

/** Every model class reachable from a core kind, meta/v1 types excluded. Computed once. */
function coreClassSet(): Set<string> {
  if (coreClasses) return coreClasses;
  const seen = new Set<string>();
  const queue = [...CORE_ROOTS];
  while (queue.length > 0) {
    const cls = queue.pop()!;
    if (seen.has(cls) || isMetaType(cls)) continue;
    const attrs = modelAttributes(cls);
    if (!attrs) continue;
    seen.add(cls);
    for (const a of attrs) queue.push(...modelsReachedBy(parseTypeExpression(a.type)));
  }
  coreClasses = seen;
  return seen;
}

/** The Kubernetes definition name of a model class used by a kind of `group`. */
export function definitionNameOf(className: string, group: string): string {
  return definitionName(className, group, coreClassSet().has(className));
}

/** Freezes a finished tree: trees are shared between kinds, so nobody may change one. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

interface Built {
  schema: Schema;
  /** True when a recursion was cut somewhere inside: such a tree depends on where it was built. */
  cut: boolean;
}

/** Builds and caches resolved trees. One instance serves every kind. */
export class ModelSchemaBuilder {
  private readonly memo = new Map<string, Schema>();

  /** The resolved tree of `className` as used by a kind of `group`, or undefined if no such class. */
  schemaOf(className: string, group: string): Schema | undefined {
    if (!modelAttributes(className)) return undefined;
    return this.model(className, group, new Set()).schema;
  }

  private model(className: string, group: string, building: Set<string>): Built {
    const name = definitionNameOf(className, group);
    const cached = this.memo.get(name);
    if (cached) return { schema: cached, cut: false };
    if (building.has(name)) {
      return { schema: { type: 'object', definition: name, 'x-kubernetes-preserve-unknown-fields': true }, cut: true };
    }
    const attrs = modelAttributes(className);
    if (!attrs) throw new Error(`client-node has no model class ${className}`);

    building.add(name);
    let cut = false;
    const properties: Record<string, Schema> = {};
    const extensions = FIELD_EXTENSIONS[name] ?? {};
    for (const attr of attrs) {
      const field = this.type(parseTypeExpression(attr.type), attr.format, group, building);
      cut ||= field.cut;
      const ext = extensions[attr.baseName];
      properties[attr.baseName] = ext ? { ...field.schema, ...ext } : field.schema;
    }
    building.delete(name);

    const schema: Schema = { type: 'object', definition: name, properties };
    const required = REQUIRED_FIELDS[name];
    if (required) schema.required = [...required];
    if (ATOMIC_STRUCTS.has(name)) schema['x-kubernetes-map-type'] = 'atomic';
    if (!cut) this.memo.set(name, deepFreeze(schema));
    return { schema, cut };
  }

  private type(expr: TypeExpression, format: string, group: string, building: Set<string>): Built {
    switch (expr.kind) {
      case 'string':
        return leaf(format ? { type: 'string', format } : { type: 'string' });
      case 'number':
        // client-node says 'number' for every numeric field; the format tells integers apart.
        if (format === 'int32' || format === 'int64') return leaf({ type: 'integer', format });
        return leaf(format ? { type: 'number', format } : { type: 'number' });
      case 'boolean':
        return leaf({ type: 'boolean' });
      case 'date':
        return leaf({ type: 'string', format: 'date-time' });
      case 'int-or-string':
        return leaf({ format: 'int-or-string', definition: INT_OR_STRING, 'x-kubernetes-int-or-string': true });
      case 'any':
        return leaf({ 'x-kubernetes-preserve-unknown-fields': true });
      case 'array': {
        // A list's format (e.g. int32 of Array<number>) belongs to its elements.
        const item = this.type(expr.of, format, group, building);
        return { schema: { type: 'array', items: item.schema }, cut: item.cut };
      }
      case 'map': {
        const value = this.type(expr.of, format, group, building);
        return { schema: { type: 'object', additionalProperties: value.schema }, cut: value.cut };
      }
      case 'model':
        return this.model(expr.className, group, building);
    }
  }
}

function leaf(schema: Schema): Built {
  return { schema, cut: false };
}
