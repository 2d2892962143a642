// KV through our .proto files and client against a real etcd: if a field number or type
// were wrong, etcd would misread the request or we would misread its answer.

import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  Code,
  CompactedError,
  EtcdClient,
  EtcdError,
  FutureRevisionError,
  LeaseNotFoundError,
  cmp,
  op,
  prefixEnd,
  type RangeOptions,
} from './index.js';
import { EtcdProcess } from './testing/etcd-process.js';

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

const str = (b: Buffer | undefined): string | undefined => b?.toString('utf8');
const keysOf = async (key: string, o: RangeOptions): Promise<string[]> =>
  (await client.kv.range(key, o)).kvs.map((kv) => kv.key.toString());
const next = (rev: string, by = 1n): string => (BigInt(rev) + by).toString();

test('put then range returns every field of the stored record, and the header', async () => {
  const p1 = await client.kv.put('/kv/a', 'one');
  const rev1 = p1.header!.revision;
  expect(BigInt(rev1)).toBeGreaterThan(1n);
  expect(p1.prev_kv).toBeNull();

  const r1 = await client.kv.range('/kv/a');
  expect(r1.count).toBe('1');
  expect(r1.more).toBe(false);
  expect(r1.kvs).toHaveLength(1);
  const kv = r1.kvs[0]!;
  expect(str(kv.key)).toBe('/kv/a');
  expect(str(kv.value)).toBe('one');
  expect(kv.create_revision).toBe(rev1);
  expect(kv.mod_revision).toBe(rev1);
  expect(kv.version).toBe('1');
  expect(kv.lease).toBe('0');
  // ids are 64-bit: decimal strings, and etcd's are non-zero
  expect(r1.header!.cluster_id).toMatch(/^[1-9]\d*$/);
  expect(r1.header!.member_id).toMatch(/^[1-9]\d*$/);
  expect(r1.header!.raft_term).toMatch(/^[1-9]\d*$/);
  expect(r1.header!.revision).toBe(rev1);

  const p2 = await client.kv.put('/kv/a', 'two', { prevKv: true });
  expect(p2.header!.revision).toBe(next(rev1));
  expect(str(p2.prev_kv!.value)).toBe('one');
  expect(p2.prev_kv!.mod_revision).toBe(rev1);

  const r2 = (await client.kv.range('/kv/a')).kvs[0]!;
  expect(r2.version).toBe('2');
  expect(r2.create_revision).toBe(rev1);
  expect(r2.mod_revision).toBe(p2.header!.revision);

  expect((await client.kv.range('/kv/missing')).kvs).toEqual([]);
});

test('range over a prefix: limit and more, sorting, keys_only, count_only, explicit range_end', async () => {
  for (const k of ['c', 'a', 'e', 'b', 'd']) await client.kv.put(`/pfx/${k}`, `v-${k}`);
  // Neighbours that a wrong prefix end would include.
  await client.kv.put('/pfx0', 'after');
  await client.kv.put('/pfw', 'before');

  expect(await keysOf('/pfx/', { prefix: true })).toEqual(['/pfx/a', '/pfx/b', '/pfx/c', '/pfx/d', '/pfx/e']);

  const limited = await client.kv.range('/pfx/', { prefix: true, limit: 2 });
  expect(limited.kvs.map((kv) => str(kv.key))).toEqual(['/pfx/a', '/pfx/b']);
  expect(limited.more).toBe(true);
  expect(limited.count).toBe('5');
  const all = await client.kv.range('/pfx/', { prefix: true, limit: 5 });
  expect(all.more).toBe(false);

  expect(await keysOf('/pfx/', { prefix: true, sortOrder: 'DESCEND', sortTarget: 'KEY' })).toEqual([
    '/pfx/e',
    '/pfx/d',
    '/pfx/c',
    '/pfx/b',
    '/pfx/a',
  ]);
  // Creation order was c a e b d.
  expect(await keysOf('/pfx/', { prefix: true, sortOrder: 'DESCEND', sortTarget: 'CREATE' })).toEqual([
    '/pfx/d',
    '/pfx/b',
    '/pfx/e',
    '/pfx/a',
    '/pfx/c',
  ]);
  expect(await keysOf('/pfx/', { prefix: true, sortOrder: 'ASCEND', sortTarget: 'MOD', limit: 2 })).toEqual([
    '/pfx/c',
    '/pfx/a',
  ]);

  const keysOnly = await client.kv.range('/pfx/', { prefix: true, keysOnly: true });
  expect(keysOnly.kvs).toHaveLength(5);
  expect(keysOnly.kvs.every((kv) => kv.value.length === 0 && kv.key.length > 0)).toBe(true);

  const countOnly = await client.kv.range('/pfx/', { prefix: true, countOnly: true });
  expect(countOnly.kvs).toEqual([]);
  expect(countOnly.count).toBe('5');

  expect(await keysOf('/pfx/b', { rangeEnd: '/pfx/d' })).toEqual(['/pfx/b', '/pfx/c']);
  expect(await keysOf('/pfx/e', { fromKey: true, limit: 2 })).toEqual(['/pfx/e', '/pfx0']);
});

