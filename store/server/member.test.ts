import { afterEach, describe, expect, it } from 'vitest';
import { raftIdOf } from './identity.js';
import type { Member } from './member.js';
import { inProcessMembers, until } from './testing/members.js';
import { Switchboard } from './testing/switchboard.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const s = (u: Uint8Array): string => new TextDecoder().decode(u);

const harness = inProcessMembers('member', 23800);
afterEach(() => harness.cleanup());
const configs = (n: number) => harness.configs(n, { snapshotCount: 50, quotaBytes: 64 * 1024 });
const startMember = harness.start;

/**
 * Clears every NOSPACE alarm. Each member that applies a write crossing the quota raises its own
 * alarm through the log, so more may arrive after the first are cleared: repeat until none is left.
 */
async function disarmAll(ms: Member[]): Promise<void> {
  const end = Date.now() + 10_000;
  while (ms.some((m) => m.hasAlarm('NOSPACE'))) {
    if (Date.now() > end) throw new Error('NOSPACE alarms kept coming back');
    for (const a of ms[0]!.alarmList()) await ms[0]!.setAlarm('deactivate', a.memberId, 'NOSPACE');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Member (3 in one process, real disks)', () => {
  it('founders agree on ids; writes through any member are read linearizably from any other', async () => {
    const sw = new Switchboard();
    const cfgs = configs(3);
    const ms = await Promise.all(cfgs.map((c) => startMember(sw, c)));
    expect(new Set(ms.map((m) => m.clusterId)).size).toBe(1);
    await until(() => ms.some((m) => m.isLeader()));
    const follower = ms.find((m) => !m.isLeader())!;
    const r = await follower.write({ put: { key: b('k'), value: b('v1') } });
    expect('put' in r && r.put.revision).toBe(2);
    for (const m of ms) {
      const got = await m.read({ key: b('k') });
      expect(got.kvs.map((kv) => s(kv.value))).toEqual(['v1']);
    }
    // Every member published its client URL through the log.
    await until(() => ms[0]!.membership.list().every((x) => x.clientUrls.length === 1));
    expect(ms[0]!.membership.list().map((x) => x.name).sort()).toEqual(['m1', 'm2', 'm3']);
  });

  it('a restarted member recovers every acknowledged write from its disk and snapshots', async () => {
    const sw = new Switchboard();
    const cfgs = configs(3);
    const ms = await Promise.all(cfgs.map((c) => startMember(sw, c)));
    await until(() => ms.some((m) => m.isLeader()));
    for (let i = 0; i < 120; i++) await ms[i % 3]!.write({ put: { key: b(`k${i % 7}`), value: b(`v${i}`) } });
    const victim = ms.find((m) => !m.isLeader())!;
    const cfg = victim.config;
    await victim.stop();
    sw.members.delete(victim.raftId);
    for (let i = 120; i < 150; i++) await ms.find((m) => m !== victim)!.write({ put: { key: b(`k${i % 7}`), value: b(`v${i}`) } });
    const back = await startMember(sw, cfg);
    expect(back.raftId).toBe(raftIdOf(back.memberId));
    await until(() => back.kv.revision === ms.find((m) => m !== victim)!.kv.revision);
    const leader = ms.find((m) => m.isLeader())!;
    expect(back.kv.hash()).toEqual(leader.kv.hash());
    expect((await back.read({ key: b('k3') })).kvs.map((kv) => s(kv.value))).toEqual(['v143']);
  });

  it('leases expire on the leader and their keys are deleted everywhere', async () => {
    const sw = new Switchboard();
    const ms = await Promise.all(configs(3).map((c) => startMember(sw, c)));
    await until(() => ms.some((m) => m.isLeader()));
    const id = ms[1]!.newLeaseId();
    const g = await ms[1]!.write({ leaseGrant: { id, ttl: 1 } });
    expect('leaseGrant' in g && g.leaseGrant.ttl).toBe(1); // min TTL here: 1.5 × 100 ms → 1 s
    await ms[2]!.write({ put: { key: b('ephemeral'), value: b('x'), lease: id } });
    await until(() => ms.every((m) => m.kv.range(b('ephemeral'), undefined).kvs.length === 0), 4000);
    expect(ms.every((m) => !m.lessor.lookup(id))).toBe(true);
  });

  it("writes that all passed the quota check before the log but cross it when applied are applied anyway, answered NOSPACE, and every member raises its own alarm (etcd's quota applier)", async () => {
    const sw = new Switchboard();
    const ms = await Promise.all(configs(3).map((c) => startMember(sw, c)));
    await until(() => ms.some((m) => m.isLeader()));
    const big = new Uint8Array(8 * 1024);
    const start = ms[0]!.kv.revision;
    // 12 × 8 KiB at once: each is checked against the same (empty) db before any applies.
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => ms[0]!.write({ put: { key: b(`c${i}`), value: big } })));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(String((r as PromiseRejectedResult).reason)).toContain('database space exceeded');
    // Applied all the same, identically everywhere: members must not diverge over a quota.
    await until(() => ms.every((m) => m.kv.revision === start + 12));
    expect(new Set(ms.map((m) => m.kv.hash().hash)).size).toBe(1);
    await until(() => ms.every((m) => m.alarmList().length === 3));
    expect(new Set(ms[0]!.alarmList().map((a) => a.memberId))).toEqual(new Set(ms.map((m) => m.memberId)));
  });

  it('past the quota the NOSPACE alarm is raised everywhere: writes refused, reads and deletes work; disarm after compaction and defragment clears it', async () => {
    const sw = new Switchboard();
    const ms = await Promise.all(configs(3).map((c) => startMember(sw, c)));
    await until(() => ms.some((m) => m.isLeader()));
    const big = new Uint8Array(8 * 1024);
    let refused = '';
    for (let i = 0; i < 20 && !refused; i++) {
      try {
        await ms[i % 3]!.write({ put: { key: b(`big${i % 4}`), value: big } });
      } catch (e) {
        refused = (e as Error).message;
      }
    }
    expect(refused).toBe('etcdserver: mvcc: database space exceeded');
    await until(() => ms.every((m) => m.hasAlarm('NOSPACE')));
    await expect(ms[1]!.write({ put: { key: b('small'), value: b('x') } })).rejects.toThrow('database space exceeded');
    expect((await ms[2]!.read({ key: b('big0') })).kvs.length).toBe(1);
    await ms[0]!.write({ deleteRange: { key: b('big'), rangeEnd: b('bih') } });
    await ms[0]!.write({ compaction: { revision: ms[0]!.kv.revision } });
    await until(() => ms.every((m) => m.kv.compactRevision === ms[0]!.kv.revision));
    // As in etcd, compaction frees space inside the db but not the db's size: still over quota.
    await disarmAll(ms);
    await expect(ms[1]!.write({ put: { key: b('big0'), value: big } })).rejects.toThrow('database space exceeded');
    await until(() => ms.every((m) => m.hasAlarm('NOSPACE')));
    // Defragmenting every member shrinks the size; disarmed, writes work again.
    for (const m of ms) m.defragment();
    expect(ms.every((m) => m.kv.dbSize < 1024)).toBe(true);
    await disarmAll(ms);
    await ms[1]!.write({ put: { key: b('big0'), value: big } });
  });
});
