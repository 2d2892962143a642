// Builds the OpenAPI documents: swagger 2.0 for /openapi/v2 (everything in one document) and
// OpenAPI 3.0 for /openapi/v3 (one document per group-version, plus an index of them).
// Pure functions of the strategies and their schemas, so the routes can build once and cache.

import type { Json, JsonObject } from '../api/object.js';
import { groupVersion, type ResourceStrategy } from '../resources/strategy.js';
import type { Schema, SchemaSource } from '../schema/schema.js';
import { DefinitionCollector, sortedDefinitions } from './hoist.js';
import { DELETE_OPTIONS, listSchemaOf, PATCH, SCALE, STATUS, WATCH_EVENT } from './meta-schemas.js';
import { resourcePaths, tagOf, type Bodies, type OperationSpec, type ParameterSpec, type PathSpec } from './operations.js';

/** The Kubernetes version these documents describe (the API kubectl 1.32 expects). */
export const KUBERNETES_VERSION = 'v1.32.0';

const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

interface Served {
  strategy: ResourceStrategy;
  bodies: Bodies;
}

/** Pairs each strategy with its schema; kinds without a schema are not published. */
function served(strategies: readonly ResourceStrategy[], schemas: SchemaSource): Served[] {
  const out: Served[] = [];
  for (const strategy of strategies) {
    const kind = schemas.forKind(strategy.group, strategy.version, strategy.kind);
    if (!kind) continue;
    out.push({
      strategy,
      bodies: { kind, list: listSchemaOf(kind, strategy.kind), status: STATUS, deleteOptions: DELETE_OPTIONS, patch: PATCH, watchEvent: WATCH_EVENT, scale: SCALE },
    });
  }
  return out;
}

/** 'api/v1' or 'apis/apps/v1': how /openapi/v3 names a group-version. */
export function openApiV3Path(s: Pick<ResourceStrategy, 'group' | 'version'>): string {
  return s.group ? `apis/${groupVersion(s)}` : `api/${s.version}`;
}

function gvkExtension(s: Pick<ResourceStrategy, 'group' | 'version' | 'kind'>, kind = s.kind): JsonObject {
  return { group: s.group, kind, version: s.version };
}

/** Publishes paths and definitions of some served kinds into one collector. */
function publishPaths(
  items: Served[],
  collector: DefinitionCollector,
  renderOperation: (op: OperationSpec, tag: string) => JsonObject,
  renderParameter: (p: ParameterSpec) => JsonObject,
): JsonObject {
  const paths: JsonObject = {};
  for (const { strategy, bodies } of items) {
    const specs: PathSpec[] = resourcePaths(strategy, bodies);
    for (const spec of specs) {
      const item: JsonObject = {};
      for (const op of spec.operations) item[op.method] = renderOperation(op, tagOf(strategy));
      item.parameters = spec.parameters.map(renderParameter);
      paths[spec.path] = item;
    }
    // Kinds and their lists carry their GVK, which is how clients find a kind's definition.
    collector.annotate(bodies.kind.definition!, { 'x-kubernetes-group-version-kind': [gvkExtension(strategy)] });
    collector.annotate(bodies.list.definition!, { 'x-kubernetes-group-version-kind': [gvkExtension(strategy, `${strategy.kind}List`)] });
  }
  return paths;
}

function operationExtensions(op: OperationSpec): JsonObject {
  return { 'x-kubernetes-action': op.action, 'x-kubernetes-group-version-kind': { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version } };
}

/** The swagger 2.0 document of every served kind. */
export function buildOpenApiV2(strategies: readonly ResourceStrategy[], schemas: SchemaSource): JsonObject {
  const collector = new DefinitionCollector('v2');
  const parameter = (p: ParameterSpec): JsonObject => ({
    in: p.in,
    name: p.name,
    ...(p.required ? { required: true } : {}),
    type: p.type,
    uniqueItems: true,
  });
  const operation = (op: OperationSpec, tag: string): JsonObject => {
    const parameters: Json[] = [];
    if (op.body) parameters.push({ in: 'body', name: 'body', ...(op.bodyRequired ? { required: true } : {}), schema: collector.publish(op.body) });
    parameters.push(...op.parameters.map(parameter));
    const responses: JsonObject = {};
    for (const [code, body] of Object.entries(op.responses)) responses[code] = { description: RESPONSE_TEXT[code] ?? 'OK', schema: collector.publish(body) };
    responses['401'] = { description: 'Unauthorized' };
    return {
      consumes: op.consumes,
      operationId: op.operationId,
      parameters,
      produces: op.produces,
      responses,
      schemes: ['https'],
      tags: [tag],
      ...operationExtensions(op),
    };
  };
  const paths = publishPaths(served(strategies, schemas), collector, operation, parameter);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: sortKeys(paths),
    definitions: sortedDefinitions(collector),
  };
}

/** The OpenAPI 3.0 document of one group-version ('apis/apps/v1'), or undefined if none is served. */
export function buildOpenApiV3GroupVersion(
  strategies: readonly ResourceStrategy[],
  schemas: SchemaSource,
  path: string,
): JsonObject | undefined {
  const items = served(strategies, schemas).filter((x) => openApiV3Path(x.strategy) === path);
  if (items.length === 0) return undefined;
  const collector = new DefinitionCollector('v3');
  const parameter = (p: ParameterSpec): JsonObject => ({
    in: p.in,
    name: p.name,
    ...(p.required ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  });
  const content = (types: string[], body: Schema): JsonObject => {
    const schema = collector.publish(body);
    const out: JsonObject = {};
    for (const t of types) out[t] = { schema };
    return out;
  };
  const operation = (op: OperationSpec, tag: string): JsonObject => {
    const responses: JsonObject = {};
    const produced = op.produces.filter((t) => !t.includes('protobuf'));
    for (const [code, body] of Object.entries(op.responses)) responses[code] = { content: content(produced, body), description: RESPONSE_TEXT[code] ?? 'OK' };
    responses['401'] = { description: 'Unauthorized' };
    return {
      operationId: op.operationId,
      parameters: op.parameters.map(parameter),
      ...(op.body ? { requestBody: { content: content(op.consumes, op.body), ...(op.bodyRequired ? { required: true } : {}) } } : {}),
      responses,
      tags: [tag],
      ...operationExtensions(op),
    };
  };
  const paths = publishPaths(items, collector, operation, parameter);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: sortKeys(paths),
    components: { schemas: sortedDefinitions(collector) },
  };
}

/** Every group-version that has a v3 document, e.g. ['api/v1', 'apis/apps/v1']. */
export function openApiV3Paths(strategies: readonly ResourceStrategy[], schemas: SchemaSource): string[] {
  return [...new Set(served(strategies, schemas).map((x) => openApiV3Path(x.strategy)))].sort();
}

/** The /openapi/v3 index: each group-version's URL, with a hash that changes with its content. */
export function buildOpenApiV3Index(hashes: ReadonlyMap<string, string>): JsonObject {
  const paths: JsonObject = {};
  for (const path of [...hashes.keys()].sort()) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashes.get(path)}` };
  return { paths };
}

function sortKeys(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k]!;
  return out;
}
