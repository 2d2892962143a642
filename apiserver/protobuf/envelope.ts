// Kubernetes' protobuf envelope. A body starts with the four magic bytes `k8s\0` (the fourth byte
// names the encoding; 0 is the only one defined), followed by a runtime.Unknown message:
//
//   message Unknown {                       message TypeMeta {
//     optional TypeMeta typeMeta = 1;         optional string apiVersion = 1;
//     optional bytes raw = 2;                 optional string kind = 2;
//     optional string contentEncoding = 3;  }
//     optional string contentType = 4;
//   }
//
// `raw` is the object itself, encoded as the message its kind names (a Deployment's bytes for
// kind Deployment). The envelope is decoded by hand rather than through the message table because
// the entry point needs `raw` as bytes, not as the base64 string the JSON form of bytes would be.

import { MalformedProtobufError, UnsupportedProtobufError } from './errors.js';
import { WIRE_LENGTH_DELIMITED, WireReader } from './wire-reader.js';

export const PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface ProtobufEnvelope {
  apiVersion: string;
  kind: string;
  /** The typed message's bytes. */
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

const utf8 = new TextDecoder();

export function hasProtobufMagic(body: Uint8Array): boolean {
  return body.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

export function readEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (!hasProtobufMagic(body)) throw new MalformedProtobufError('the body does not start with the protobuf magic bytes "k8s\\0"');
  if (body.length === PROTOBUF_MAGIC.length) throw new MalformedProtobufError('the body holds the protobuf magic bytes and nothing else');

  const envelope: ProtobufEnvelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  const reader = new WireReader(body.subarray(PROTOBUF_MAGIC.length));
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    if (fieldNumber > 4) throw new UnsupportedProtobufError(`field ${fieldNumber} of k8s.io.apimachinery.pkg.runtime.Unknown is not supported`);
    // Every field of Unknown is length-delimited.
    if (wireType !== WIRE_LENGTH_DELIMITED) throw new MalformedProtobufError(`field ${fieldNumber} of runtime.Unknown has wire type ${wireType}, expected 2`);
    const value = reader.readLengthDelimited();
    if (fieldNumber === 1) readTypeMeta(value, envelope);
    else if (fieldNumber === 2) envelope.raw = value;
    else if (fieldNumber === 3) envelope.contentEncoding = utf8.decode(value);
    else envelope.contentType = utf8.decode(value);
  }
  return envelope;
}

function readTypeMeta(bytes: Uint8Array, into: ProtobufEnvelope): void {
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    if (fieldNumber > 2) throw new UnsupportedProtobufError(`field ${fieldNumber} of k8s.io.apimachinery.pkg.runtime.TypeMeta is not supported`);
    if (wireType !== WIRE_LENGTH_DELIMITED) throw new MalformedProtobufError(`field ${fieldNumber} of runtime.TypeMeta has wire type ${wireType}, expected 2`);
    const text = utf8.decode(reader.readLengthDelimited());
    if (fieldNumber === 1) into.apiVersion = text;
    else into.kind = text;
  }
}
