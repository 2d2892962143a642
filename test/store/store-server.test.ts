// The store-server process across its real boundaries: flags, sockets, disk, signals.

import { afterEach, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../store/client/index.js';
import { TestCluster } from './testing/cluster.js';

const clusters: TestCluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const enc = (s: string) => new TextEncoder().encode(s);

describe('store-server processes', () => {
  it('three members: a write through any member is read from every other; SIGTERM exits 0 and hands over leadership', async () => {
    const c = await TestCluster.start({ program: 'store-server', members: 3 });
    clusters.push(c);
    const clients = c.members.map((m) => new EtcdClient({ endpoints: m.clientUrl }));
    try {
      for (let i = 0; i < 30; i++) await clients[i % 3]!.kv.put(enc(`k${i}`), enc(`v${i}`));
      for (const cl of clients) {
        const r = await cl.kv.range(enc('k'), { rangeEnd: enc('l') });
        expect(r.count).toBe('30');
      }
      const statuses = await Promise.all(clients.map((cl) => cl.maintenance.status()));
      const leaderId = statuses[0]!.leader;
      expect(new Set(statuses.map((s) => s.leader)).size).toBe(1);
      const leader = c.members[statuses.findIndex((s) => s.header?.member_id === leaderId)]!;
      await leader.kill('SIGTERM');
      expect(leader.exitCode()).toBe(0);
      // The others have a new leader at once (handed over), and keep accepting writes.
      const rest = clients.filter((_, i) => c.members[i] !== leader);
      await rest[0]!.kv.put(enc('after'), enc('x'));
      expect((await rest[1]!.kv.range(enc('after'))).kvs.length).toBe(1);
    } finally {
      for (const cl of clients) cl.close();
    }
  });

  it('kill -9 of a member loses nothing that was acknowledged', async () => {
    const c = await TestCluster.start({ program: 'store-server', members: 3 });
    clusters.push(c);
    const client = new EtcdClient({ endpoints: c.members.map((m) => m.clientUrl).join(',') });
    try {
      const acked: string[] = [];
      for (let i = 0; i < 50; i++) {
        // A put forwarded to a member that is then killed may time out: its outcome is unknown,
        // so it is retried (the same key and value) and only an answered put counts as acknowledged.
        for (let attempt = 0; ; attempt++) {
          try {
            await client.kv.put(enc(`key/${i}`), enc(String(i)));
            break;
          } catch (e) {
            if (attempt >= 10) throw e;
          }
        }
        acked.push(`key/${i}`);
        if (i === 20) await c.members[1]!.kill('SIGKILL');
      }
      c.members[1]!.start();
      await c.members[1]!.waitHealthy();
      const direct = new EtcdClient({ endpoints: c.members[1]!.clientUrl });
      try {
        const r = await direct.kv.range(enc('key/'), { rangeEnd: enc('key0') });
        expect(r.kvs.map((kv) => new TextDecoder().decode(kv.key)).sort()).toEqual([...acked].sort());
      } finally {
        direct.close();
      }
    } finally {
      client.close();
    }
  });

  it('lease keep-alives and TTL queries through a follower are answered by the leader; expiry deletes keys everywhere', async () => {
    const c = await TestCluster.start({ program: 'store-server', members: 3 });
    clusters.push(c);
    const clients = c.members.map((m) => new EtcdClient({ endpoints: m.clientUrl }));
    try {
      const statuses = await Promise.all(clients.map((cl) => cl.maintenance.status()));
      const follower = clients[statuses.findIndex((st) => st.header?.member_id !== st.leader)]!;
      const granted = await follower.lease.grant(2);
      await follower.kv.put(enc('held'), enc('v'), { lease: granted.ID });
      const ka = await follower.lease.keepAlive(granted.ID);
      await new Promise((r) => setTimeout(r, 3000)); // longer than the TTL: only keep-alives keep it
      const ttl = await follower.lease.timeToLive(granted.ID, { keys: true });
      expect(Number(ttl.TTL)).toBeGreaterThan(0);
      expect(ttl.keys.map((k) => new TextDecoder().decode(k))).toEqual(['held']);
      ka.close();
      // Without keep-alives the leader expires it and every member deletes the key.
      const deadline = Date.now() + 8000;
      for (;;) {
        const counts = await Promise.all(clients.map((cl) => cl.kv.range(enc('held'), { serializable: true })));
        if (counts.every((r) => r.kvs.length === 0)) break;
        if (Date.now() > deadline) throw new Error('lease did not expire');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await follower.lease.timeToLive(granted.ID)).TTL).toBe('-1');
    } finally {
      for (const cl of clients) cl.close();
    }
  });

  it('a watch opened before kill -9 of a follower and then of the leader sees every revision exactly once', async () => {
    const c = await TestCluster.start({ program: 'store-server', members: 3 });
    clusters.push(c);
    const writer = new EtcdClient({ endpoints: c.members.map((m) => m.clientUrl).join(',') });
    const watcherClient = new EtcdClient({ endpoints: c.members.map((m) => m.clientUrl).join(',') });
    try {
      const watcher = watcherClient.watch(enc('w/'), { prefix: true });
      await watcher.created;
      const seen: bigint[] = [];
      const consume = (async () => {
        for await (const batch of watcher) for (const e of batch.events) seen.push(BigInt(e.kv!.mod_revision));
      })();
      const acked: bigint[] = [];
      const put = async (i: number) => {
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await writer.kv.put(enc(`w/${i}`), enc(String(i)));
            acked.push(BigInt(r.header!.revision));
            return;
          } catch (e) {
            if (attempt > 20) throw e;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      };
      for (let i = 0; i < 20; i++) await put(i);
      const statusClients = c.members.map((m) => new EtcdClient({ endpoints: m.clientUrl }));
      const statuses = await Promise.all(statusClients.map((cl) => cl.maintenance.status()));
      for (const cl of statusClients) cl.close();
      const leaderIdx = statuses.findIndex((st) => st.header?.member_id === st.leader);
      await c.members[(leaderIdx + 1) % 3]!.kill('SIGKILL');
      for (let i = 20; i < 40; i++) await put(i);
      c.members[(leaderIdx + 1) % 3]!.start();
      await c.members[(leaderIdx + 1) % 3]!.waitHealthy();
      await c.members[leaderIdx]!.kill('SIGKILL');
      for (let i = 40; i < 60; i++) await put(i);
      c.members[leaderIdx]!.start();
      await c.members[leaderIdx]!.waitHealthy();
      const last = acked[acked.length - 1]!;
      const deadline = Date.now() + 15000;
      while ((seen[seen.length - 1] ?? 0n) < last && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      watcher.cancel();
      await consume.catch(() => undefined);
      // Exactly once and in order: every acknowledged revision, no gap, no duplicate.
      expect(seen).toEqual([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(new Set(seen).size).toBe(seen.length);
      for (const rev of acked) expect(seen).toContain(rev);
      // Every acknowledged write is on every member, each read locally (serializable).
      for (const m of c.members) {
        const local = new EtcdClient({ endpoints: m.clientUrl });
        try {
          const want = acked.length;
          const deadline2 = Date.now() + 10000;
          let got = 0;
          while (Date.now() < deadline2) {
            got = Number((await local.kv.range(enc('w/'), { prefix: true, serializable: true, countOnly: true })).count);
            if (got >= want) break;
            await new Promise((r) => setTimeout(r, 100));
          }
          expect(got, `member ${m.name}`).toBe(want);
        } finally {
          local.close();
        }
      }
    } finally {
      writer.close();
      watcherClient.close();
    }
  });
});
