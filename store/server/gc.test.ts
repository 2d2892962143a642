import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectGarbageWhenIdle } from './gc.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('collectGarbageWhenIdle', () => {
  it('collects once, only after progress stood still for a whole interval', () => {
    vi.useFakeTimers();
    let applied = 100;
    let collections = 0;
    collectGarbageWhenIdle(() => applied, 500, () => collections++);
    for (let i = 0; i < 5; i++) {
      applied += 10; // a busy member: never idle for an interval
      vi.advanceTimersByTime(500);
    }
    expect(collections).toBe(0);
    vi.advanceTimersByTime(500);
    expect(collections).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(collections).toBe(1);
  });

  it('collects nothing once cancelled', () => {
    vi.useFakeTimers();
    let collections = 0;
    const cancel = collectGarbageWhenIdle(() => 7, 500, () => collections++);
    cancel();
    vi.advanceTimersByTime(5000);
    expect(collections).toBe(0);
  });
});
