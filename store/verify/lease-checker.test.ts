// The lease checker: keys that outlive their lease's deadline are caught; keys seen during a
// disruption, or within TTL + election timeout of its end, are not.

import { describe, expect, it } from 'vitest';
import { checkLeases, type LeaseRecord } from './lease-checker.js';

const lease: LeaseRecord = { id: 'L1', ttlMs: 2000, grantedAt: 1000, keys: ['lease/1'] };
const opts = { electionTimeoutMs: 500, slackMs: 500 };
const seenAt = (call: number) => ({ key: 'lease/1', lease: 'L1', call, ret: call + 10 });

describe('lease checker', () => {
  it('a key seen within TTL + election timeout + slack of its grant is fine; later is not', () => {
    expect(checkLeases([lease], [seenAt(3900)], [], opts)).toEqual([]);
    expect(checkLeases([lease], [seenAt(4100)], [], opts)).toHaveLength(1);
  });

  it('a disruption restarts the clock from its end, and excuses reads made during it', () => {
    const d = [{ start: 2000, end: 6000 }];
    expect(checkLeases([lease], [seenAt(5000)], d, opts)).toEqual([]);
    expect(checkLeases([lease], [seenAt(8900)], d, opts)).toEqual([]);
    expect(checkLeases([lease], [seenAt(9100)], d, opts)).toHaveLength(1);
    // A disruption that never healed excuses everything after it started.
    expect(checkLeases([lease], [seenAt(99_000)], [{ start: 2000, end: Infinity }], opts)).toEqual([]);
  });

  it('renewals push the deadline', () => {
    expect(checkLeases([{ ...lease, renewedUntil: 5000 }], [seenAt(7900)], [], opts)).toEqual([]);
    expect(checkLeases([{ ...lease, renewedUntil: 5000 }], [seenAt(8100)], [], opts)).toHaveLength(1);
  });

  it('a key seen after an acknowledged revoke is caught at once', () => {
    expect(checkLeases([{ ...lease, revokedAt: 1500 }], [seenAt(1600)], [], opts)).toHaveLength(1);
    expect(checkLeases([{ ...lease, revokedAt: 1500 }], [seenAt(1400)], [], opts)).toEqual([]);
  });
});
