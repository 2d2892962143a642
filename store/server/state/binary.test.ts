import { describe, expect, it } from 'vitest';
import { BINARY_MAGIC, BinaryStreamWriter, decodeBinary, encodeBinary, isBinary } from './binary.js';
import { decodeEnvelope, decodeJson, encodeEnvelope, encodeJson, type LogEnvelope } from './requests.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

describe('binary value encoding', () => {
  const samples: unknown[] = [
    { id: 'abc-1', request: { put: { key: bytes('k'), value: bytes('v'.repeat(1000)), lease: 7205759403792793600n, prevKv: true } } },
    { id: 'x', request: { txn: { compare: [{ result: 'EQUAL', target: 'MOD', key: bytes('a'), number: 0 }], success: [{ deleteRange: { key: bytes('a'), rangeEnd: new Uint8Array([0]) } }], failure: [] } } },
    { a: [1, 2.5, -3, 0, Number.MAX_SAFE_INTEGER, 'é€😀', '', null, true, false], unknownField: { nested: -(2n ** 64n) + 1n }, big: 2n ** 64n - 1n, zero: 0n },
    'plain',
    [],
    {},
  ];

  it('decodes to exactly what JSON with $b/$n decoded to', () => {
    for (const v of samples) {
      const bin = encodeBinary(v);
      expect(bin[0]).toBe(BINARY_MAGIC);
      expect(decodeBinary(bin)).toEqual(decodeJson(encodeJson(v)));
    }
  });

  it('leaves out undefined properties as JSON does', () => {
    expect(decodeBinary(encodeBinary({ a: undefined, b: 1 }))).toEqual({ b: 1 });
    expect(Object.keys(decodeBinary<object>(encodeBinary({ a: undefined, b: 1 })))).toEqual(['b']);
  });

  it('decoded bytes are copies, not views into the encoded data', () => {
    const bin = encodeBinary({ value: bytes('hello') });
    const out = decodeBinary<{ value: Uint8Array }>(bin);
    expect(out.value.buffer).not.toBe(bin.buffer);
    expect(out.value.byteLength).toBe(out.value.buffer.byteLength);
  });

  it('log envelopes: binary now, older JSON entries still read', () => {
    const env: LogEnvelope = { id: 'm-1', request: { put: { key: bytes('k'), value: bytes('v') } } };
    expect(isBinary(encodeEnvelope(env))).toBe(true);
    expect(decodeEnvelope(encodeEnvelope(env))).toEqual(env);
    expect(decodeEnvelope(encodeJson(env))).toEqual(env);
  });

  it('refuses damaged data', () => {
    const bin = encodeBinary({ id: 'abc', request: { put: { key: bytes('k'), value: bytes('v') } } });
    expect(() => decodeBinary(bin.subarray(0, bin.length - 1))).toThrow(/truncated/);
    expect(() => decodeBinary(Buffer.concat([bin, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => decodeBinary(Buffer.from([BINARY_MAGIC, 99]))).toThrow(/unknown tag/);
  });

  it('large values round-trip (snapshot images)', () => {
    const changes = Array.from({ length: 200 }, (_, i) => ({ sub: 0, tombstone: false, kv: { key: bytes(`k${i}`), value: new Uint8Array(1024).fill(i % 256), createRevision: i + 2, modRevision: i + 2, version: 1, lease: 0n } }));
    const image = { kv: { currentRev: 201, compactRev: -1, changes, leases: [] }, members: { members: [], removed: [] } };
    expect(decodeBinary(encodeBinary(image, 16))).toEqual(image);
  });

  it('a value streamed piece by piece decodes as the same value encoded in one go', () => {
    for (const n of [0, 1, 127, 128, 16384, 20000]) {
      const items = Array.from({ length: n }, (_, i) => ({ sub: i % 3, kv: { key: bytes(`k${i}`), lease: BigInt(i) }, tombstone: i % 2 === 0 }));
      const w = new BinaryStreamWriter(16);
      w.beginObject(2);
      w.field('members');
      w.value({ removed: ['1'] });
      w.field('not a known field name');
      const mark = w.beginArray();
      for (const it of items) w.value(it);
      w.endArray(mark, items.length);
      const streamed = w.finish();
      expect(decodeBinary(streamed)).toEqual(decodeBinary(encodeBinary({ members: { removed: ['1'] }, 'not a known field name': items })));
    }
  });
});
