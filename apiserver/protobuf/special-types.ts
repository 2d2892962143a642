// Messages whose JSON form is not "an object with the same fields". Kubernetes gives these Go
// types custom MarshalJSON methods, so the JSON encoding of a Time is a string, of an IntOrString
// a number or a string, and so on. Each decoder here reads the message's few fields itself and
// returns what Kubernetes' JSON encoding would print.

import type { Json } from '../api/object.js';
import { MalformedProtobufError, UnsupportedProtobufError } from './errors.js';
import { protoName } from './schema.js';
import { WIRE_LENGTH_DELIMITED, WIRE_VARINT, WireReader } from './wire-reader.js';

type SpecialDecoder = (payload: Uint8Array) => Json;

const utf8 = new TextDecoder();

/** The last value of each field (proto semantics for a non-repeated field), checked against `wireTypes`. */
function readFields(payload: Uint8Array, name: string, wireTypes: Record<number, number>): Map<number, bigint | Uint8Array> {
  const fields = new Map<number, bigint | Uint8Array>();
  const reader = new WireReader(payload);
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    const expected = wireTypes[fieldNumber];
    if (expected === undefined) throw new UnsupportedProtobufError(`field ${fieldNumber} of ${protoName(name)} is not supported`);
    if (wireType !== expected) throw new MalformedProtobufError(`field ${fieldNumber} of ${protoName(name)} has wire type ${wireType}, expected ${expected}`);
    fields.set(fieldNumber, wireType === WIRE_VARINT ? reader.readVarint() : reader.readLengthDelimited());
  }
  return fields;
}

const varintOf = (fields: Map<number, bigint | Uint8Array>, n: number): bigint => {
  const v = fields.get(n);
  return typeof v === 'bigint' ? v : 0n;
};
const bytesOf = (fields: Map<number, bigint | Uint8Array>, n: number): Uint8Array => {
  const v = fields.get(n);
  return v instanceof Uint8Array ? v : new Uint8Array(0);
};

// ---- Time and MicroTime: { int64 seconds = 1; int32 nanos = 2 } ------------------------------

const NANOS_PER_SECOND = 1_000_000_000n;
/** Go's zero time.Time (January 1, year 1 UTC) in Unix seconds; its JSON form is null. */
const GO_ZERO_TIME_SECONDS = -62135596800n;

/**
 * Seconds since the epoch and the fraction in nanoseconds, normalised as Go's time.Unix does
 * (nanos outside [0, 1e9) carry into the seconds) — or null for Go's zero time. Kubernetes
 * marshals a zero Time as an empty message, which is how `creationTimestamp: null` travels.
 */
function readInstant(payload: Uint8Array, name: string): { seconds: bigint; nanos: bigint } | null {
  if (payload.length === 0) return null;
  const fields = readFields(payload, name, { 1: WIRE_VARINT, 2: WIRE_VARINT });
  const total = BigInt.asIntN(64, varintOf(fields, 1)) * NANOS_PER_SECOND + BigInt.asIntN(32, varintOf(fields, 2));
  let seconds = total / NANOS_PER_SECOND;
  let nanos = total % NANOS_PER_SECOND;
  if (nanos < 0n) {
    nanos += NANOS_PER_SECOND;
    seconds -= 1n;
  }
  if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0n) return null;
  return { seconds, nanos };
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC; Go refuses to print years outside 0000–9999 as RFC 3339, so do we. */
function rfc3339Seconds(seconds: bigint, name: string): string {
  const ms = Number(seconds) * 1000;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new MalformedProtobufError(`${protoName(name)} is outside the years 0000-9999 that RFC 3339 can express`);
  }
  return date.toISOString().slice(0, 19);
}

/** metav1.Time → RFC 3339 at second precision, `2026-01-02T03:04:05Z` (Go truncates the fraction). */
const decodeTime: SpecialDecoder = (payload) => {
  const t = readInstant(payload, 'meta.v1.Time');
  return t === null ? null : `${rfc3339Seconds(t.seconds, 'meta.v1.Time')}Z`;
};

