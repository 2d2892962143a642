// raftRequestBytes must equal the protobuf encoding etcd measures: checked against protobufjs
// encoding the same requests with etcd's own .proto.

import { describe, expect, it } from 'vitest';
import { etcdRoot } from '../gateway/codec.js';
import type * as R from '../state/requests.js';
import { raftRequestBytes } from './request-size.js';

const b = (s: string) => new Uint8Array(Buffer.from(s));
const HEADER = 14; // field 100 tag (2) + length (1) + RequestHeader{ID: ten-byte varint} (11)
const varintLen = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4);
const wrapped = (len: number) => HEADER + 1 + varintLen(len) + len;

describe('raftRequestBytes', () => {
  it('a put, small and near the size limit', () => {
    const PutRequest = etcdRoot().lookupType('etcdserverpb.PutRequest');
    for (const value of [b('v'), new Uint8Array(1_572_800)]) {
      const put: R.PutRequest = { key: b('some/key'), value, lease: 7587869999000000011n, prevKv: true };
      const len = PutRequest.encode(PutRequest.fromObject({ key: put.key, value, lease: '7587869999000000011', prev_kv: true })).finish().length;
      expect(raftRequestBytes({ put })).toBe(wrapped(len));
    }
  });

  it('a txn with compares of every target, nested ops and ranges', () => {
    const TxnRequest = etcdRoot().lookupType('etcdserverpb.TxnRequest');
    const txn: R.TxnRequest = {
      compare: [
        { result: 'GREATER', target: 'MOD', key: b('a'), number: 0 },
        { result: 'EQUAL', target: 'VALUE', key: b('b'), value: b('xyz') },
        { result: 'NOT_EQUAL', target: 'VERSION', key: b('c'), number: 300, rangeEnd: b('d') },
        { result: 'LESS', target: 'LEASE', key: b('e'), lease: 12345n },
        { result: 'EQUAL', target: 'CREATE', key: b('f'), number: 0 },
      ],
      success: [
        { put: { key: b('k'), value: b('v') } },
        { range: { key: b('r'), rangeEnd: b('s'), limit: 10, revision: 5, sortOrder: 'DESCEND', sortTarget: 'MOD', keysOnly: true } },
        { deleteRange: { key: b('d'), prevKv: true } },
      ],
      failure: [{ txn: { compare: [], success: [{ put: { key: b('n'), value: b('1') } }], failure: [] } }],
    };
    const wire = {
      compare: [
        { result: 'GREATER', target: 'MOD', key: b('a'), mod_revision: 0 },
        // Go's encoder omits zero enums (EQUAL, VERSION); protobufjs writes any field that is set.
        { target: 'VALUE', key: b('b'), value: b('xyz') },
        { result: 'NOT_EQUAL', key: b('c'), version: 300, range_end: b('d') },
        { result: 'LESS', target: 'LEASE', key: b('e'), lease: 12345 },
        { target: 'CREATE', key: b('f'), create_revision: 0 },
      ],
      success: [
        { request_put: { key: b('k'), value: b('v') } },
        { request_range: { key: b('r'), range_end: b('s'), limit: 10, revision: 5, sort_order: 'DESCEND', sort_target: 'MOD', keys_only: true } },
        { request_delete_range: { key: b('d'), prev_kv: true } },
      ],
      failure: [{ request_txn: { success: [{ request_put: { key: b('n'), value: b('1') } }] } }],
    };
    const msg = TxnRequest.fromObject(wire);
    const len = TxnRequest.encode(msg).finish().length;
    expect(raftRequestBytes({ txn })).toBe(wrapped(len));
  });
});
