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
        await client.kv.put(enc(`key/${i}`), enc(String(i)));
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
});
