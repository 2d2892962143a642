// JSON <-> etcd messages, as etcd's grpc-gateway (its JSONPb marshaler) writes and reads them.
//
// Responses: field names as in the .proto (snake_case, and `ID`/`TTL` where the .proto says so),
// 64-bit integers as decimal strings, bytes as standard base64, enums by name, and fields holding
// their default value left out (a member of a oneof is kept: it is set even when it is zero).
//
// Requests: the same, and leniently as jsonpb reads them: lowerCamelCase names too (`rangeEnd`),
// numbers or strings for 64-bit integers (a bare number keeps every digit: see json.ts), enum
// names or numbers, null for "not set", unknown fields ignored. A request becomes the very object
// the gRPC handlers receive by going through the wire format and proto-loader's decoding options,
// so a handler cannot tell a gateway request from a gRPC one.

import { join } from 'node:path';
import protobuf from 'protobufjs';
import { LOADER_OPTIONS, PROTO_FILES, protoRoot } from '../proto/load.js';
import { JsonNumber, type JsonValue } from './json.js';

/** A request body that parses as JSON but does not fit the message: InvalidArgument. */
export class RequestFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestFormatError';
  }
}

let cachedRoot: protobuf.Root | undefined;

/** The etcd .proto files, parsed by protobufjs with their original field names. */
export function etcdRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const dir = protoRoot();
  const root = new protobuf.Root();
  // Every file and import is named relative to the proto root, as with proto-loader's includeDirs.
  root.resolvePath = (_origin, target) => join(dir, target);
  root.loadSync([...PROTO_FILES], { keepCase: true });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

// ------------------------------------------------------------------ responses

const TO_JSON: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false };

/** A handler's response (the object a gRPC handler passes to its callback) as gateway JSON. */
export function encodeResponse(type: protobuf.Type, value: object): Record<string, unknown> {
  return pruneDefaults(type, type.toObject(type.fromObject(value), TO_JSON));
}

function isDefault(field: protobuf.Field, v: unknown): boolean {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Enum) return v === 0 || v === rt.valuesById[0];
  switch (typeof v) {
    case 'boolean':
      return v === false;
    case 'number':
      return v === 0;
    case 'string':
      // int64 as a string, bytes as base64, or a string: each one's default is "" or "0".
      return v === '' || (v === '0' && field.type !== 'string');
    default:
      return false;
  }
}

/**
 * protobufjs writes every field that is set, even to its default; proto3 JSON (and etcd's
 * gateway) leaves those out.
 */
function pruneDefaults(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    if (v === undefined) continue;
    const rt = field.resolvedType;
    if (field.repeated) {
      if (!Array.isArray(v) || v.length === 0) delete obj[field.name];
      else if (rt instanceof protobuf.Type) for (const e of v) pruneDefaults(rt, e as Record<string, unknown>);
    } else if (rt instanceof protobuf.Type) {
      pruneDefaults(rt, v as Record<string, unknown>);
    } else if (!field.partOf && isDefault(field, v)) {
      delete obj[field.name];
    }
  }
  return obj;
}

// ------------------------------------------------------------------ requests

const TO_HANDLER: protobuf.IConversionOptions = LOADER_OPTIONS;

/**
 * A request body (one parsed JSON value) as the request object the gRPC handler of `type`
 * receives. Throws RequestFormatError when the JSON does not fit the message.
 */
