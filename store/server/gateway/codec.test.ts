// The gateway's JSON reading and the JSON <-> etcd message rules, without a server.

import { describe, expect, it } from 'vitest';
import { decodeRequest, encodeResponse, etcdRoot, RequestFormatError } from './codec.js';
import { JsonNumber, JsonStreamReader, JsonSyntaxError, parseJson } from './json.js';

const type = (name: string) => etcdRoot().lookupType(name);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('gateway JSON reader', () => {
  it('keeps every digit of a 64-bit number and reads the usual JSON', () => {
    const v = parseJson('{"ID": 18446744073709551615, "a": [true, false, null, "x\\u00e9\\n"], "n": -1.5e3}') as Record<string, unknown>;
    expect(v['ID']).toEqual(new JsonNumber('18446744073709551615'));
    expect(v['a']).toEqual([true, false, null, 'x\u00e9\n']);
    expect(v['n']).toEqual(new JsonNumber('-1.5e3'));
    expect(parseJson(' 42 ')).toEqual(new JsonNumber('42'));
  });

  it('says where malformed JSON goes wrong', () => {
    expect(() => parseJson('{bad')).toThrow(/malformed JSON: expected a string as object key, found "b" at position 1/);
    expect(() => parseJson('{"a":1')).toThrow(/unexpected end of input/);
    expect(() => parseJson('{"a":1} x')).toThrow(/after the value/);
    expect(() => parseJson('{"a":01}')).toThrow(JsonSyntaxError);
    expect(() => parseJson('[1,]')).toThrow(JsonSyntaxError);
  });

  it('reads a stream of values across arbitrary chunk boundaries', () => {
    const text = '{"create_request":{"key":"YQ=="}}\n{"progress_request":{}} {"x": 12345}';
    for (let cut = 0; cut <= text.length; cut++) {
      const r = new JsonStreamReader();
      const got = [...r.push(text.slice(0, cut)), ...r.push(text.slice(cut)), ...r.end()];
      expect(got).toHaveLength(3);
      expect(got[2]).toEqual({ x: new JsonNumber('12345') });
    }
    const r = new JsonStreamReader();
    expect(r.push('{"a":')).toEqual([]);
    expect(() => r.end()).toThrow(/unexpected end of input/);
    expect(() => new JsonStreamReader().push('{"a":1}}')).toThrow(JsonSyntaxError);
  });
});

