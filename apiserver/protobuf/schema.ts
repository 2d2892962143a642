// How a protobuf message maps onto Kubernetes' JSON, described as data: message name → field
// number → { json name, type, repeated }. The decoder walks these tables; nothing is generated.
//
// Field numbers and types come from Kubernetes' generated.proto files (they are proto2, and the
// Go structs are marshalled by gogo-protobuf). Two facts about that marshaller shape the table:
//  - gogo writes every non-pointer field, zero or not: an empty `namespace` travels as a
//    zero-length string, `paused: false` as a varint 0. So "present on the wire" does not mean
//    "set by the user". JSON, by contrast, drops zero values of `omitempty` fields. To give the
//    same object the JSON encoding would, a scalar's zero value is dropped unless the field is
//    marked keepZero: a Go pointer (`*int32 replicas`: present means set, so `replicas: 0` is
//    kept) or a Go value field without omitempty (`containerPort`).
//  - Go embeds some structs with `json:",inline"` (Volume embeds VolumeSource, Probe embeds
//    ProbeHandler, the key selectors embed LocalObjectReference). Protobuf still nests them as a
//    message field; `inline` says to merge that message's fields into the parent's JSON object.
// gogo's `nullable` and `casttype` options change only Go types, never the wire, so they do
// not appear here; int32/int64 are plain varints (two's complement, no zigzag), bools varints.

export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'double';

/** A message type is named by the tail of its proto package plus its name: `core.v1.Container`. */
export type MessageType = `message:${string}`;
/** Protobuf maps are repeated key/value entry messages (key = 1, value = 2); keys are always strings here. */
export type MapType = `map<string,${string}>`;
export type FieldType = ScalarType | MessageType | MapType;

export interface FieldSpec {
  /** The JSON property; unused for inline fields. */
  readonly json: string;
  readonly type: FieldType;
  readonly repeated?: boolean;
  /** Emit the field even when its scalar value is zero (Go pointer, or no omitempty). */
  readonly keepZero?: boolean;
  /** An embedded Go struct: its fields land in the parent object. */
  readonly inline?: boolean;
}

export type MessageSpec = { readonly [fieldNumber: number]: FieldSpec };
export type MessageTable = { readonly [messageName: string]: MessageSpec };

const SCALARS: readonly string[] = ['string', 'bytes', 'bool', 'int32', 'int64', 'double'];

export function isScalarType(t: string): t is ScalarType {
  return SCALARS.includes(t);
}

/** The message name of a message field, or undefined for scalars and maps. */
export function messageNameOf(t: FieldType): string | undefined {
  return t.startsWith('message:') ? t.slice('message:'.length) : undefined;
}

/** The value type of a map field: a scalar type or a message name. */
export function mapValueOf(t: FieldType): string | undefined {
  const m = /^map<string,(.+)>$/.exec(t);
  return m ? m[1] : undefined;
}

/** The fully qualified proto name, as Kubernetes' generated.proto files declare it, for messages. */
export function protoName(name: string): string {
  if (/^(core|apps|batch|coordination)\./.test(name)) return `k8s.io.api.${name}`;
  if (name.startsWith('meta.')) return `k8s.io.apimachinery.pkg.apis.${name}`;
  return `k8s.io.apimachinery.pkg.${name}`;
}

// ---- helpers that keep the tables short -------------------------------------------------------

export const str = (json: string): FieldSpec => ({ json, type: 'string' });
export const bytes = (json: string): FieldSpec => ({ json, type: 'bytes' });
export const bool = (json: string): FieldSpec => ({ json, type: 'bool' });
export const i32 = (json: string): FieldSpec => ({ json, type: 'int32' });
export const i64 = (json: string): FieldSpec => ({ json, type: 'int64' });
export const msg = (json: string, name: string): FieldSpec => ({ json, type: `message:${name}` });
/** map<string, V>; V is a scalar type or a message name such as `api.resource.Quantity`. */
export const map = (json: string, valueType: string): FieldSpec => ({ json, type: `map<string,${valueType}>` });
export const list = (f: FieldSpec): FieldSpec => ({ ...f, repeated: true });
/** A Go pointer field (`*int32`, `*bool`, `*string`): a zero value on the wire was set on purpose. */
export const ptr = (f: FieldSpec): FieldSpec => ({ ...f, keepZero: true });
/** A Go value field without omitempty: JSON prints its zero value, so we keep it too. */
export const noOmit = (f: FieldSpec): FieldSpec => ({ ...f, keepZero: true });
/** An embedded struct (`json:",inline"`), carried as a nested message on the wire. */
export const inline = (name: string): FieldSpec => ({ json: '', type: `message:${name}`, inline: true });