/** metav1.MicroTime → RFC 3339 with exactly six fractional digits, `2026-01-02T03:04:05.123456Z`. */
const decodeMicroTime: SpecialDecoder = (payload) => {
  const t = readInstant(payload, 'meta.v1.MicroTime');
  if (t === null) return null;
  const micros = (t.nanos / 1000n).toString().padStart(6, '0');
  return `${rfc3339Seconds(t.seconds, 'meta.v1.MicroTime')}.${micros}Z`;
};

// ---- Duration: { int64 duration = 1 } in nanoseconds → Go's time.Duration.String() ---------------

/** `whole` units of size `unit`, with the remainder as a decimal fraction without trailing zeros. */
function withFraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const digits = unit.toString().length - 1;
  const fraction = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** Go's formatting: `1h2m3.5s`, `1m30s`, `1.5ms`, `250µs`, `7ns`, `0s`. */
export function goDurationString(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const sign = nanoseconds < 0n ? '-' : '';
  const ns = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (ns < 1000n) return `${sign}${ns}ns`;
  if (ns < 1_000_000n) return `${sign}${withFraction(ns, 1000n)}µs`;
  if (ns < NANOS_PER_SECOND) return `${sign}${withFraction(ns, 1_000_000n)}ms`;
  const hours = ns / 3_600_000_000_000n;
  const minutes = (ns / 60_000_000_000n) % 60n;
  const seconds = `${withFraction(ns % 60_000_000_000n, NANOS_PER_SECOND)}s`;
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

const decodeDuration: SpecialDecoder = (payload) => {
  const fields = readFields(payload, 'meta.v1.Duration', { 1: WIRE_VARINT });
  return goDurationString(BigInt.asIntN(64, varintOf(fields, 1)));
};

// ---- IntOrString: { int64 type = 1; int32 intVal = 2; string strVal = 3 } ------------------------

const decodeIntOrString: SpecialDecoder = (payload) => {
  const fields = readFields(payload, 'util.intstr.IntOrString', { 1: WIRE_VARINT, 2: WIRE_VARINT, 3: WIRE_LENGTH_DELIMITED });
  const type = BigInt.asIntN(64, varintOf(fields, 1));
  if (type === 0n) return Number(BigInt.asIntN(32, varintOf(fields, 2)));
  if (type === 1n) return utf8.decode(bytesOf(fields, 3));
  throw new MalformedProtobufError(`IntOrString has type ${type}; only 0 (int) and 1 (string) exist`);
};

// ---- Quantity: { string string = 1 } -------------------------------------------------------------

/** The canonical text travels as is; an empty Quantity is Go's zero value, which prints as "0". */
const decodeQuantity: SpecialDecoder = (payload) => {
  const fields = readFields(payload, 'api.resource.Quantity', { 1: WIRE_LENGTH_DELIMITED });
  const text = utf8.decode(bytesOf(fields, 1));
  return text === '' ? '0' : text;
};

// ---- FieldsV1 { bytes Raw = 1 } and RawExtension { bytes raw = 1 }: embedded JSON -----------------

function embeddedJson(raw: Uint8Array, name: string): Json {
  if (raw.length === 0) return null;
  const text = utf8.decode(raw);
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new UnsupportedProtobufError(`${protoName(name)} holds bytes that are not JSON`);
  }
}

const decodeFieldsV1: SpecialDecoder = (payload) =>
  embeddedJson(bytesOf(readFields(payload, 'meta.v1.FieldsV1', { 1: WIRE_LENGTH_DELIMITED }), 1), 'meta.v1.FieldsV1');

const decodeRawExtension: SpecialDecoder = (payload) =>
  embeddedJson(bytesOf(readFields(payload, 'runtime.RawExtension', { 1: WIRE_LENGTH_DELIMITED }), 1), 'runtime.RawExtension');

export const SPECIAL_MESSAGES: { readonly [name: string]: SpecialDecoder } = {
  'meta.v1.Time': decodeTime,
  'meta.v1.MicroTime': decodeMicroTime,
  'meta.v1.Duration': decodeDuration,
  'meta.v1.FieldsV1': decodeFieldsV1,
  'runtime.RawExtension': decodeRawExtension,
  'util.intstr.IntOrString': decodeIntOrString,
  'api.resource.Quantity': decodeQuantity,
};
