// /openapi/v2 in gnostic's protobuf encoding, which is the only form kubectl accepts for v2.
// The swagger JSON is mapped field by field onto gnostic's messages (maps become lists of named
// pairs; `x-` extensions and defaults become YAML text), and back again for tests and tools.

import protobuf from 'protobufjs';
import YAML from 'yaml';
import type { Json, JsonObject } from '../api/object.js';
import { OPENAPI_V2_PROTO } from './openapi-v2-proto.js';

/** What clients put in Accept to ask for protobuf. */
export const OPENAPI_V2_PROTOBUF_REQUEST_TYPE = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/**
 * What the reply's Content-Type says. Not the same string: '@' is not allowed in a media type,
 * and Go's mime parser (client-go checks the reply's type) rejects it; Kubernetes answers with
 * the dotted form.
 */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const root = protobuf.parse(OPENAPI_V2_PROTO, { keepCase: true }).root;
const DocumentType = root.lookupType('openapi.v2.Document');

type Message = { [field: string]: unknown };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- JSON → messages ----------------------------------------------------------------------------

function yamlAny(value: Json): Message {
  return { yaml: YAML.stringify(value) };
}

function vendorExtensions(obj: JsonObject): Message[] {
  return Object.entries(obj)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, value]) => ({ name, value: yamlAny(value) }));
}

function schemaMessage(s: JsonObject): Message {
  const m: Message = {};
  if (typeof s.$ref === 'string') m._ref = s.$ref;
  if (typeof s.format === 'string') m.format = s.format;
  if (typeof s.title === 'string') m.title = s.title;
  if (typeof s.description === 'string') m.description = s.description;
  if (s.default !== undefined) m.default = yamlAny(s.default);
  if (Array.isArray(s.required)) m.required = s.required;
  if (typeof s.additionalProperties === 'boolean') m.additional_properties = { boolean: s.additionalProperties };
  else if (isObject(s.additionalProperties)) m.additional_properties = { schema: schemaMessage(s.additionalProperties) };
  if (typeof s.type === 'string') m.type = { value: [s.type] };
  if (isObject(s.items)) m.items = { schema: [schemaMessage(s.items)] };
  if (Array.isArray(s.allOf)) m.all_of = s.allOf.filter(isObject).map(schemaMessage);
  if (isObject(s.properties)) {
    m.properties = { additional_properties: Object.entries(s.properties).map(([name, v]) => ({ name, value: schemaMessage(v as JsonObject) })) };
  }
  if (s.readOnly === true) m.read_only = true;
  const ext = vendorExtensions(s);
  if (ext.length) m.vendor_extension = ext;
  return m;
}

function parameterMessage(p: JsonObject): Message {
  if (p.in === 'body') {
    const body: Message = { name: p.name, in: 'body' };
    if (p.description) body.description = p.description;
    if (p.required) body.required = true;
    if (isObject(p.schema)) body.schema = schemaMessage(p.schema);
    return { parameter: { body_parameter: body } };
  }
  const sub: Message = { in: p.in, name: p.name };
  for (const [json, proto] of [['required', 'required'], ['description', 'description'], ['type', 'type'], ['format', 'format'], ['uniqueItems', 'unique_items']] as const) {
    if (p[json] !== undefined) sub[proto] = p[json];
  }
  const key = p.in === 'path' ? 'path_parameter_sub_schema' : 'query_parameter_sub_schema';
  return { parameter: { non_body_parameter: { [key]: sub } } };
}

