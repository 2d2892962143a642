import { describe, expect, it } from 'vitest';
import { milliValue, quantityValue } from './quantity.js';

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
