// The watch checker: a faithful watcher passes; a gap, a duplicate, a reordering, an altered or
// invented event each fail.

import { describe, expect, it } from 'vitest';
import type { LogEvent } from './history.js';
import { checkWatch, type WatchRecord } from './watch-checker.js';

const log: LogEvent[] = [
  { revision: 2, key: 'a/1', type: 'put', value: 'x' },
  { revision: 3, key: 'b/1', type: 'put', value: 'y' },
  { revision: 4, key: 'a/2', type: 'put', value: 'z' },
  { revision: 5, key: 'a/1', type: 'delete' },
  { revision: 6, key: 'a/2', type: 'put', value: 'w' },
];
const inA = log.filter((e) => e.key.startsWith('a/'));

function watcher(events: LogEvent[], fromRevision = 2, untilRevision = 6): WatchRecord {
  return { name: 'w', key: 'a/', end: 'a0', fromRevision, untilRevision, events };
}

describe('watch checker', () => {
  it('accepts exactly the events of its range and window', () => {
    expect(checkWatch(watcher(inA), log)).toEqual([]);
    expect(checkWatch(watcher(inA.slice(1, 3), 3, 5), log)).toEqual([]);
    // A single-key watcher.
    expect(checkWatch({ name: 'k', key: 'a/2', fromRevision: 1, untilRevision: 6, events: [inA[1]!, inA[3]!] }, log)).toEqual([]);
  });

  it('a missing event is a gap', () => {
    const r = checkWatch(watcher([inA[0]!, inA[2]!, inA[3]!]), log);
    expect(r.map((a) => a.message)).toEqual([expect.stringContaining('gap')]);
  });

  it('an event delivered twice (a resume from the wrong revision) is a duplicate', () => {
    const r = checkWatch(watcher([inA[0]!, inA[1]!, inA[1]!, inA[2]!, inA[3]!]), log);
    expect(r.some((a) => a.message.includes('duplicate'))).toBe(true);
  });

  it('events out of revision order are caught', () => {
    const r = checkWatch(watcher([inA[0]!, inA[2]!, inA[1]!, inA[3]!]), log);
    expect(r.some((a) => a.message.includes('out of order'))).toBe(true);
  });

  it('an altered or invented event is caught, and so is one outside the range', () => {
    const altered = checkWatch(watcher([inA[0]!, { ...inA[1]!, value: 'zz' }, inA[2]!, inA[3]!]), log);
    expect(altered.some((a) => a.message.includes('differs'))).toBe(true);
    const invented = checkWatch(watcher([...inA.slice(0, 2), { revision: 4, key: 'a/9', type: 'put', value: 'q' }, ...inA.slice(2)]), log);
    expect(invented.some((a) => a.message.includes('never happened'))).toBe(true);
    const outside = checkWatch(watcher([inA[0]!, log[1]!, ...inA.slice(1)]), log);
    expect(outside.some((a) => a.message.includes('outside'))).toBe(true);
  });
});
