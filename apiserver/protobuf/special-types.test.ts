import { describe, expect, it } from 'vitest';
import { MalformedProtobufError, UnsupportedProtobufError } from './errors.js';
import { goDurationString, SPECIAL_MESSAGES } from './special-types.js';
import { concat, num, str } from './test-encoder.js';

const decode = (name: string, payload: Uint8Array) => SPECIAL_MESSAGES[name]!(payload);

describe('special JSON forms', () => {
  it('formats Duration as Go does', () => {
    expect(goDurationString(0n)).toBe('0s');
    expect(goDurationString(7n)).toBe('7ns');
    expect(goDurationString(250_000n)).toBe('250µs');
    expect(goDurationString(1_500_000n)).toBe('1.5ms');
    expect(goDurationString(1_500_000_000n)).toBe('1.5s');
    expect(goDurationString(90_000_000_000n)).toBe('1m30s');
    expect(goDurationString(3_600_000_000_000n)).toBe('1h0m0s');
    expect(goDurationString(3_723_000_000_005n)).toBe('1h2m3.000000005s');
    expect(goDurationString(-2_000_000_000n)).toBe('-2s');
    expect(decode('meta.v1.Duration', num(1, 300_000_000_000))).toBe('5m0s');
  });

  it('maps Time: empty message → null, epoch → 1970, fraction truncated, Go zero time → null', () => {
    expect(decode('meta.v1.Time', new Uint8Array(0))).toBeNull();
    expect(decode('meta.v1.Time', num(1, 0))).toBe('1970-01-01T00:00:00Z');
    expect(decode('meta.v1.Time', concat(num(1, 1767323045), num(2, 999_999_999)))).toBe('2026-01-02T03:04:05Z');
    expect(decode('meta.v1.Time', num(1, -62135596800))).toBeNull();
    expect(() => decode('meta.v1.Time', num(1, 400_000_000_000))).toThrow(MalformedProtobufError);
  });

  it('maps MicroTime with exactly six fractional digits, normalising negative nanos as Go does', () => {
    expect(decode('meta.v1.MicroTime', concat(num(1, 1767323045), num(2, 1_000)))).toBe('2026-01-02T03:04:05.000001Z');
    expect(decode('meta.v1.MicroTime', num(1, 1767323045))).toBe('2026-01-02T03:04:05.000000Z');
    expect(decode('meta.v1.MicroTime', concat(num(1, 1767323045), num(2, -1_000)))).toBe('2026-01-02T03:04:04.999999Z');
  });

  it('maps IntOrString, Quantity and embedded JSON', () => {
    expect(decode('util.intstr.IntOrString', concat(num(1, 0), num(2, -3), str(3, '')))).toBe(-3);
    expect(decode('util.intstr.IntOrString', concat(num(1, 1), str(3, '25%')))).toBe('25%');
    expect(decode('util.intstr.IntOrString', new Uint8Array(0))).toBe(0);
    expect(decode('api.resource.Quantity', str(1, '1500m'))).toBe('1500m');
    expect(decode('api.resource.Quantity', new Uint8Array(0))).toBe('0');
    expect(decode('meta.v1.FieldsV1', str(1, '{"f:spec":{}}'))).toEqual({ 'f:spec': {} });
    expect(decode('runtime.RawExtension', str(1, '{"kind":"Pod"}'))).toEqual({ kind: 'Pod' });
    expect(() => decode('runtime.RawExtension', str(1, Uint8Array.of(0x6b, 0x38, 0x73, 0)))).toThrow(UnsupportedProtobufError);
  });

  it('refuses unknown fields and wrong wire types inside special messages', () => {
    expect(() => decode('api.resource.Quantity', str(2, 'x'))).toThrow(UnsupportedProtobufError);
    expect(() => decode('meta.v1.Time', str(1, 'x'))).toThrow(MalformedProtobufError);
  });
});