describe('gateway request decoding', () => {
  it('gives the handlers what proto-loader gives them: every field, int64 as strings, bytes as Buffer, oneofs named', () => {
    const r = decodeRequest(type('etcdserverpb.RangeRequest'), parseJson(`{"key":"${b64('foo')}","rangeEnd":"${b64('fop')}","limit":"10","sort_order":"DESCEND","revision":7}`)) as Record<string, unknown>;
    expect(Buffer.isBuffer(r['key'])).toBe(true);
    expect((r['key'] as Buffer).toString()).toBe('foo');
    expect((r['range_end'] as Buffer).toString()).toBe('fop');
    expect(r['limit']).toBe('10');
    expect(r['revision']).toBe('7');
    expect(r['sort_order']).toBe('DESCEND');
    expect(r['sort_target']).toBe('KEY');
    expect(r['serializable']).toBe(false);
    expect(r['min_mod_revision']).toBe('0');

    const w = decodeRequest(type('etcdserverpb.WatchRequest'), parseJson(`{"create_request":{"key":"${b64('a')}","filters":["NODELETE"],"start_revision":3}}`)) as Record<string, unknown>;
    expect(w['request_union']).toBe('create_request');
    expect((w['create_request'] as Record<string, unknown>)['filters']).toEqual(['NODELETE']);

    const t = decodeRequest(
      type('etcdserverpb.TxnRequest'),
      parseJson(`{"compare":[{"target":"CREATE","key":"${b64('k')}","createRevision":"0"}],"success":[{"requestPut":{"key":"${b64('k')}","value":"${b64('v')}"}}]}`),
    ) as { compare: Record<string, unknown>[]; success: Record<string, unknown>[] };
    // A oneof member set to zero is still set: the compare is "create_revision = 0", not "no target value".
    expect(t.compare[0]!['target_union']).toBe('create_revision');
    expect(t.compare[0]!['result']).toBe('EQUAL');
    expect(t.success[0]!['request']).toBe('request_put');
  });

  it('keeps 64-bit ids exact, whether numbers or strings', () => {
    const big = '18446744073709551615';
    expect((decodeRequest(type('etcdserverpb.MoveLeaderRequest'), parseJson(`{"targetID":${big}}`)) as Record<string, unknown>)['targetID']).toBe(big);
    expect((decodeRequest(type('etcdserverpb.LeaseRevokeRequest'), parseJson('{"ID":"7587870000000000001"}')) as Record<string, unknown>)['ID']).toBe('7587870000000000001');
    expect((decodeRequest(type('etcdserverpb.LeaseGrantRequest'), parseJson('{"TTL":1e1}')) as Record<string, unknown>)['TTL']).toBe('10');
  });

  it('treats null and an empty body as defaults and ignores unknown fields', () => {
    const r = decodeRequest(type('etcdserverpb.PutRequest'), parseJson('{"key":null,"no_such_field":{"x":1}}')) as Record<string, unknown>;
    expect((r['key'] as Buffer).length).toBe(0);
    expect((decodeRequest(type('etcdserverpb.StatusRequest'), null) as object)).toEqual({});
  });

  it('refuses values of the wrong kind with a message naming the field', () => {
    const bad = (t: string, json: string) => () => decodeRequest(type(t), parseJson(json));
    expect(bad('etcdserverpb.RangeRequest', '{"limit":"abc"}')).toThrow(/field "limit": expected a 64-bit integer/);
    expect(bad('etcdserverpb.RangeRequest', '{"serializable":"true"}')).toThrow(/field "serializable": expected true or false/);
    expect(bad('etcdserverpb.RangeRequest', '{"key":"not base64!"}')).toThrow(/field "key": expected base64-encoded bytes/);
    expect(bad('etcdserverpb.RangeRequest', '{"sort_order":"UP"}')).toThrow(/field "sort_order": expected one of NONE, ASCEND, DESCEND/);
    expect(bad('etcdserverpb.RangeRequest', '{"revision":1.5}')).toThrow(RequestFormatError);
    expect(bad('etcdserverpb.MemberListRequest', '{"linearizable":1}')).toThrow(RequestFormatError);
    expect(bad('etcdserverpb.TxnRequest', '{"success":[{"request_put":{"lease":"-1x"}}]}')).toThrow(/field "success\[0\].request_put.lease"/);
    expect(bad('etcdserverpb.LeaseRevokeRequest', '{"ID":"-1"}')).not.toThrow(); // int64: may be negative
    expect(bad('etcdserverpb.MoveLeaderRequest', '{"targetID":"-1"}')).toThrow(/unsigned/);
    expect(bad('etcdserverpb.RangeRequest', '[1]')).toThrow(/request body must be a JSON object/);
  });
});

describe('gateway response encoding', () => {
  it('writes proto names, int64 as strings, bytes as base64, enums by name, and leaves defaults out', () => {
    const out = encodeResponse(type('etcdserverpb.WatchResponse'), {
      header: { cluster_id: '18446744073709551615', member_id: '1', revision: '5', raft_term: '0' },
      watch_id: '0',
      created: false,
      events: [
        { type: 'PUT', kv: { key: Buffer.from('foo'), create_revision: '2', mod_revision: '5', version: '1', value: Buffer.alloc(0), lease: '0' }, prev_kv: null },
        { type: 'DELETE', kv: { key: Buffer.from('bar'), mod_revision: '5' } },
      ],
    });
    expect(out).toEqual({
      header: { cluster_id: '18446744073709551615', member_id: '1', revision: '5' },
      events: [{ kv: { key: b64('foo'), create_revision: '2', mod_revision: '5', version: '1' } }, { type: 'DELETE', kv: { key: b64('bar'), mod_revision: '5' } }],
    });
    // A set but empty message stays, as jsonpb writes it; empty lists go.
    expect(encodeResponse(type('etcdserverpb.TxnResponse'), { header: { revision: '3' }, succeeded: true, responses: [{ response_put: { header: {} } }] })).toEqual({
      header: { revision: '3' },
      succeeded: true,
      responses: [{ response_put: { header: {} } }],
    });
    expect(encodeResponse(type('etcdserverpb.LeaseTimeToLiveResponse'), { ID: '7', TTL: '-1', grantedTTL: '0', keys: [] })).toEqual({ ID: '7', TTL: '-1' });
  });
});
