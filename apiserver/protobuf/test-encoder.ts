// A tiny protobuf writer for tests only: enough to hand-build Kubernetes bodies field by field,
// so the tests state the wire bytes they feed the decoder instead of trusting another library.

import { PROTOBUF_MAGIC } from './envelope.js';

const utf8 = new TextEncoder();

/** A varint; negative numbers are written as 64-bit two's complement (ten bytes), as int32/int64 are. */
export function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

export function tag(fieldNumber: number, wireType: number): Uint8Array {
  return varint((fieldNumber << 3) | wireType);
}

/** int32, int64 or bool field (wire type 0). */
export function num(fieldNumber: number, value: number | bigint | boolean): Uint8Array {
  return concat(tag(fieldNumber, 0), varint(typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

/** string or bytes field (wire type 2). */
export function str(fieldNumber: number, value: string | Uint8Array): Uint8Array {
  const data = typeof value === 'string' ? utf8.encode(value) : value;
  return concat(tag(fieldNumber, 2), varint(data.length), data);
}

/** A nested message field: its parts concatenated and length-prefixed. */
export function msg(fieldNumber: number, ...parts: Uint8Array[]): Uint8Array {
  return str(fieldNumber, concat(...parts));
}

/** One entry of a map<string, string|bytes> field. */
export function entry(fieldNumber: number, key: string, value: string | Uint8Array): Uint8Array {
  return msg(fieldNumber, str(1, key), str(2, value));
}

/** One entry of a map<string, Quantity> field. */
export function quantityEntry(fieldNumber: number, key: string, quantity: string): Uint8Array {
  return msg(fieldNumber, str(1, key), msg(2, str(1, quantity)));
}

/** A metav1.Time or MicroTime field. */
export function time(fieldNumber: number, seconds: number, nanos = 0): Uint8Array {
  return msg(fieldNumber, num(1, seconds), ...(nanos ? [num(2, nanos)] : []));
}

/** An IntOrString field, written as gogo writes it: all three fields present. */
export function intOrString(fieldNumber: number, value: number | string): Uint8Array {
  return typeof value === 'number' ? msg(fieldNumber, num(1, 0), num(2, value), str(3, '')) : msg(fieldNumber, num(1, 1), num(2, 0), str(3, value));
}

/** The `k8s\0` magic and a runtime.Unknown around `raw`. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: Uint8Array[] = []): Buffer {
  const typeMeta = msg(1, ...(apiVersion ? [str(1, apiVersion)] : []), ...(kind ? [str(2, kind)] : []));
  return Buffer.from(concat(PROTOBUF_MAGIC, typeMeta, str(2, raw), ...extra));
}
