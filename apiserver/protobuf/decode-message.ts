// The schema-driven decoder: walks a message's bytes field by field, looks each field number up
// in the message table, and builds the JSON object Kubernetes' JSON encoding would produce for
// the same Go struct. A field number the table does not know stops decoding (UnsupportedProtobuf-
// Error) rather than being skipped: Go's decoder would keep it in the struct, so dropping it here
// would silently lose data the client sent.

import type { Json, JsonObject } from '../api/object.js';
import { MalformedProtobufError, UnsupportedProtobufError } from './errors.js';
import { isScalarType, mapValueOf, messageNameOf, protoName, type FieldSpec, type MessageTable, type ScalarType } from './schema.js';
import { SPECIAL_MESSAGES } from './special-types.js';
import { WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_VARINT, WireReader } from './wire-reader.js';

const utf8 = new TextDecoder();

/**
 * Kubernetes' messages nest a dozen levels at most (Deployment → template → spec → containers →
 * probe → httpGet → port). The tables have no cycles, but a bound keeps a table mistake from
 * turning into unbounded recursion.
 */
const MAX_NESTING = 64;

/** The wire type each scalar arrives with when not packed. */
const SCALAR_WIRE_TYPE: Record<ScalarType, number> = {
  string: WIRE_LENGTH_DELIMITED,
  bytes: WIRE_LENGTH_DELIMITED,
  bool: WIRE_VARINT,
  int32: WIRE_VARINT,
  int64: WIRE_VARINT,
  double: WIRE_FIXED64,
};

/** Decodes `bytes` as the message `name` of `table` into its JSON form. */
export function decodeMessage(bytes: Uint8Array, name: string, table: MessageTable, depth = 0): Json {
  if (depth > MAX_NESTING) throw new MalformedProtobufError(`messages nest deeper than ${MAX_NESTING} levels`);
  const special = SPECIAL_MESSAGES[name];
  if (special) return special(bytes);
  const spec = table[name];
  if (!spec) throw new UnsupportedProtobufError(`message ${protoName(name)} is not supported`);

  const out: JsonObject = {};
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    const field = spec[fieldNumber];
    if (!field) throw new UnsupportedProtobufError(`field ${fieldNumber} (wire type ${wireType}) of ${protoName(name)} is not supported`);
    const where = `field ${fieldNumber} (${field.json || 'inline'}) of ${protoName(name)}`;
    decodeField(reader, wireType, field, out, table, depth, where);
  }
  return out;
}

function decodeField(reader: WireReader, wireType: number, field: FieldSpec, out: JsonObject, table: MessageTable, depth: number, where: string): void {
  const messageName = messageNameOf(field.type);
  const mapValue = mapValueOf(field.type);

  if (messageName !== undefined) {
    expectWireType(wireType, WIRE_LENGTH_DELIMITED, where);
    const value = decodeMessage(reader.readLengthDelimited(), messageName, table, depth + 1);
    if (field.inline) {
      if (!isObject(value)) throw new UnsupportedProtobufError(`${where} is inline but does not decode to an object`);
      Object.assign(out, value);
    } else if (field.repeated) {
      appendTo(out, field.json, value);
    } else {
      // A repeated occurrence of a singular message merges into the first, as protobuf specifies.
      const previous = out[field.json];
      out[field.json] = isObject(previous) && isObject(value) ? { ...previous, ...value } : value;
    }
    return;
  }

  if (mapValue !== undefined) {
    expectWireType(wireType, WIRE_LENGTH_DELIMITED, where);
    const [key, value] = decodeMapEntry(reader.readLengthDelimited(), mapValue, table, depth, where);
    const existing = out[field.json];
    const target: JsonObject = isObject(existing) ? existing : {};
    target[key] = value;
    out[field.json] = target;
    return;
  }

  const scalar = field.type as ScalarType;
  if (field.repeated) {
    // proto2 writes repeated numbers one tag per element, but a reader must also accept the
    // packed form (one length-delimited run of values), which newer writers use.
    if (wireType === WIRE_LENGTH_DELIMITED && scalar !== 'string' && scalar !== 'bytes') {
      const packed = new WireReader(reader.readLengthDelimited());
      while (!packed.done) appendTo(out, field.json, readScalar(packed, scalar, where));
      return;
    }
    expectWireType(wireType, SCALAR_WIRE_TYPE[scalar], where);
    appendTo(out, field.json, readScalar(reader, scalar, where));
    return;
  }

  expectWireType(wireType, SCALAR_WIRE_TYPE[scalar], where);
  const value = readScalar(reader, scalar, where);
  // gogo writes zero values of non-pointer fields; JSON's omitempty leaves them out.
  if (!field.keepZero && isZero(value)) delete out[field.json];
  else out[field.json] = value;
}

/** A map entry is a tiny message: key = 1 (a string for every Kubernetes map), value = 2. */
function decodeMapEntry(bytes: Uint8Array, valueType: string, table: MessageTable, depth: number, where: string): [string, Json] {
  const reader = new WireReader(bytes);
  let key = '';
  let value: Json | undefined;
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    if (fieldNumber === 1) {
      expectWireType(wireType, WIRE_LENGTH_DELIMITED, `${where}, map key`);
      key = utf8.decode(reader.readLengthDelimited());
    } else if (fieldNumber === 2) {
      if (isScalarType(valueType)) {
        expectWireType(wireType, SCALAR_WIRE_TYPE[valueType], `${where}, map value`);
        value = readScalar(reader, valueType, where);
      } else {
        expectWireType(wireType, WIRE_LENGTH_DELIMITED, `${where}, map value`);
        value = decodeMessage(reader.readLengthDelimited(), valueType, table, depth + 1);
      }
    } else {
      throw new UnsupportedProtobufError(`${where}: map entry field ${fieldNumber} is not supported`);
    }
  }
  // An entry without a value holds the value type's zero value.
  if (value === undefined) value = isScalarType(valueType) ? zeroOf(valueType) : decodeMessage(new Uint8Array(0), valueType, table, depth + 1);
  return [key, value];
}

function readScalar(reader: WireReader, type: ScalarType, where: string): Json {
  switch (type) {
    case 'string':
      return utf8.decode(reader.readLengthDelimited());
    case 'bytes':
      // Go's encoding/json prints []byte as standard base64 with padding.
      return Buffer.from(reader.readLengthDelimited()).toString('base64');
    case 'bool':
      return reader.readVarint() !== 0n;
    case 'int32':
      // int32 is sign-extended to 64 bits on the wire; the low 32 bits are the value.
      return Number(BigInt.asIntN(32, reader.readVarint()));
    case 'int64': {
      const v = BigInt.asIntN(64, reader.readVarint());
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new UnsupportedProtobufError(`${where} holds ${v}, which a JSON number here cannot carry exactly`);
      }
      return Number(v);
    }
    case 'double':
      return Buffer.from(reader.readFixed64()).readDoubleLE(0);
  }
}

function zeroOf(type: ScalarType): Json {
  if (type === 'string' || type === 'bytes') return '';
  if (type === 'bool') return false;
  return 0;
}

function isZero(v: Json): boolean {
  return v === '' || v === 0 || v === false;
}

function expectWireType(actual: number, expected: number, where: string): void {
  if (actual !== expected) throw new MalformedProtobufError(`${where} has wire type ${actual}, expected ${expected}`);
}

function appendTo(out: JsonObject, key: string, value: Json): void {
  const existing = out[key];
  if (Array.isArray(existing)) existing.push(value);
  else out[key] = [value];
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
