// A cursor over protobuf wire bytes. Protobuf has four wire types still in use: varint (0),
// 64-bit little-endian (1), length-delimited (2) and 32-bit little-endian (5); 3 and 4 are the
// long-deprecated groups, which no Kubernetes message uses. Every read is bounds-checked, so a
// truncated or lying length prefix becomes a MalformedProtobufError instead of reading garbage.

import { MalformedProtobufError } from './errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

export interface FieldTag {
  fieldNumber: number;
  wireType: number;
}

export class WireReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /**
   * A varint as an unsigned 64-bit BigInt. Seven bits per byte, least significant group first,
   * high bit set on every byte but the last; at most ten bytes encode 64 bits.
   */
  readVarint(): bigint {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw new MalformedProtobufError('truncated varint');
      const byte = this.bytes[this.pos++]!;
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new MalformedProtobufError('varint longer than 10 bytes');
  }

  readTag(): FieldTag {
    const key = this.readVarint();
    const fieldNumber = Number(key >> 3n);
    const wireType = Number(key & 7n);
    // Field numbers run from 1 to 2^29 - 1; 0 never appears in a valid message.
    if (fieldNumber < 1 || fieldNumber > 0x1fffffff) throw new MalformedProtobufError(`invalid field number ${fieldNumber}`);
    if (wireType === 6 || wireType === 7) throw new MalformedProtobufError(`invalid wire type ${wireType}`);
    return { fieldNumber, wireType };
  }

  /** The next `length`-prefixed slice (strings, bytes, nested messages, packed scalars). */
  readLengthDelimited(): Uint8Array {
    const length = this.readVarint();
    if (length > BigInt(this.bytes.length - this.pos)) throw new MalformedProtobufError('length-delimited field runs past the end of its message');
    const n = Number(length);
    const slice = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return slice;
  }

  readFixed64(): Uint8Array {
    return this.take(8);
  }

  readFixed32(): Uint8Array {
    return this.take(4);
  }

  private take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw new MalformedProtobufError('truncated fixed-width field');
    const slice = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return slice;
  }
}
