import { describe, expect, it } from 'vitest';
import { addQuantities, canonicalQuantity, compareQuantities, formatQuantity, milliValue, parseQuantity, quantityValue, ZERO } from './quantity.js';

describe('quantities', () => {
  it.each([
    ['100m', 100, 1],
    ['1', 1000, 1],
    ['2', 2000, 2],
    ['0.1', 100, 1],
    ['0.5', 500, 1],
    ['1.5', 1500, 2],
    ['250m', 250, 1],
    ['1k', 1_000_000, 1000],
    ['1Ki', 1_024_000, 1024],
    ['1Gi', 1024 ** 3 * 1000, 1024 ** 3],
    ['1G', 1e12, 1e9],
    ['128Mi', 128 * 2 ** 20 * 1000, 128 * 2 ** 20],
    ['1e3', 1_000_000, 1000],
    ['1E-3', 1, 1],
    ['1u', 1, 1],
    ['0', 0, 0],
    [3, 3000, 3],
    ['.5', 500, 1],
  ])('%s → milli %d, value %d', (q, milli, value) => {
    expect(milliValue(q)).toBe(milli);
    expect(quantityValue(q)).toBe(value);
  });

  it.each([['abc'], [''], ['1Zi'], [undefined], [{}], ['1.2.3']])('%s is not a quantity', (q) => {
    expect(milliValue(q)).toBeUndefined();
    expect(quantityValue(q)).toBeUndefined();
  });
});

describe('canonical form (Quantity.String)', () => {
  it.each([
    ['8388608Ki', '8Gi'],
    ['8286208Ki', '8092Mi'],
    ['104857600Ki', '100Gi'],
    ['96636764160', '96636764160'],
    ['4', '4'],
    ['0.1', '100m'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['1000m', '1'],
    ['100Mi', '100Mi'],
    ['1024', '1024'],
    ['1000', '1k'],
    ['512Ki', '512Ki'],
    ['1Ki', '1Ki'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1e-3', '1e-3'],
    ['12e2', '1200'],
    ['0', '0'],
    ['0Mi', '0'],
    ['1E', '1E'],
    ['1000E', '1e21'],
    ['0.0000000001', '1n'],
    ['-1500m', '-1500m'],
  ])('%s prints as %s', (input, out) => {
    expect(canonicalQuantity(input)).toBe(out);
  });

  it('a sum keeps the first non-zero operand notation', () => {
    const sum = (...qs: string[]) => formatQuantity(qs.map((q) => parseQuantity(q)!).reduce(addQuantities, ZERO));
    expect(sum('128Mi', '512Mi')).toBe('640Mi');
    expect(sum('256Mi', '1Gi')).toBe('1280Mi');
    expect(sum('250m', '500m')).toBe('750m');
    expect(sum('100M', '28Mi')).toBe('129360128');
    expect(sum('0', '1Gi')).toBe('1Gi');
    expect(compareQuantities(parseQuantity('1Gi')!, parseQuantity('1G')!)).toBe(1);
  });
});
