import { describe, expect, it } from 'vitest';
import { RestartBackoff } from './backoff.js';

describe('RestartBackoff', () => {
  it('doubles from 1s to at most 30s and starts over after a long healthy run', () => {
    const b = new RestartBackoff();
    expect([1, 2, 3, 4, 5, 6, 7].map(() => b.next(100))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(b.next(120_000)).toBe(1000);
    expect(b.next(10)).toBe(2000);
  });
});
