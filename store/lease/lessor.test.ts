import { describe, expect, it } from 'vitest';
import { LeaseExistsError, LeaseNotFoundError, LeaseTtlTooLargeError, Lessor, NotPrimaryError } from './lessor.js';

function setup(minTtlSeconds = 2) {
  const clock = { t: 1_000_000 };
  const lessor = new Lessor({ minTtlSeconds, now: () => clock.t });
  return { clock, lessor };
}

describe('Lessor', () => {
  it('grant applies the minimum TTL and refuses duplicates, zero ids and huge TTLs with etcd messages', () => {
    const { lessor } = setup(2);
    expect(lessor.grant(1n, 1).ttl).toBe(2);
    expect(lessor.grant(2n, 60).ttl).toBe(60);
    expect(() => lessor.grant(1n, 10)).toThrow(LeaseExistsError);
    expect(() => lessor.grant(0n, 10)).toThrow(LeaseNotFoundError);
    expect(() => lessor.grant(3n, 9_000_000_001)).toThrow(LeaseTtlTooLargeError);
    expect(new LeaseExistsError().message).toBe('lease already exists');
  });

  it('keeps 64-bit ids exact', () => {
    const { lessor } = setup();
    const id = 0x7fff_ffff_ffff_fffen;
    lessor.grant(id, 10);
    expect(lessor.lookup(id)?.id).toBe(id);
    expect(lessor.dump()).toEqual([{ id: '9223372036854775806', ttl: 10 }]);
  });

  it('revoke returns attached keys sorted and forgets them', () => {
    const { lessor } = setup();
    lessor.grant(7n, 10);
    for (const k of ['c', 'a', 'b']) lessor.attach(7n, k);
    lessor.detach('b');
    expect(lessor.leaseOf('a')).toBe(7n);
    expect(lessor.revoke(7n)).toEqual(['a', 'c']);
    expect(lessor.leaseOf('a')).toBe(0n);
    expect(() => lessor.revoke(7n)).toThrow(LeaseNotFoundError);
    expect(() => lessor.attach(7n, 'x')).toThrow(LeaseNotFoundError);
  });

  it('only the primary expires leases; followers never do', () => {
    const { lessor, clock } = setup();
    lessor.grant(1n, 5);
    clock.t += 60_000;
    expect(lessor.expired()).toEqual([]);
    expect(() => lessor.renew(1n)).toThrow(NotPrimaryError);
    lessor.promote(1_000);
    clock.t += 5_999;
    expect(lessor.expired()).toEqual([]);
    clock.t += 1;
    expect(lessor.expired().map((l) => l.id)).toEqual([1n]);
    lessor.demote();
    expect(lessor.expired()).toEqual([]);
  });

  it('renew on the primary pushes expiry a full TTL ahead; an expired lease cannot be renewed', () => {
    const { lessor, clock } = setup();
    lessor.promote(0);
    lessor.grant(1n, 10);
    clock.t += 9_000;
    expect(lessor.lookup(1n)!.remainingSeconds(clock.t)).toBe(1);
    expect(lessor.renew(1n)).toBe(10);
    expect(lessor.lookup(1n)!.remainingSeconds(clock.t)).toBe(10);
    clock.t += 10_000;
    expect(() => lessor.renew(1n)).toThrow(LeaseNotFoundError);
    expect(lessor.lookup(1n)!.remainingSeconds(clock.t)).toBe(-1);
  });

  it('a new leader gives every lease its full TTL plus the extension', () => {
    const { lessor, clock } = setup();
    lessor.grant(1n, 10);
    lessor.grant(2n, 20);
    lessor.promote(3_000);
    clock.t += 12_999;
    expect(lessor.expired()).toEqual([]);
    clock.t += 1;
    expect(lessor.expired().map((l) => l.id)).toEqual([1n]);
  });

  it('load rebuilds leases and their keys from a snapshot', () => {
    const { lessor } = setup();
    lessor.grant(1n, 10);
    lessor.attach(1n, 'k');
    const dump = lessor.dump();
    const other = setup().lessor;
    other.load(dump, [['k', 1n], ['orphan', 99n]]);
    expect(other.revoke(1n)).toEqual(['k']);
    expect(other.leaseOf('orphan')).toBe(0n);
  });
});
