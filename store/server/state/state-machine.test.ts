import { describe, expect, it } from 'vitest';
import { Lessor } from '../../lease/lessor.js';
import type { KeyValue } from '../../mvcc/kv.js';
import { MvccStore } from '../../mvcc/store.js';
import { EtcdError } from './errors.js';
import { decodeEnvelope, encodeEnvelope, type Compare, type KvLogRequest, type LogRequest, type RequestOp } from './requests.js';
import { StateMachine } from './state-machine.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const s = (u: Uint8Array): string => new TextDecoder().decode(u);
const kvBrief = (kv: KeyValue) => `${s(kv.key)}=${s(kv.value)}@${kv.createRevision}/${kv.modRevision}/v${kv.version}${kv.lease ? `/l${kv.lease}` : ''}`;

function setup() {
  const sm = new StateMachine(new MvccStore(), new Lessor({ minTtlSeconds: 2, now: () => 0 }));
  const writes: number[] = [];
  sm.onWrite((rev) => writes.push(rev));
  const apply = (r: KvLogRequest) => sm.apply(r);
  const put = (k: string, v: string, lease?: bigint) => apply({ put: { key: b(k), value: b(v), ...(lease ? { lease } : {}) } });
  const keys = (k = '\0', end: Uint8Array | undefined = new Uint8Array([0])) => sm.range({ key: b(k), rangeEnd: end }).kvs.map(kvBrief);
  return { sm, apply, put, keys, writes };
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof EtcdError) return `${e.code} ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('StateMachine: range as etcd serves it', () => {
  const { sm, put } = setup();
  put('a', '3'); // 2
  put('b', '1'); // 3
  put('c', '2'); // 4
  put('a', '4'); // 5: a is at version 2
  const cases: { name: string; req: Parameters<StateMachine['range']>[0]; want: string[]; more?: boolean; count?: number }[] = [
    { name: 'limit sets more, count counts all', req: { key: b('a'), rangeEnd: b('z'), limit: 2 }, want: ['a', 'b'], more: true, count: 3 },
    { name: 'limit equal to size: no more', req: { key: b('a'), rangeEnd: b('z'), limit: 3 }, want: ['a', 'b', 'c'], more: false },
    { name: 'sort by value descending', req: { key: b('a'), rangeEnd: b('z'), sortOrder: 'DESCEND', sortTarget: 'VALUE' }, want: ['a', 'c', 'b'] },
    { name: 'a non-key target sorts ascending by default', req: { key: b('a'), rangeEnd: b('z'), sortTarget: 'MOD' }, want: ['b', 'c', 'a'] },
    { name: 'sort then limit', req: { key: b('a'), rangeEnd: b('z'), sortOrder: 'DESCEND', sortTarget: 'KEY', limit: 1 }, want: ['c'], more: true },
    { name: 'min mod revision filter', req: { key: b('a'), rangeEnd: b('z'), minModRevision: 4 }, want: ['a', 'c'], count: 3 },
    { name: 'max create revision filter', req: { key: b('a'), rangeEnd: b('z'), maxCreateRevision: 3 }, want: ['a', 'b'] },
    { name: 'at an old revision', req: { key: b('a'), rangeEnd: b('z'), revision: 3 }, want: ['a', 'b'] },
    { name: 'count only', req: { key: b('a'), rangeEnd: b('z'), countOnly: true }, want: [], count: 3 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = sm.range(c.req);
      expect(r.kvs.map((kv) => s(kv.key))).toEqual(c.want);
      if (c.more !== undefined) expect(r.more).toBe(c.more);
      if (c.count !== undefined) expect(r.count).toBe(c.count);
      expect(r.revision).toBe(5);
    });
  }
  it('keys only drops values', () => {
    expect(sm.range({ key: b('a'), keysOnly: true }).kvs.map(kvBrief)).toEqual(['a=@2/5/v2']);
  });
  it('future and compacted revisions are refused with etcd errors', () => {
    expect(errorOf(() => sm.range({ key: b('a'), revision: 9 }))).toBe('11 etcdserver: mvcc: required revision is a future revision');
    sm.apply({ compaction: { revision: 4 } });
    expect(errorOf(() => sm.range({ key: b('a'), revision: 3 }))).toBe('11 etcdserver: mvcc: required revision has been compacted');
  });
});

describe('StateMachine: put and delete', () => {
  it('put with prev_kv, ignore_value and ignore_lease', () => {
    const { apply, put, keys, sm } = setup();
    apply({ leaseGrant: { id: 7n, ttl: 10 } });
    put('k', 'v1', 7n);
    const r = apply({ put: { key: b('k'), value: b('v2'), prevKv: true } });
    expect('put' in r && r.put.prevKv && kvBrief(r.put.prevKv)).toBe('k=v1@2/2/v1/l7');
    expect(keys()).toEqual(['k=v2@2/3/v2']); // a put without lease detaches it
    expect(sm.lessor.leaseOf('k')).toBe(0n);
    apply({ put: { key: b('k'), value: b(''), ignoreValue: true, lease: 7n } });
    expect(keys()).toEqual(['k=v2@2/4/v3/l7']);
    apply({ put: { key: b('k'), value: b('v3'), ignoreLease: true } });
    expect(keys()).toEqual(['k=v3@2/5/v4/l7']);
    expect(errorOf(() => apply({ put: { key: b('missing'), value: b(''), ignoreValue: true } }))).toBe('3 etcdserver: key not found');
    expect(errorOf(() => put('x', 'y', 99n))).toBe('5 etcdserver: requested lease not found');
    expect(sm.kv.revision).toBe(5); // refused requests write nothing
  });

  it('delete range returns the count and prev kvs; deleting nothing keeps the revision', () => {
    const { apply, put, writes } = setup();
    put('a', '1');
    put('ab', '2');
    put('b', '3');
    const r = apply({ deleteRange: { key: b('a'), rangeEnd: b('b'), prevKv: true } });
    expect('deleteRange' in r && { ...r.deleteRange, prevKvs: r.deleteRange.prevKvs.map(kvBrief) }).toEqual({
      revision: 5,
      deleted: 2,
      prevKvs: ['a=1@2/2/v1', 'ab=2@3/3/v1'],
    });
    const none = apply({ deleteRange: { key: b('zz') } });
    expect('deleteRange' in none && none.deleteRange).toEqual({ revision: 5, deleted: 0, prevKvs: [] });
    expect(writes).toEqual([2, 3, 4, 5]);
  });
});

describe('StateMachine: transactions', () => {
  const cmp = (key: string, target: Compare['target'], result: Compare['result'], operand: number | string | bigint): Compare => {
    const c: Compare = { key: b(key), target, result };
    if (typeof operand === 'string') c.value = b(operand);
    else if (typeof operand === 'bigint') c.lease = operand;
    else c.number = operand;
    return c;
  };
  const putOp = (k: string, v: string): RequestOp => ({ put: { key: b(k), value: b(v) } });

  const table: { name: string; compare: Compare[]; succeeded: boolean }[] = [
    { name: 'value equal', compare: [cmp('k', 'VALUE', 'EQUAL', 'v')], succeeded: true },
    { name: 'value not equal', compare: [cmp('k', 'VALUE', 'NOT_EQUAL', 'v')], succeeded: false },
    { name: 'value greater', compare: [cmp('k', 'VALUE', 'GREATER', 'u')], succeeded: true },
    { name: 'version less', compare: [cmp('k', 'VERSION', 'LESS', 2)], succeeded: true },
    { name: 'mod revision equal', compare: [cmp('k', 'MOD', 'EQUAL', 2)], succeeded: true },
    { name: 'create revision greater', compare: [cmp('k', 'CREATE', 'GREATER', 2)], succeeded: false },
    { name: 'lease equal 0', compare: [cmp('k', 'LEASE', 'EQUAL', 0n)], succeeded: true },
    { name: 'missing key has version 0', compare: [cmp('nope', 'VERSION', 'EQUAL', 0)], succeeded: true },
    { name: 'missing key never matches on value', compare: [cmp('nope', 'VALUE', 'NOT_EQUAL', 'x')], succeeded: false },
    { name: 'all compares must hold', compare: [cmp('k', 'VERSION', 'EQUAL', 1), cmp('k', 'VALUE', 'EQUAL', 'x')], succeeded: false },
  ];
  for (const c of table) {
    it(`compare: ${c.name}`, () => {
      const { apply, put } = setup();
      put('k', 'v'); // 2
      const r = apply({ txn: { compare: c.compare, success: [putOp('s', '1')], failure: [putOp('f', '1')] } });
      expect('txn' in r && r.txn.succeeded).toBe(c.succeeded);
      expect('txn' in r && r.txn.revision).toBe(3);
    });
  }

  it('a range compare must hold for every key in the range', () => {
    const { apply, put } = setup();
    put('a1', 'x');
    put('a2', 'y');
    const c: Compare = { key: b('a'), rangeEnd: b('b'), target: 'VALUE', result: 'EQUAL', value: b('x') };
    const r = apply({ txn: { compare: [c], success: [], failure: [] } });
    expect('txn' in r && r.txn).toEqual({ succeeded: false, responses: [], revision: 3 });
  });

  it('takes one revision for all its writes; its reads see its own writes', () => {
    const { apply, keys } = setup();
    const r = apply({
      txn: {
        compare: [],
        success: [putOp('a', '1'), putOp('b', '2'), { range: { key: b('a'), rangeEnd: b('z') } }, { deleteRange: { key: b('b') } }],
        failure: [],
      },
    });
    if (!('txn' in r)) throw new Error('expected a txn response');
    expect(r.txn.revision).toBe(2);
    const ranged = r.txn.responses[2]!;
    expect('range' in ranged && ranged.range.kvs.map(kvBrief)).toEqual(['a=1@2/2/v1', 'b=2@2/2/v1']);
    expect(keys()).toEqual(['a=1@2/2/v1']);
  });

  it('nested transactions decide their branch against the state before the whole transaction', () => {
    const { apply, keys } = setup();
    // The outer txn creates k; the inner one asks whether k exists. etcd answers "no": compares
    // are all evaluated before anything is written.
    apply({
      txn: {
        compare: [],
        success: [putOp('k', '1'), { txn: { compare: [cmp('k', 'VERSION', 'GREATER', 0)], success: [putOp('seen', 'yes')], failure: [putOp('seen', 'no')] } }],
        failure: [],
      },
    });
    expect(keys()).toEqual(['k=1@2/2/v1', 'seen=no@2/2/v1']);
  });

  it('a read-only transaction does not take a revision; an unknown lease aborts the whole transaction', () => {
    const { apply, put, sm } = setup();
    put('k', 'v'); // 2
    const ro = apply({ txn: { compare: [], success: [{ range: { key: b('k') } }], failure: [] } });
    expect('txn' in ro && ro.txn.revision).toBe(2);
    expect(errorOf(() => apply({ txn: { compare: [], success: [putOp('x', '1'), { put: { key: b('y'), value: b(''), lease: 5n } }], failure: [] } }))).toBe(
      '5 etcdserver: requested lease not found',
    );
    expect(sm.kv.revision).toBe(2);
  });
});

describe('StateMachine: leases and compaction', () => {
  it('revoking a lease deletes its keys in one revision', () => {
    const { apply, put, keys, writes } = setup();
    apply({ leaseGrant: { id: 1n, ttl: 1 } });
    put('a', '1', 1n);
    put('b', '1', 1n);
    put('c', '1');
    const r = apply({ leaseRevoke: { id: 1n } });
    expect(r).toEqual({ leaseRevoke: { revision: 5 } });
    expect(keys()).toEqual(['c=1@4/4/v1']);
    expect(writes).toEqual([2, 3, 4, 5]);
    expect(errorOf(() => apply({ leaseRevoke: { id: 1n } }))).toBe('5 etcdserver: requested lease not found');
  });

  it('grant reports the effective TTL and refuses duplicates', () => {
    const { apply } = setup();
    expect(apply({ leaseGrant: { id: 3n, ttl: 1 } })).toEqual({ leaseGrant: { revision: 1, id: 3n, ttl: 2 } });
    expect(errorOf(() => apply({ leaseGrant: { id: 3n, ttl: 5 } }))).toBe('9 etcdserver: lease already exists');
    expect(errorOf(() => apply({ leaseGrant: { id: 4n, ttl: 9_000_000_001 } }))).toBe('11 etcdserver: too large lease TTL');
  });

  it('compaction errors are etcd errors', () => {
    const { apply, put } = setup();
    put('a', '1');
    expect(errorOf(() => apply({ compaction: { revision: 5 } }))).toBe('11 etcdserver: mvcc: required revision is a future revision');
    apply({ compaction: { revision: 2 } });
    expect(errorOf(() => apply({ compaction: { revision: 2 } }))).toBe('11 etcdserver: mvcc: required revision has been compacted');
  });

  it('a snapshot dump restores keys, revisions and lease attachments', () => {
    const { apply, put, sm } = setup();
    apply({ leaseGrant: { id: 9n, ttl: 10 } });
    put('a', '1', 9n);
    put('b', '2');
    const other = setup();
    other.sm.load(sm.dump());
    expect(other.keys()).toEqual(['a=1@2/2/v1/l9', 'b=2@3/3/v1']);
    expect(other.apply({ leaseRevoke: { id: 9n } })).toEqual({ leaseRevoke: { revision: 4 } });
    expect(other.keys()).toEqual(['b=2@3/3/v1']);
  });
});

describe('log envelope encoding', () => {
  it('round-trips bytes (Buffers too) and 64-bit ids exactly', () => {
    const req: LogRequest = { put: { key: Buffer.from([0, 255, 1]), value: b('v'), lease: 0x7fffffffffffffffn } };
    const back = decodeEnvelope(encodeEnvelope({ id: 'm1-42', request: req }));
    expect(back.id).toBe('m1-42');
    if (!('put' in back.request)) throw new Error('expected a put');
    expect([...back.request.put.key]).toEqual([0, 255, 1]);
    expect(back.request.put.lease).toBe(0x7fffffffffffffffn);
  });
});
