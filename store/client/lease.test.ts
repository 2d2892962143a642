// Leases against a real etcd: grant, bind keys, time-to-live, revoke, and keepAlive
// (renewal past the TTL, loss on revoke, survival of broken connections, loss by expiry).

import { afterAll, beforeAll, expect, test } from 'vitest';
import { Code, EtcdClient, LeaseLostError, LeaseNotFoundError } from './index.js';
import { EtcdProcess } from './testing/etcd-process.js';
import { etcdctl, hexIdToDecimal } from './testing/etcdctl.js';
import { TcpProxy } from './testing/tcp-proxy.js';

let etcd: EtcdProcess;
let client: EtcdClient;

beforeAll(async () => {
  etcd = await EtcdProcess.start();
  client = new EtcdClient({ endpoints: etcd.clientUrl });
}, 30_000);

afterAll(async () => {
  client?.close();
  await etcd?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('grant, bind a key, time-to-live with keys, list, revoke', async () => {
  const g = await client.lease.grant(30);
  expect(g.ID).toMatch(/^[1-9]\d*$/);
  expect(g.TTL).toBe('30');
  expect(g.error).toBe('');

  const put = await client.kv.put('/lease/a', 'x', { lease: g.ID });
  expect((await client.kv.range('/lease/a')).kvs[0]!.lease).toBe(g.ID);

  const ttl = await client.lease.timeToLive(g.ID, { keys: true });
  expect(ttl.ID).toBe(g.ID);
  expect(ttl.grantedTTL).toBe('30');
  expect(Number(ttl.TTL)).toBeGreaterThan(25);
  expect(ttl.keys.map((k) => k.toString())).toEqual(['/lease/a']);
  expect((await client.lease.timeToLive(g.ID)).keys).toEqual([]);

  expect((await client.lease.leases()).leases.map((l) => l.ID)).toContain(g.ID);
  // etcdctl prints lease ids in hex: the same 64-bit number, no precision lost on our side.
  const listed = (await etcdctl(etcd.clientUrl, 'lease', 'list')).split('\n').slice(1).filter(Boolean);
  expect(listed.map(hexIdToDecimal)).toContain(g.ID);

  const rev = await client.lease.revoke(g.ID);
  expect(BigInt(rev.header!.revision)).toBeGreaterThan(BigInt(put.header!.revision));
  expect((await client.kv.range('/lease/a')).kvs).toEqual([]);
  expect((await client.lease.timeToLive(g.ID)).TTL).toBe('-1');
  const again = await client.lease.revoke(g.ID).catch((e: unknown) => e);
  expect(again).toBeInstanceOf(LeaseNotFoundError);
  expect((again as LeaseNotFoundError).message).toBe('etcdserver: requested lease not found');
  expect((again as LeaseNotFoundError).code).toBe(Code.NOT_FOUND);
});

test('a lease id above 2^53 chosen by the client survives the round trip exactly', async () => {
  const id = '7587869999000000001'; // > 2^53, < 2^63: a JS number would round it
  const g = await client.lease.grant(10, { id });
  expect(g.ID).toBe(id);
  expect((await client.lease.timeToLive(id)).ID).toBe(id);
  await client.kv.put('/lease/big', 'x', { lease: id });
  expect((await client.kv.range('/lease/big')).kvs[0]!.lease).toBe(id);
  const dup = await client.lease.grant(10, { id }).catch((e: unknown) => e);
  expect((dup as Error).message).toBe('etcdserver: lease already exists');
  await client.lease.revoke(id);
});

test('keepAlive renews past the TTL, and reports loss when the lease is revoked', async () => {
  const g = await client.lease.grant(2);
  await client.kv.put('/lease/kept', 'x', { lease: g.ID });
  const lost: LeaseLostError[] = [];
  const ka = await client.lease.keepAlive(g.ID, { onLost: (e) => lost.push(e) });
  expect(ka.ttl).toBe(2);
  expect(ka.expiresAt).toBeGreaterThan(Date.now());

  await sleep(3500); // well past the 2 s TTL
  expect(Number((await client.lease.timeToLive(g.ID)).TTL)).toBeGreaterThan(0);
  expect((await client.kv.range('/lease/kept')).kvs).toHaveLength(1);
  expect(lost).toEqual([]);

  await client.lease.revoke(g.ID);
  const reason = await Promise.race([ka.closed, sleep(3000).then(() => 'timeout' as const)]);
  expect(reason).toBeInstanceOf(LeaseLostError);
  expect((reason as LeaseLostError).leaseId).toBe(g.ID);
  expect((reason as LeaseLostError).message).toBe('etcdserver: requested lease not found');
  expect(lost).toHaveLength(1);
});

test('keepAlive of a lease that does not exist is refused', async () => {
  const err = await client.lease.keepAlive('424242').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LeaseNotFoundError);
  expect((err as LeaseNotFoundError).message).toBe('etcdserver: requested lease not found');
});

test('keepAlive survives broken connections, and reports loss when it cannot renew in time', async () => {
  const proxy = await TcpProxy.start(etcd.clientPort);
  const viaProxy = new EtcdClient({ endpoints: proxy.url });
  try {
    const g = await client.lease.grant(2);
    const lost: LeaseLostError[] = [];
    const ka = await viaProxy.lease.keepAlive(g.ID, { onLost: (e) => lost.push(e) });
    for (let i = 0; i < 4; i++) {
      await sleep(700);
      proxy.breakConnections();
    }
    await sleep(700);
    expect(proxy.accepted).toBeGreaterThanOrEqual(4); // it did reconnect after each break
    expect(lost).toEqual([]);
    expect(Number((await client.lease.timeToLive(g.ID)).TTL)).toBeGreaterThan(0);

    // Cut off for longer than the TTL: the lease expires on the server, and we must say so.
    proxy.mode = 'refuse';
    proxy.breakConnections();
    const reason = await Promise.race([ka.closed, sleep(4000).then(() => 'timeout' as const)]);
    expect(reason).toBeInstanceOf(LeaseLostError);
    expect((reason as LeaseLostError).message).toMatch(/expired before it could be renewed/);
    expect(lost).toHaveLength(1);
  } finally {
    viaProxy.close();
    await proxy.close();
  }
});
