// The loader's contract, without a server: services and method paths as etcd names them,
// 64-bit integers as exact decimal strings, bytes as Buffer, enums by name, defaults filled,
// oneofs named. (Field numbers are proven against a real etcd in store/client/*.test.ts.)

import { existsSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, test } from 'vitest';
import { EtcdClient } from '../../client/index.js';
import { loadEtcdServices, protoRoot, PROTO_FILES, type KVHandlers, type WatchHandlers } from './load.js';

const services = loadEtcdServices();

describe('services', () => {
  test('every service and method at etcd path, with its streaming shape', () => {
    const shape = (m: { requestStream: boolean; responseStream: boolean }) =>
      m.requestStream ? (m.responseStream ? 'bidi' : 'client') : m.responseStream ? 'server' : 'unary';
    const table = Object.fromEntries(
      Object.entries(services).flatMap(([, svc]) =>
        Object.entries(svc as Record<string, { path: string; requestStream: boolean; responseStream: boolean }>).map(
          ([, m]) => [m.path, shape(m)],
        ),
      ),
    );
    expect(table).toEqual({
      '/etcdserverpb.KV/Range': 'unary',
      '/etcdserverpb.KV/Put': 'unary',
      '/etcdserverpb.KV/DeleteRange': 'unary',
      '/etcdserverpb.KV/Txn': 'unary',
      '/etcdserverpb.KV/Compact': 'unary',
      '/etcdserverpb.Watch/Watch': 'bidi',
      '/etcdserverpb.Lease/LeaseGrant': 'unary',
      '/etcdserverpb.Lease/LeaseRevoke': 'unary',
      '/etcdserverpb.Lease/LeaseKeepAlive': 'bidi',
      '/etcdserverpb.Lease/LeaseTimeToLive': 'unary',
      '/etcdserverpb.Lease/LeaseLeases': 'unary',
      '/etcdserverpb.Cluster/MemberAdd': 'unary',
      '/etcdserverpb.Cluster/MemberRemove': 'unary',
      '/etcdserverpb.Cluster/MemberUpdate': 'unary',
      '/etcdserverpb.Cluster/MemberList': 'unary',
      '/etcdserverpb.Cluster/MemberPromote': 'unary',
      '/etcdserverpb.Maintenance/Alarm': 'unary',
      '/etcdserverpb.Maintenance/Status': 'unary',
      '/etcdserverpb.Maintenance/Defragment': 'unary',
      '/etcdserverpb.Maintenance/Hash': 'unary',
      '/etcdserverpb.Maintenance/HashKV': 'unary',
      '/etcdserverpb.Maintenance/Snapshot': 'server',
      '/etcdserverpb.Maintenance/MoveLeader': 'unary',
      '/etcdserverpb.Maintenance/Downgrade': 'unary',
      '/v3lockpb.Lock/Lock': 'unary',
      '/v3lockpb.Lock/Unlock': 'unary',
      '/v3electionpb.Election/Campaign': 'unary',
      '/v3electionpb.Election/Proclaim': 'unary',
      '/v3electionpb.Election/Leader': 'unary',
      '/v3electionpb.Election/Observe': 'server',
      '/v3electionpb.Election/Resign': 'unary',
    });
  });

  test('the proto root is found next to the module and holds every file', () => {
    const root = protoRoot();
    for (const f of PROTO_FILES) expect(existsSync(`${root.replace(/\/?$/, '/')}${f}`)).toBe(true);
  });
});