export function decodeRequest(type: protobuf.Type, json: JsonValue): unknown {
  if (json === null) json = {};
  if (!isObject(json)) throw new RequestFormatError(`request body must be a JSON object (an ${type.name}), not ${kindOf(json)}`);
  const plain = normalizeMessage(type, json, '');
  let wire: Uint8Array;
  try {
    wire = type.encode(type.fromObject(plain)).finish();
  } catch (e) {
    throw new RequestFormatError(`cannot encode ${type.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return type.toObject(type.decode(wire), TO_HANDLER);
}

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function kindOf(v: JsonValue): string {
  if (v === null) return 'null';
  if (v instanceof JsonNumber) return `the number ${v.text}`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return typeof v === 'string' ? `the string ${s.length > 40 ? `${s.slice(0, 37)}..."` : s}` : s;
}

/** protoc's json_name: underscores dropped, the letter after each one capitalised. */
function jsonName(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const fieldIndex = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

function fieldsOf(type: protobuf.Type): Map<string, protobuf.Field> {
  let idx = fieldIndex.get(type);
  if (!idx) {
    idx = new Map();
    for (const f of type.fieldsArray) idx.set(f.name, f);
    for (const f of type.fieldsArray) if (!idx.has(jsonName(f.name))) idx.set(jsonName(f.name), f);
    fieldIndex.set(type, idx);
  }
  return idx;
}

function normalizeMessage(type: protobuf.Type, obj: { [key: string]: JsonValue }, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = fieldsOf(type);
  for (const key of Object.keys(obj)) {
    const field = fields.get(key);
    if (!field) continue; // unknown fields are ignored, as etcd's gateway does
    const v = obj[key]!;
    if (v === null) continue;
    const at = path ? `${path}.${field.name}` : field.name;
    if (field.repeated) {
      if (!Array.isArray(v)) throw bad(at, 'an array', v);
      out[field.name] = v.map((e, i) => {
        if (e === null) throw bad(`${at}[${i}]`, 'a value', e);
        return normalizeValue(field, e, `${at}[${i}]`);
      });
    } else {
      out[field.name] = normalizeValue(field, v, at);
    }
  }
  return out;
}

function bad(at: string, expected: string, got: JsonValue): RequestFormatError {
  return new RequestFormatError(`invalid value for field "${at}": expected ${expected}, got ${kindOf(got)}`);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** An integer given as a JSON number or a decimal string, as its exact decimal text. */
function integerText(v: JsonValue): string | undefined {
  const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v.trim() : undefined;
  if (text === undefined) return undefined;
  if (/^-?\d+$/.test(text)) return BigInt(text).toString();
  // jsonpb also takes an integral number written with a fraction or exponent, e.g. 1e3.
  if (v instanceof JsonNumber && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return String(n);
  }
  return undefined;
}

function normalizeValue(field: protobuf.Field, v: JsonValue, at: string): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) {
    if (!isObject(v)) throw bad(at, `an object (${rt.name})`, v);
    return normalizeMessage(rt, v, at);
  }
  if (rt instanceof protobuf.Enum) {
    if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(rt.values, v)) return v;
    const n = integerText(v);
    if (n !== undefined && v instanceof JsonNumber && Number(n) >= -(2 ** 31) && Number(n) < 2 ** 31) return Number(n);
    throw bad(at, `one of ${Object.keys(rt.values).join(', ')}`, v);
  }
  switch (field.type) {
    case 'bool':
      if (typeof v !== 'boolean') throw bad(at, 'true or false', v);
      return v;
    case 'string':
      if (typeof v !== 'string') throw bad(at, 'a string', v);
      return v;
    case 'bytes':
      // Standard or URL-safe base64, padded or not.
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v) || v.replace(/=+$/, '').length % 4 === 1) {
        throw bad(at, 'base64-encoded bytes', v);
      }
      return Buffer.from(v, 'base64');
    case 'int64':
    case 'sint64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64': {
      const unsigned = field.type === 'uint64' || field.type === 'fixed64';
      const what = unsigned ? 'an unsigned 64-bit integer (a number or a decimal string)' : 'a 64-bit integer (a number or a decimal string)';
      const n = integerText(v);
      if (n === undefined) throw bad(at, what, v);
      const b = BigInt(n);
      if (unsigned ? b < 0n || b > UINT64_MAX : b < INT64_MIN || b > INT64_MAX) throw bad(at, what, v);
      return n;
    }
    case 'int32':
    case 'sint32':
    case 'sfixed32':
    case 'uint32':
    case 'fixed32': {
      const unsigned = field.type === 'uint32' || field.type === 'fixed32';
      const n = integerText(v);
      const x = n === undefined ? NaN : Number(n);
      if (!Number.isInteger(x) || (unsigned ? x < 0 || x > 0xffffffff : x < -(2 ** 31) || x >= 2 ** 31)) {
        throw bad(at, unsigned ? 'an unsigned 32-bit integer' : 'a 32-bit integer', v);
      }
      return x;
    }
    case 'double':
    case 'float': {
      if (v instanceof JsonNumber) return Number(v.text);
      if (typeof v === 'string' && (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v))) return Number(v);
      throw bad(at, 'a number', v);
    }
    default:
      throw new RequestFormatError(`field "${at}" has a type (${field.type}) the gateway cannot read`);
  }
}
