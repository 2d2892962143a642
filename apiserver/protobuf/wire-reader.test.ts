import { describe, expect, it } from 'vitest';
import { MalformedProtobufError } from './errors.js';
import { varint } from './test-encoder.js';
import { WireReader } from './wire-reader.js';

describe('WireReader', () => {
  it('reads single- and multi-byte varints and ten-byte negatives', () => {
    expect(new WireReader(Uint8Array.of(0x01)).readVarint()).toBe(1n);
    expect(new WireReader(Uint8Array.of(0xac, 0x02)).readVarint()).toBe(300n);
    const minusOne = varint(-1);
    expect(minusOne.length).toBe(10);
    expect(BigInt.asIntN(64, new WireReader(minusOne).readVarint())).toBe(-1n);
  });

  it('splits a tag into field number and wire type', () => {
    expect(new WireReader(Uint8Array.of(0x8a, 0x01)).readTag()).toEqual({ fieldNumber: 17, wireType: 2 });
  });

  it('rejects truncated varints, overlong varints, field number 0 and lengths past the end', () => {
    expect(() => new WireReader(Uint8Array.of(0x80)).readVarint()).toThrow(MalformedProtobufError);
    expect(() => new WireReader(new Uint8Array(11).fill(0x80)).readVarint()).toThrow(MalformedProtobufError);
    expect(() => new WireReader(Uint8Array.of(0x02)).readTag()).toThrow(MalformedProtobufError);
    expect(() => new WireReader(Uint8Array.of(0x05, 0x61)).readLengthDelimited()).toThrow(MalformedProtobufError);
    expect(() => new WireReader(Uint8Array.of(1, 2, 3)).readFixed64()).toThrow(MalformedProtobufError);
  });
});
