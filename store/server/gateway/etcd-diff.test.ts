// The gateway side by side with real etcd's: the same requests to a fresh etcd and a fresh
// store-server must get the same HTTP status and the same JSON, once the values neither side can
// choose (cluster and member ids, terms, URLs, sizes) are normalized. Revisions are compared as
// they are: both stores start empty at revision 1. Skipped when no etcd binary is installed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdBinary } from '../../client/testing/etcd-process.js';
import { TestCluster } from '../../../test/store/testing/cluster.js';

const haveEtcd = (() => {
  try {
    etcdBinary();
    return true;
  } catch {
    return false;
  }
})();

const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Side {
  cluster: TestCluster;
  url: string;
}

let etcd: Side;
let ours: Side;

beforeAll(async () => {
  if (!haveEtcd) return;
  const [a, b] = await Promise.all([TestCluster.start({ program: 'etcd', members: 1 }), TestCluster.start({ program: 'store-server', members: 1 })]);
  etcd = { cluster: a, url: a.members[0]!.clientUrl };
  ours = { cluster: b, url: b.members[0]!.clientUrl };
}, 30_000);

afterAll(async () => {
  await etcd?.cluster.stop();
  await ours?.cluster.stop();
});

/** Replace what differs between any two clusters by placeholders, recursively. */
function normalize(v: unknown, side: Side): unknown {
  if (Array.isArray(v)) return v.map((e) => normalize(e, side));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'cluster_id' || k === 'member_id' || k === 'raft_term' || k === 'leader' || (k === 'ID' && typeof x === 'string' && x.length > 6)) out[k] = '<id>';
      else if (k === 'TTL' && typeof x === 'string' && Number(x) > 0) out[k] = '<ttl>';
      else out[k] = normalize(x, side);
    }
    return out;
  }
  if (typeof v === 'string') return v.replaceAll(side.url, '<client-url>').replaceAll(side.cluster.members[0]!.peerUrl, '<peer-url>');
  return v;
}

async function call(side: Side, path: string, body: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${side.url}${path}`, { method: 'POST', body });
  const text = await res.text();
  const lines = text.trim().split('\n');
  const parsed = lines.length > 1 ? lines.map((l) => JSON.parse(l) as unknown) : (JSON.parse(text) as unknown);
  return { status: res.status, body: normalize(parsed, side) };
}

async function same(path: string, body: unknown): Promise<unknown> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const theirs = await call(etcd, path, text);
  const mine = await call(ours, path, text);
  expect(mine, `${path} ${text}`).toEqual(theirs);
  return mine.body;
}

async function watchFirst(side: Side, body: unknown, n: number, during: () => Promise<void>): Promise<unknown[]> {
  const ac = new AbortController();
  const res = await fetch(`${side.url}/v3/watch`, { method: 'POST', body: JSON.stringify(body), signal: ac.signal });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const out: unknown[] = [];
  let triggered = false;
  while (out.length < n) {
    const nl = buf.indexOf('\n');
    if (nl >= 0) {
      out.push(normalize(JSON.parse(buf.slice(0, nl)), side));
      buf = buf.slice(nl + 1);
      if (!triggered) {
        triggered = true;
        await during();
      }
      continue;
    }
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
  }
  ac.abort();
  return out;
}

describe.skipIf(!haveEtcd)('HTTP/JSON gateway: store-server answers as etcd does', () => {
  it('kv: put, range, txn, deleterange, in the same order on both', async () => {
    await same('/v3/kv/put', { key: b64('foo'), value: b64('bar') });
    await same('/v3/kv/put', { key: b64('foo'), value: b64('baz'), prev_kv: true });
    await same('/v3/kv/range', { key: b64('foo') });
    await same('/v3/kv/range', { key: b64('a'), range_end: b64('z'), keys_only: true });
    await same('/v3/kv/range', { key: b64('f'), range_end: b64('g'), count_only: true });
    await same('/v3/kv/range', { key: b64('missing') });
    await same('/v3/kv/range', `{"key":"${b64('foo')}","sortOrder":"DESCEND","limit":1}`);
    await same('/v3/kv/txn', {
      compare: [{ target: 'VALUE', key: b64('foo'), value: b64('baz') }],
      success: [{ request_put: { key: b64('t'), value: b64('1') } }, { request_range: { key: b64('foo') } }],
      failure: [{ request_delete_range: { key: b64('foo') } }],
    });
    await same('/v3/kv/txn', { compare: [{ target: 'VERSION', key: b64('foo'), result: 'GREATER', version: 5 }], failure: [{ request_range: { key: b64('t') } }] });
    await same('/v3/kv/deleterange', { key: b64('a'), range_end: b64('z'), prev_kv: true });
  });

  it('errors: same status and same body', async () => {
    await same('/v3/kv/range', {});
    await same('/v3/kv/put', { value: b64('x') });
    await same('/v3/kv/compaction', { revision: 1000 });
    await same('/v3/lease/revoke', { ID: 42 });
    await same('/v3/kv/txn', { success: [{ request_put: { key: b64('d') } }, { request_put: { key: b64('d') } }] });
  });

  it('leases: grant with a chosen id, timetolive, keepalive, revoke', async () => {
    await same('/v3/lease/grant', { ID: 4242, TTL: 60 });
    await same('/v3/kv/put', { key: b64('l'), value: b64('v'), lease: 4242 });
    await same('/v3/lease/timetolive', { ID: 4242, keys: true });
    await same('/v3/lease/keepalive', '{"ID":4242}');
    await same('/v3/lease/keepalive', '{"ID":7}'); // unknown lease: TTL 0, not an error
    await same('/v3/kv/lease/leases', {});
    await same('/v3/kv/lease/revoke', { ID: 4242 });
    await same('/v3/lease/timetolive', { ID: 4242 });
  });

  it('member list', async () => {
    await same('/v3/cluster/member/list', {});
  });

  it('watch: created reply and events, line for line', async () => {
    const body = { create_request: { key: b64('w'), prev_kv: true } };
    const run = (side: Side) =>
      watchFirst(side, body, 3, async () => {
        for (const v of ['1', '2']) await fetch(`${side.url}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64('w'), value: b64(v) }) });
      });
    expect(await run(ours)).toEqual(await run(etcd));
  });
});