function operationMessage(op: JsonObject): Message {
  const m: Message = {};
  for (const [json, proto] of [['tags', 'tags'], ['summary', 'summary'], ['description', 'description'], ['operationId', 'operation_id'], ['produces', 'produces'], ['consumes', 'consumes'], ['schemes', 'schemes'], ['deprecated', 'deprecated']] as const) {
    if (op[json] !== undefined) m[proto] = op[json];
  }
  if (Array.isArray(op.parameters)) m.parameters = op.parameters.filter(isObject).map(parameterMessage);
  if (isObject(op.responses)) {
    m.responses = {
      response_code: Object.entries(op.responses).map(([code, r]) => {
        const resp = r as JsonObject;
        const response: Message = { description: resp.description ?? '' };
        if (isObject(resp.schema)) response.schema = { schema: schemaMessage(resp.schema) };
        return { name: code, value: { response } };
      }),
    };
  }
  const ext = vendorExtensions(op);
  if (ext.length) m.vendor_extension = ext;
  return m;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function documentMessage(doc: JsonObject): Message {
  const info = isObject(doc.info) ? doc.info : {};
  const paths = isObject(doc.paths) ? doc.paths : {};
  const definitions = isObject(doc.definitions) ? doc.definitions : {};
  return {
    swagger: doc.swagger,
    info: { title: info.title ?? '', version: info.version ?? '' },
    paths: {
      path: Object.entries(paths).map(([name, item]) => {
        const pathItem = item as JsonObject;
        const value: Message = {};
        for (const method of METHODS) if (isObject(pathItem[method])) value[method] = operationMessage(pathItem[method]);
        if (Array.isArray(pathItem.parameters)) value.parameters = pathItem.parameters.filter(isObject).map(parameterMessage);
        return { name, value };
      }),
    },
    definitions: { additional_properties: Object.entries(definitions).map(([name, s]) => ({ name, value: schemaMessage(s as JsonObject) })) },
  };
}

/** The gnostic protobuf bytes of a swagger 2.0 JSON document. */
export function encodeOpenApiV2Protobuf(doc: JsonObject): Buffer {
  const message = DocumentType.fromObject(documentMessage(doc));
  return Buffer.from(DocumentType.encode(message).finish());
}

// ---- messages → JSON ----------------------------------------------------------------------------

function extensionsOf(m: Message): JsonObject {
  const out: JsonObject = {};
  for (const e of (m.vendor_extension as Message[] | undefined) ?? []) out[e.name as string] = YAML.parse(((e.value as Message).yaml as string) ?? '') as Json;
  return out;
}

function schemaJson(m: Message): JsonObject {
  const s: JsonObject = {};
  if (m._ref) s.$ref = m._ref as string;
  if (m.format) s.format = m.format as string;
  if (m.title) s.title = m.title as string;
  if (m.description) s.description = m.description as string;
  if (m.default) s.default = YAML.parse((m.default as Message).yaml as string) as Json;
  if ((m.required as string[] | undefined)?.length) s.required = m.required as string[];
  const ap = m.additional_properties as Message | undefined;
  if (ap?.schema) s.additionalProperties = schemaJson(ap.schema as Message);
  else if (ap && typeof ap.boolean === 'boolean') s.additionalProperties = ap.boolean;
  const type = (m.type as Message | undefined)?.value as string[] | undefined;
  if (type?.length) s.type = type[0]!;
  const items = (m.items as Message | undefined)?.schema as Message[] | undefined;
  if (items?.length) s.items = schemaJson(items[0]!);
  if ((m.all_of as Message[] | undefined)?.length) s.allOf = (m.all_of as Message[]).map(schemaJson);
  const props = (m.properties as Message | undefined)?.additional_properties as Message[] | undefined;
  if (props) {
    const p: JsonObject = {};
    for (const named of props) p[named.name as string] = schemaJson(named.value as Message);
    s.properties = p;
  }
  if (m.read_only) s.readOnly = true;
  return { ...s, ...extensionsOf(m) };
}

function parameterJson(item: Message): JsonObject {
  const p = item.parameter as Message;
  if (p.body_parameter) {
    const b = p.body_parameter as Message;
    return {
      ...(b.description ? { description: b.description as string } : {}),
      in: 'body',
      name: b.name as string,
      ...(b.required ? { required: true } : {}),
      ...(b.schema ? { schema: schemaJson(b.schema as Message) } : {}),
    };
  }
  const nb = p.non_body_parameter as Message;
  const sub = (nb.query_parameter_sub_schema ?? nb.path_parameter_sub_schema) as Message;
  const out: JsonObject = { in: sub.in as string, name: sub.name as string };
  if (sub.required) out.required = true;
  if (sub.description) out.description = sub.description as string;
  if (sub.type) out.type = sub.type as string;
  if (sub.format) out.format = sub.format as string;
  if (sub.unique_items) out.uniqueItems = true;
  return out;
}

function operationJson(m: Message): JsonObject {
  const op: JsonObject = {};
  for (const [proto, json] of [['tags', 'tags'], ['summary', 'summary'], ['description', 'description'], ['operation_id', 'operationId'], ['produces', 'produces'], ['consumes', 'consumes'], ['schemes', 'schemes']] as const) {
    const v = m[proto] as Json | undefined;
    if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) op[json] = v;
  }
  if (m.deprecated) op.deprecated = true;
  if (m.parameters) op.parameters = (m.parameters as Message[]).map(parameterJson);
  if (m.responses) {
    const responses: JsonObject = {};
    for (const named of (m.responses as Message).response_code as Message[]) {
      const r = (named.value as Message).response as Message;
      responses[named.name as string] = {
        description: r.description as string,
        ...(r.schema ? { schema: schemaJson((r.schema as Message).schema as Message) } : {}),
      };
    }
    op.responses = responses;
  }
  return { ...op, ...extensionsOf(m) };
}

/** Decodes gnostic protobuf bytes back to swagger JSON (the inverse of encodeOpenApiV2Protobuf). */
export function decodeOpenApiV2Protobuf(bytes: Uint8Array): JsonObject {
  const m = DocumentType.toObject(DocumentType.decode(bytes), { defaults: false, arrays: true }) as Message;
  const info = (m.info as Message | undefined) ?? {};
  const paths: JsonObject = {};
  for (const named of ((m.paths as Message | undefined)?.path as Message[] | undefined) ?? []) {
    const item = named.value as Message;
    const out: JsonObject = {};
    for (const method of METHODS) if (item[method]) out[method] = operationJson(item[method] as Message);
    if ((item.parameters as Message[] | undefined)?.length) out.parameters = (item.parameters as Message[]).map(parameterJson);
    paths[named.name as string] = out;
  }
  const definitions: JsonObject = {};
  for (const named of ((m.definitions as Message | undefined)?.additional_properties as Message[] | undefined) ?? []) {
    definitions[named.name as string] = schemaJson(named.value as Message);
  }
  return {
    swagger: m.swagger as string,
    info: { title: (info.title as string) ?? '', version: (info.version as string) ?? '' },
    paths,
    definitions,
  };
}