test('range at a past revision, and the mod/create revision filters', async () => {
  const r1 = (await client.kv.put('/rev/k', 'v1')).header!.revision;
  const r2 = (await client.kv.put('/rev/k', 'v2')).header!.revision;
  const old = await client.kv.range('/rev/k', { revision: r1 });
  expect(str(old.kvs[0]!.value)).toBe('v1');
  expect(old.header!.revision).toBe(r2); // the header tells the current revision, not the one read
  expect(str((await client.kv.range('/rev/k', { revision: r2 })).kvs[0]!.value)).toBe('v2');

  const ra = (await client.kv.put('/mm/a', '1')).header!.revision;
  const rb = (await client.kv.put('/mm/b', '1')).header!.revision;
  await client.kv.put('/mm/c', '1');
  await client.kv.put('/mm/a', '2'); // a: created ra, modified last
  expect(await keysOf('/mm/', { prefix: true, minModRevision: next(rb) })).toEqual(['/mm/a', '/mm/c']);
  expect(await keysOf('/mm/', { prefix: true, maxModRevision: rb })).toEqual(['/mm/b']);
  expect(await keysOf('/mm/', { prefix: true, maxCreateRevision: rb })).toEqual(['/mm/a', '/mm/b']);
  expect(await keysOf('/mm/', { prefix: true, minCreateRevision: next(ra) })).toEqual(['/mm/b', '/mm/c']);
});

test('txn: compares pick the branch, each operation answers in order, all at one revision', async () => {
  const rx = (await client.kv.put('/txn/x', '1')).header!.revision;
  const guard = [cmp.modRevision('/txn/x', '=', rx), cmp.value('/txn/x', '=', '1'), cmp.version('/txn/x', '>', '0')];

  const t1 = await client.kv.txn({
    compare: guard,
    success: [op.put('/txn/x', '2'), op.put('/txn/y', 'new', { prevKv: true }), op.range('/txn/', { prefix: true })],
    failure: [op.range('/txn/x')],
  });
  expect(t1.succeeded).toBe(true);
  expect(t1.header!.revision).toBe(next(rx)); // one revision for the whole transaction
  expect(t1.responses.map((r) => r.response)).toEqual(['response_put', 'response_put', 'response_range']);
  const listed = t1.responses[2];
  if (listed?.response !== 'response_range') throw new Error('expected a range response');
  expect(listed.response_range.kvs.map((kv) => [str(kv.key), str(kv.value), kv.mod_revision])).toEqual([
    ['/txn/x', '2', next(rx)],
    ['/txn/y', 'new', next(rx)],
  ]);

  // Same guard again: now stale, so the failure branch runs and nothing is written.
  const t2 = await client.kv.txn({ compare: guard, success: [op.put('/txn/x', '3')], failure: [op.range('/txn/x')] });
  expect(t2.succeeded).toBe(false);
  expect(t2.header!.revision).toBe(next(rx));
  const failed = t2.responses[0];
  if (failed?.response !== 'response_range') throw new Error('expected a range response');
  expect(str(failed.response_range.kvs[0]!.value)).toBe('2');

  // Create-if-absent, the apiserver's create.
  const createZ = () =>
    client.kv.txn({ compare: [cmp.modRevision('/txn/z', '=', '0')], success: [op.put('/txn/z', 'z')], failure: [] });
  expect((await createZ()).succeeded).toBe(true);
  expect((await createZ()).succeeded).toBe(false);

  // The other targets and results, a compare over a range, and a nested txn.
  const t3 = await client.kv.txn({
    compare: [
      cmp.lease('/txn/x', '=', '0'),
      cmp.value('/txn/x', '!=', '1'),
      cmp.createRevision('/txn/x', '<', next(rx)),
      cmp.version('/txn/', '>', '0', { prefix: true }),
    ],
    success: [op.txn({ compare: [cmp.value('/txn/y', '=', 'nope')], success: [], failure: [op.delete('/txn/z', { prevKv: true })] })],
  });
  expect(t3.succeeded).toBe(true);
  const nested = t3.responses[0];
  if (nested?.response !== 'response_txn') throw new Error('expected a txn response');
  expect(nested.response_txn.succeeded).toBe(false);
  const del = nested.response_txn.responses[0];
  if (del?.response !== 'response_delete_range') throw new Error('expected a delete response');
  expect(del.response_delete_range.deleted).toBe('1');
  expect(str(del.response_delete_range.prev_kvs[0]!.value)).toBe('z');
  expect((await client.kv.txn({ compare: [cmp.createRevision('/txn/', '=', '0', { prefix: true })] })).succeeded).toBe(false);
});