describe('encoding', () => {
  test('64-bit integers are exact decimal strings both ways, beyond 2^53 and negative', () => {
    const m = services.Lease.LeaseGrant;
    const resp = m.responseDeserialize(
      m.responseSerialize({ ID: '9223372036854775807', TTL: '-1', header: { cluster_id: '18446744073709551615', member_id: '9007199254740993' } }),
    );
    expect(resp.ID).toBe('9223372036854775807'); // int64 max
    expect(resp.TTL).toBe('-1');
    expect(resp.header!.cluster_id).toBe('18446744073709551615'); // uint64 max
    expect(resp.header!.member_id).toBe('9007199254740993'); // 2^53 + 1: a JS number would say ...992
    expect(resp.header!.revision).toBe('0'); // defaults are filled, as strings
  });

  test('bytes are Buffers, enums are names, defaults present, message fields null when absent', () => {
    const m = services.KV.Range;
    const req = m.requestDeserialize(
      m.requestSerialize({ key: Buffer.from([0, 255]), sort_order: 'DESCEND', sort_target: 'MOD', limit: '10' }),
    );
    expect(Buffer.isBuffer(req.key)).toBe(true);
    expect([...req.key]).toEqual([0, 255]);
    expect(Buffer.isBuffer(req.range_end) && req.range_end.length).toBe(0);
    expect(req.sort_order).toBe('DESCEND');
    expect(req.sort_target).toBe('MOD');
    expect(req.limit).toBe('10');
    expect(req.count_only).toBe(false);
    const resp = m.responseDeserialize(m.responseSerialize({}));
    expect(resp).toEqual({ header: null, kvs: [], more: false, count: '0' });
  });

  test('oneofs: the virtual field names the member that is set', () => {
    const w = services.Watch.Watch;
    const create = w.requestDeserialize(
      w.requestSerialize({ create_request: { key: Buffer.from('a'), filters: ['NOPUT', 'NODELETE'], start_revision: '5' } }),
    );
    expect(create.request_union).toBe('create_request');
    if (create.request_union !== 'create_request') throw new Error('unreachable');
    expect(create.create_request.filters).toEqual(['NOPUT', 'NODELETE']);
    expect(create.create_request.start_revision).toBe('5');
    expect(w.requestDeserialize(w.requestSerialize({ progress_request: {} })).request_union).toBe('progress_request');
    expect(w.requestDeserialize(w.requestSerialize({ cancel_request: { watch_id: '0' } })).request_union).toBe('cancel_request');

    const t = services.KV.Txn;
    const txn = t.requestDeserialize(
      t.requestSerialize({
        compare: [{ target: 'VALUE', result: 'NOT_EQUAL', key: Buffer.from('k'), value: Buffer.from('v') }],
        success: [{ request_delete_range: { key: Buffer.from('k') } }],
      }),
    );
    const c = txn.compare[0]!;
    expect(c.target_union).toBe('value');
    expect(c.result).toBe('NOT_EQUAL');
    expect(txn.success[0]!.request).toBe('request_delete_range');
    // Members of a oneof that are not set stay absent (not defaulted).
    expect('mod_revision' in c).toBe(false);
  });

  test('field 64 of Compare and field 11 of WatchResponse are where etcd puts them', () => {
    // Hand-made wire bytes: Compare{range_end(64)="z"} and WatchResponse{events(11)=[Event{type(1)=DELETE}]}.
    const compareBytes = Buffer.from([0x82, 0x04, 0x01, 0x7a]); // tag (64<<3|2) as varint, len 1, 'z'
    const txn = services.KV.Txn.requestDeserialize(Buffer.concat([Buffer.from([0x0a, compareBytes.length]), compareBytes]));
    expect(txn.compare[0]!.range_end.toString()).toBe('z');
    const eventBytes = Buffer.from([0x08, 0x01]);
    const wr = services.Watch.Watch.responseDeserialize(Buffer.from([0x5a, eventBytes.length, ...eventBytes]));
    expect(wr.events.map((e) => e.type)).toEqual(['DELETE']);
  });
});

describe('serving', () => {
  test('the definitions serve with grpc-js: typed handlers, partial responses, our client on the other end', async () => {
    const unimplemented = (_call: unknown, cb: grpc.sendUnaryData<never>) =>
      cb({ code: grpc.status.UNIMPLEMENTED, details: 'not in this test' }, null);
    const kv: KVHandlers = {
      Range: (call, cb) =>
        cb(null, {
          header: { revision: '9007199254740993', member_id: '18446744073709551615' },
          kvs: [{ key: call.request.key, value: Buffer.from(`limit=${call.request.limit}`), mod_revision: '7' }],
          count: '1',
        }),
      Put: unimplemented,
      DeleteRange: unimplemented,
      Txn: unimplemented,
      Compact: (_call, cb) =>
        cb({ code: grpc.status.OUT_OF_RANGE, details: 'etcdserver: mvcc: required revision has been compacted' }, null),
    };
    const watch: WatchHandlers = {
      Watch: (call) => {
        call.on('data', (req) => {
          if (req.request_union === 'create_request') {
            call.write({ header: { revision: '5' }, watch_id: '0', created: true });
            call.write({
              header: { revision: '6' },
              watch_id: '0',
              events: [{ type: 'PUT', kv: { key: req.create_request.key, mod_revision: '6', value: Buffer.from('v') } }],
            });
          }
        });
      },
    };
    const server = new grpc.Server();
    server.addService(services.KV, kv);
    server.addService(services.Watch, watch);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const client = new EtcdClient({ endpoints: `http://127.0.0.1:${port}` });
    try {
      const r = await client.kv.range('/k', { limit: 3 });
      expect(r.header!.revision).toBe('9007199254740993');
      expect(r.header!.member_id).toBe('18446744073709551615');
      expect(r.kvs.map((k) => [k.key.toString(), k.value.toString(), k.mod_revision, k.version])).toEqual([
        ['/k', 'limit=3', '7', '0'],
      ]);
      await expect(client.kv.compact('1')).rejects.toMatchObject({ name: 'CompactedError', code: grpc.status.OUT_OF_RANGE });
      const w = client.watch('/w');
      expect(await w.created).toBe('5');
      const first = await w[Symbol.asyncIterator]().next();
      if (first.done) throw new Error('watcher ended');
      expect(first.value.events.map((e) => e.kv?.mod_revision)).toEqual(['6']);
      w.cancel();
    } finally {
      client.close();
      server.forceShutdown();
    }
  });
});
