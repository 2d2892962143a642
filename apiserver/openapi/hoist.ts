// Publishing a resolved tree: OpenAPI documents name each definition once and refer to it,
// while SchemaSource hands out trees with every definition expanded in place (and marked with
// `definition`). This file folds a tree back into named definitions plus references.
//
// v2 refers with a bare {"$ref": "#/definitions/X"}; v3 wraps the reference in allOf so that a
// field can add its own extensions beside it, as Kubernetes' v3 documents do.

import type { Json, JsonObject } from '../api/object.js';
import type { Schema } from '../schema/schema.js';

export type OpenApiFlavour = 'v2' | 'v3';

/** Extensions that belong to the field using a definition, not to the definition. */
const FIELD_LEVEL_KEYS = new Set([
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'description',
]);

export function refPrefix(flavour: OpenApiFlavour): string {
  return flavour === 'v2' ? '#/definitions/' : '#/components/schemas/';
}

/** A recursion the schema builder cut: it names a definition but carries none of its body. */
function isCut(node: Schema): boolean {
  return node['x-kubernetes-preserve-unknown-fields'] === true && node.properties === undefined && node.additionalProperties === undefined;
}

/** Collects named definitions from trees; one instance per document. */
export class DefinitionCollector {
  readonly definitions = new Map<string, JsonObject>();
  private readonly complete = new Set<string>();

  constructor(private readonly flavour: OpenApiFlavour) {}

  /** Publishes a tree: returns the JSON schema to place where the tree is used. */
  publish(node: Schema): JsonObject {
    if (node.definition) return this.reference(node);
    return this.inline(node);
  }

  /** A reference to a definition, registering the definition first. */
  reference(node: Schema): JsonObject {
    const name = node.definition!;
    const body: Schema = {};
    const overlay: JsonObject = {};
    for (const [k, v] of Object.entries(node) as [keyof Schema, Schema[keyof Schema]][]) {
      if (k === 'definition') continue;
      if (FIELD_LEVEL_KEYS.has(k)) overlay[k] = v as Json;
      else (body as Record<string, unknown>)[k] = v;
    }
    if (!this.complete.has(name) && !(this.definitions.has(name) && isCut(node))) {
      if (!isCut(node)) this.complete.add(name);
      // Registered before recursing, so that a definition reaching itself finds its own name.
      this.definitions.set(name, {});
      this.definitions.set(name, this.definitionBody(body));
    }
    const ref = { $ref: `${refPrefix(this.flavour)}${name}` };
    if (this.flavour === 'v2') return { ...ref, ...overlay };
    return { allOf: [ref], ...overlay };
  }

  /** Adds GVK extensions to a registered definition (top-level kinds). */
  annotate(name: string, extensions: JsonObject): void {
    const def = this.definitions.get(name);
    if (def) Object.assign(def, extensions);
  }

  private definitionBody(body: Schema): JsonObject {
    // IntOrString: Kubernetes publishes it as a string in v2 and as integer-or-string in v3.
    if (body['x-kubernetes-int-or-string']) {
      return this.flavour === 'v2'
        ? { type: 'string', format: 'int-or-string' }
        : { anyOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' };
    }
    return this.inline(body);
  }

  private inline(node: Schema): JsonObject {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node) as [keyof Schema, Schema[keyof Schema]][]) {
      if (v === undefined || k === 'definition') continue;
      if (k === 'properties') {
        const props: JsonObject = {};
        for (const [name, child] of Object.entries(v as Record<string, Schema>)) props[name] = this.publish(child);
        out.properties = props;
      } else if (k === 'items') {
        out.items = this.publish(v as Schema);
      } else if (k === 'additionalProperties') {
        out.additionalProperties = typeof v === 'boolean' ? v : this.publish(v as Schema);
      } else {
        out[k] = v as Json;
      }
    }
    return out;
  }
}

/** Definitions sorted by name, as a JSON object (stable output, stable hashes). */
export function sortedDefinitions(collector: DefinitionCollector): JsonObject {
  const out: JsonObject = {};
  for (const name of [...collector.definitions.keys()].sort()) out[name] = collector.definitions.get(name)!;
  return out;
}