test('delete with prev_kv returns what it deleted', async () => {
  for (const k of ['a', 'b', 'c']) await client.kv.put(`/del/${k}`, `v-${k}`);
  const one = await client.kv.delete('/del/a', { prevKv: true });
  expect(one.deleted).toBe('1');
  expect(one.prev_kvs.map((kv) => [str(kv.key), str(kv.value)])).toEqual([['/del/a', 'v-a']]);
  const rest = await client.kv.delete('/del/', { prefix: true, prevKv: true });
  expect(rest.deleted).toBe('2');
  expect(rest.prev_kvs.map((kv) => str(kv.key))).toEqual(['/del/b', '/del/c']);
  const none = await client.kv.delete('/del/', { prefix: true });
  expect(none.deleted).toBe('0');
  expect(none.prev_kvs).toEqual([]);
  expect((await client.kv.range('/del/', { prefix: true, countOnly: true })).count).toBe('0');
});

test('binary keys and values round-trip byte for byte; a prefix ending in 0xff', async () => {
  const key = Buffer.from([0x62, 0xff, 0x00, 0x80]);
  const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  await client.kv.put(key, value);
  const got = (await client.kv.range(key)).kvs[0]!;
  expect(got.key.equals(key)).toBe(true);
  expect(got.value.equals(value)).toBe(true);
  expect(prefixEnd(Buffer.from([0x62, 0xff]))).toEqual(Buffer.from([0x63]));
  expect((await client.kv.range(Buffer.from([0x62, 0xff]), { prefix: true })).kvs).toHaveLength(1);
});

test("etcd's errors keep their gRPC code and exact message", async () => {
  const expectError = async (p: Promise<unknown>, code: Code, message: string): Promise<EtcdError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EtcdError);
    const e = err as EtcdError;
    expect({ code: e.code, message: e.message }).toEqual({ code, message });
    return e;
  };
  const empty = await expectError(client.kv.put('', 'x'), Code.INVALID_ARGUMENT, 'etcdserver: key is not provided');
  expect(empty.kind).toBe('EmptyKey');
  expect(empty.method).toBe('/etcdserverpb.KV/Put');
  await expectError(client.kv.put('/err/none', '', { ignoreValue: true }), Code.INVALID_ARGUMENT, 'etcdserver: key not found');
  const noLease = await expectError(
    client.kv.put('/err/k', 'v', { lease: '123456789' }),
    Code.NOT_FOUND,
    'etcdserver: requested lease not found',
  );
  expect(noLease).toBeInstanceOf(LeaseNotFoundError);
  await expectError(
    client.kv.txn({ success: [op.put('/err/dup', '1'), op.put('/err/dup', '2')] }),
    Code.INVALID_ARGUMENT,
    'etcdserver: duplicate key given in txn request',
  );
});

// Last: compaction makes older revisions unreadable for the tests above.
test('compaction: reading a compacted revision fails with etcd exact error; a future revision too', async () => {
  const r1 = (await client.kv.put('/cmp/k', 'v1')).header!.revision;
  const r2 = (await client.kv.put('/cmp/k', 'v2')).header!.revision;
  const r3 = (await client.kv.put('/cmp/k', 'v3')).header!.revision;
  const c = await client.kv.compact(r2, { physical: true });
  expect(c.header!.revision).toBe(r3);

  const err = await client.kv.range('/cmp/k', { revision: r1 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CompactedError);
  expect((err as CompactedError).message).toBe('etcdserver: mvcc: required revision has been compacted');
  expect((err as CompactedError).code).toBe(Code.OUT_OF_RANGE);
  expect((err as CompactedError).kind).toBe('Compacted');
  // The compaction revision itself stays readable.
  expect(str((await client.kv.range('/cmp/k', { revision: r2 })).kvs[0]!.value)).toBe('v2');
  // Compacting to the same revision again is refused the same way.
  await expect(client.kv.compact(r2)).rejects.toBeInstanceOf(CompactedError);

  const future = next(r3, 1000n);
  const ferr = await client.kv.range('/cmp/k', { revision: future }).catch((e: unknown) => e);
  expect(ferr).toBeInstanceOf(FutureRevisionError);
  expect((ferr as FutureRevisionError).message).toBe('etcdserver: mvcc: required revision is a future revision');
  expect((ferr as FutureRevisionError).code).toBe(Code.OUT_OF_RANGE);
  await expect(client.kv.compact(future)).rejects.toBeInstanceOf(FutureRevisionError);
});
