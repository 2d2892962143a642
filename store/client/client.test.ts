// The client's connection behaviour against a real etcd (failover, deadlines, retry rules,
// closing) plus the per-member calls: maintenance status and member list, cross-checked
// with etcdctl so that the 64-bit ids are known to be exact.

import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  ClientClosedError,
  Code,
  DeadlineExceededError,
  EtcdClient,
  UnavailableError,
  parseEndpoints,
} from './index.js';
import { EtcdProcess, freePort } from './testing/etcd-process.js';
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

test('maintenance status describes the member', async () => {
  const s = await client.maintenance.status();
  expect(s.version).toMatch(/^3\.\d+\.\d+/);
  expect(s.leader).toBe(s.header!.member_id); // a single member leads itself
  expect(BigInt(s.raftIndex)).toBeGreaterThan(0n);
  expect(BigInt(s.raftTerm)).toBeGreaterThan(0n);
  expect(BigInt(s.raftAppliedIndex)).toBeGreaterThan(0n);
  expect(BigInt(s.dbSize)).toBeGreaterThan(0n);
  expect(BigInt(s.dbSizeInUse)).toBeGreaterThan(0n);
  expect(s.isLearner).toBe(false);
  expect(s.errors).toEqual([]);
  // Asking one named endpoint gives the same member.
  expect((await client.maintenance.status({ endpoint: etcd.clientUrl })).header!.member_id).toBe(s.header!.member_id);
  const version = (await etcdctl(etcd.clientUrl, 'version')).match(/etcdctl version: (\S+)/)?.[1];
  expect(s.version).toBe(version);
});

test('member list matches etcdctl, ids exact to the last bit', async () => {
  const list = await client.cluster.memberList();
  expect(list.members).toHaveLength(1);
  const m = list.members[0]!;
  expect(m.name).toBe('t');
  expect(m.peerURLs).toEqual([etcd.peerUrl]);
  expect(m.clientURLs).toEqual([etcd.clientUrl]);
  expect(m.isLearner).toBe(false);
  expect(m.ID).toBe(list.header!.member_id);
  // etcdctl prints "<hex id>, started, t, <peer>, <client>, <learner>".
  const line = (await etcdctl(etcd.clientUrl, 'member', 'list')).trim();
  expect(hexIdToDecimal(line.split(',')[0]!)).toBe(m.ID);
  // And the cluster id, as `etcdctl endpoint status -w json` would give it... in JSON numbers,
  // which lose precision; hence the hex check above. The linearizable flag is accepted too.
  expect((await client.cluster.memberList({ linearizable: true })).members[0]!.ID).toBe(m.ID);
});

test('fails over from a dead endpoint to a live one, for reads and for writes never sent', async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const c = new EtcdClient({ endpoints: `${dead},${etcd.clientUrl}` });
  try {
    expect(c.currentEndpoint).toBe(parseEndpoints(dead)[0]);
    const put = await c.kv.put('/conn/failover', 'x'); // refused connection: provably not sent, so retried
    expect((await c.kv.range('/conn/failover')).kvs[0]!.mod_revision).toBe(put.header!.revision);
    expect(c.currentEndpoint).toBe(`127.0.0.1:${etcd.clientPort}`);
  } finally {
    c.close();
  }
});

test('a write that may have reached a server is not retried elsewhere; a read is', async () => {
  const proxy = await TcpProxy.start(etcd.clientPort);
  const c = new EtcdClient({ endpoints: [proxy.url, etcd.clientUrl] });
  try {
    await c.kv.range('/conn/warm-up'); // the connection through the proxy is now established
    proxy.mode = 'blackhole';
    const put = c.kv.put('/conn/maybe', 'x').catch((e: unknown) => e);
    await sleep(300); // the request went into a connection that no longer delivers
    proxy.breakConnections();
    const err = await put;
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as UnavailableError).code).toBe(Code.UNAVAILABLE);
    // Not retried on the live endpoint, where it would have been applied.
    expect((await client.kv.range('/conn/maybe')).kvs).toEqual([]);
    expect(c.currentEndpoint).toBe(`127.0.0.1:${etcd.clientPort}`); // but the client did move on
  } finally {
    c.close();
  }

  const c2 = new EtcdClient({ endpoints: [proxy.url, etcd.clientUrl] });
  try {
    proxy.mode = 'forward';
    await c2.kv.put('/conn/read', 'y');
    proxy.mode = 'blackhole';
    const read = c2.kv.range('/conn/read');
    await sleep(300);
    proxy.breakConnections();
    expect((await read).kvs[0]!.value.toString()).toBe('y'); // the same failure, retried for a read
  } finally {
    c2.close();
    await proxy.close();
  }
});

test('per-call deadlines: a server that never answers gives DEADLINE_EXCEEDED in time', async () => {
  const hole = await TcpProxy.start(etcd.clientPort);
  hole.mode = 'blackhole';
  const c = new EtcdClient({ endpoints: hole.url, callTimeoutMs: 400 });
  try {
    let t0 = Date.now();
    const err = await c.kv.range('/conn/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect((err as DeadlineExceededError).code).toBe(Code.DEADLINE_EXCEEDED);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(Date.now() - t0).toBeLessThan(2000);
    t0 = Date.now();
    await expect(c.kv.range('/conn/x', { timeoutMs: 150 })).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - t0).toBeLessThan(1000);
  } finally {
    c.close();
    await hole.close();
  }
});

test('with every endpoint down, calls fail with UNAVAILABLE within their deadline', async () => {
  const c = new EtcdClient({ endpoints: `http://127.0.0.1:${await freePort()}`, callTimeoutMs: 600 });
  try {
    const t0 = Date.now();
    const err = await c.kv.range('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as UnavailableError).message).toMatch(/No connection established/);
    expect(Date.now() - t0).toBeLessThan(2000);
  } finally {
    c.close();
  }
});

test('a closed client refuses calls and ends its watchers', async () => {
  const c = new EtcdClient({ endpoints: etcd.clientUrl });
  const w = c.watch('/conn/closed/', { prefix: true });
  await w.created;
  c.close();
  await expect(w[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(ClientClosedError);
  await expect(c.kv.range('/x')).rejects.toBeInstanceOf(ClientClosedError);
});

test('endpoint parsing', () => {
  expect(parseEndpoints('http://127.0.0.1:2379, http://10.0.0.2:22379')).toEqual(['127.0.0.1:2379', '10.0.0.2:22379']);
  expect(parseEndpoints(['localhost:2379'])).toEqual(['localhost:2379']);
  expect(() => parseEndpoints('https://127.0.0.1:2379')).toThrow(/only http/);
  expect(() => parseEndpoints('')).toThrow(/no endpoints/);
  expect(() => parseEndpoints('http://127.0.0.1')).toThrow(/no port/);
});
