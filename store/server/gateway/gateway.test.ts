// etcd's HTTP/JSON gateway on a real store-server process, driven the way etcd's documentation
// drives it with curl: POST a JSON body to /v3/<service>/<method>. Runs the built dist/ (npm run build).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../../../test/store/testing/cluster.js';

let cluster: TestCluster;
let base: string;

beforeAll(async () => {
  cluster = await TestCluster.start({ program: 'store-server', members: 1 });
  base = cluster.members[0]!.clientUrl;
}, 30_000);

afterAll(async () => {
  await cluster?.stop();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: unknown) => Buffer.from(String(s), 'base64').toString();

/** Response bodies, read loosely (test code only). */
type Json = Record<string, any>;

async function post(path: string, body: unknown, init: RequestInit = {}): Promise<{ status: number; body: Json; type: string | null }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), ...init });
  const text = await res.text();
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed, type: res.headers.get('content-type') };
}

/** Reads a streaming gateway response line by line. */
function lines(res: Response): () => Promise<Json> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  return async () => {
    for (;;) {
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) return JSON.parse(line) as Json;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended; left: ${buf}`);
      buf += decoder.decode(value, { stream: true });
    }
  };
}

async function watcherCount(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^etcd_debugging_mvcc_watcher_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

describe('HTTP/JSON gateway (store-server)', () => {
  it('put then range: base64 keys and values, int64 as strings, defaults left out', async () => {
    const put = await post('/v3/kv/put', { key: b64('foo'), value: b64('bar') });
    expect(put.status).toBe(200);
    expect(put.type).toBe('application/json');
    const h = put.body['header'];
    expect(typeof h.revision).toBe('string');
    expect(h.cluster_id).toMatch(/^\d+$/);
    expect(h.member_id).toMatch(/^\d+$/);
    expect(h.raft_term).toMatch(/^\d+$/);
    expect(put.body).toEqual({ header: h }); // no prev_kv when not asked

    const range = await post('/v3/kv/range', { key: b64('foo') });
    expect(range.status).toBe(200);
    expect(range.body).toEqual({
      header: { ...h, revision: h.revision },
      kvs: [{ key: b64('foo'), create_revision: h.revision, mod_revision: h.revision, version: '1', value: b64('bar') }],
      count: '1',
    });

    // Prefix range with camelCase names (jsonpb accepts both), count_only, and a missing key.
    await post('/v3/kv/put', { key: b64('foo2'), value: b64('baz') });
    const prefix = await post('/v3/kv/range', { key: b64('foo'), rangeEnd: b64('fop'), count_only: true });
    expect(prefix.body['count']).toBe('2');
    expect(prefix.body['kvs']).toBeUndefined();
    const none = await post('/v3/kv/range', { key: b64('nope') });
    expect(none.body).toEqual({ header: expect.any(Object) }); // count 0, more false: omitted

    const del = await post('/v3/kv/deleterange', { key: b64('foo2'), prev_kv: true });
    expect(del.body['deleted']).toBe('1');
    expect(unb64(del.body['prev_kvs'][0].value)).toBe('baz');
  });

  it('txn: compare, success and failure branches, nested response headers carry only a revision', async () => {
    const r0 = await post('/v3/kv/put', { key: b64('txn-k'), value: b64('v1') });
    const rev = r0.body['header'].revision as string;
    const txn = {
      compare: [{ target: 'MOD', key: b64('txn-k'), mod_revision: rev, result: 'EQUAL' }],
      success: [{ request_put: { key: b64('txn-k'), value: b64('v2') } }, { request_range: { key: b64('txn-k') } }],
      failure: [{ request_range: { key: b64('txn-k') } }],
    };
    const ok = await post('/v3/kv/txn', txn);
    expect(ok.status).toBe(200);
    expect(ok.body['succeeded']).toBe(true);
    const next = String(Number(rev) + 1);
    expect(ok.body['responses']).toEqual([
      { response_put: { header: { revision: next } } },
      { response_range: { header: { revision: next }, kvs: [expect.objectContaining({ key: b64('txn-k'), value: b64('v2'), version: '2' })], count: '1' } },
    ]);
    // The same compare now fails: the failure branch runs, and succeeded (false) is left out.
    const failed = await post('/v3/kv/txn', txn);
    expect(failed.body['succeeded']).toBeUndefined();
    expect(failed.body['responses'][0].response_range.kvs[0].value).toBe(b64('v2'));
  });

  it('lease grant, timetolive with keys, leases, keepalive stream, revoke (and the kv/lease aliases)', async () => {
    const grant = await post('/v3/lease/grant', { TTL: 30 });
    expect(grant.status).toBe(200);
    const id = grant.body['ID'] as string;
    expect(id).toMatch(/^\d+$/);
    expect(grant.body['TTL']).toBe('30');
    await post('/v3/kv/put', { key: b64('leased'), value: b64('x'), lease: id });

    const ttl = await post('/v3/lease/timetolive', { ID: id, keys: true });
    expect(ttl.body['ID']).toBe(id);
    expect(ttl.body['grantedTTL']).toBe('30');
    expect(Number(ttl.body['TTL'])).toBeGreaterThan(25);
    expect(ttl.body['keys']).toEqual([b64('leased')]);
    const alias = await post('/v3/kv/lease/timetolive', { ID: id });
    expect(alias.body['keys']).toBeUndefined();

    for (const path of ['/v3/lease/leases', '/v3/kv/lease/leases']) {
      const leases = await post(path, {});
      expect(leases.body['leases']).toContainEqual({ ID: id });
    }

    // Keep-alive: one {"result": ...} line per request object in the body, then the end.
    const ka = await fetch(`${base}/v3/lease/keepalive`, { method: 'POST', body: `{"ID":"${id}"}\n{"ID":"${id}"}` });
    expect(ka.status).toBe(200);
    const kaLines = (await ka.text()).trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(kaLines).toHaveLength(2);
    for (const l of kaLines) expect(l['result']).toMatchObject({ ID: id, TTL: '30' });

    const revoke = await post('/v3/kv/lease/revoke', { ID: id });
    expect(revoke.status).toBe(200);
    expect((await post('/v3/kv/range', { key: b64('leased') })).body['kvs']).toBeUndefined();
    const gone = await post('/v3/lease/timetolive', { ID: id });
    expect(gone.body['TTL']).toBe('-1');
    const again = await post('/v3/lease/revoke', { ID: id });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ error: 'etcdserver: requested lease not found', code: 5, message: 'etcdserver: requested lease not found' });
  });

  it('a lease id beyond 2^53 sent as a bare JSON number keeps every digit', async () => {
    const id = '9007199254740993'; // 2^53 + 1: JSON.parse would make it ...992
    const grant = await post('/v3/lease/grant', `{"ID": ${id}, "TTL": 60}`);
    expect(grant.status).toBe(200);
    expect(grant.body['ID']).toBe(id);
    expect((await post('/v3/lease/revoke', `{"ID": ${id}}`)).status).toBe(200);
  });

  it('member list and status', async () => {
    const list = await post('/v3/cluster/member/list', {});
    expect(list.status).toBe(200);
    const m = cluster.members[0]!;
    expect(list.body['members']).toEqual([{ ID: list.body['header'].member_id, name: m.name, peerURLs: [m.peerUrl], clientURLs: [m.clientUrl] }]);

    const status = await post('/v3/maintenance/status', {});
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ version: expect.stringMatching(/^3\.\d+\.\d+$/), leader: status.body['header'].member_id });
    expect(status.body['dbSize']).toMatch(/^\d+$/);
    expect(status.body['raftIndex']).toMatch(/^\d+$/);
    expect(status.body['isLearner']).toBeUndefined();
  });

  it('watch: a stream of {"result": ...} lines with the created reply and the events of a put; closing it releases the watcher', async () => {
    const before = await watcherCount();
    const ac = new AbortController();
    const res = await fetch(`${base}/v3/watch`, {
      method: 'POST',
      body: JSON.stringify({ create_request: { key: b64('w/'), range_end: b64('w0'), prev_kv: true } }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    const next = lines(res);
    const created = await next();
    expect(created['result']).toMatchObject({ created: true, header: { revision: expect.stringMatching(/^\d+$/) } });
    expect(created['result'].watch_id).toBeUndefined(); // watch id 0: a default, left out
    // The stream stays open after the request body ended, as etcd's does.
    expect(await watcherCount()).toBe(before + 1);

    await post('/v3/kv/put', { key: b64('w/a'), value: b64('1') });
    const put = await post('/v3/kv/put', { key: b64('w/a'), value: b64('2') });
    await post('/v3/kv/deleterange', { key: b64('w/a') });
    const e1 = (await next())['result'];
    expect(e1.events).toEqual([{ kv: expect.objectContaining({ key: b64('w/a'), value: b64('1'), version: '1' }) }]);
    const e2 = (await next())['result'];
    expect(e2.header.revision).toBe(put.body['header'].revision);
    expect(e2.events[0].prev_kv.value).toBe(b64('1'));
    const e3 = (await next())['result'];
    expect(e3.events[0].type).toBe('DELETE'); // PUT is enum 0 and so left out; DELETE is named

    ac.abort();
    const deadline = Date.now() + 5000;
    while ((await watcherCount()) !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await watcherCount()).toBe(before);
  });

  it('watch: several requests in one body; a refused create is answered on the stream', async () => {
    const ac = new AbortController();
    const body = [
      { create_request: { key: b64('z'), range_end: b64('a') } },
      { create_request: { key: b64('m/'), watch_id: 7 } },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const res = await fetch(`${base}/v3/watch`, { method: 'POST', body, signal: ac.signal });
    const next = lines(res);
    expect((await next())['result']).toMatchObject({ watch_id: '-1', created: true, canceled: true, cancel_reason: 'mvcc: watcher range is empty' });
    expect((await next())['result']).toMatchObject({ watch_id: '7', created: true });
    ac.abort();
  });

  it('errors as grpc-gateway writes them: HTTP status from the gRPC code, {"error","code","message"}', async () => {
    const noKey = await post('/v3/kv/range', {});
    expect(noKey.status).toBe(400);
    expect(noKey.body).toEqual({ error: 'etcdserver: key is not provided', code: 3, message: 'etcdserver: key is not provided' });
    const empty = await post('/v3/kv/put', '');
    expect(empty.status).toBe(400);
    expect(empty.body['code']).toBe(3);

    const malformed = await post('/v3/kv/put', '{"key": "Zm9v", ');
    expect(malformed.status).toBe(400);
    expect(malformed.body['code']).toBe(3);
    expect(malformed.body['error']).toMatch(/^malformed JSON: /);
    expect(malformed.body['message']).toBe(malformed.body['error']);

    const wrongType = await post('/v3/kv/range', { key: b64('foo'), limit: 'ten' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body['error']).toMatch(/field "limit"/);
    expect((await post('/v3/kv/range', '[]')).body['error']).toMatch(/must be a JSON object/);

    const future = await post('/v3/kv/compaction', { revision: '1000000' });
    expect(future.status).toBe(400);
    expect(future.body).toMatchObject({ code: 11, error: 'etcdserver: mvcc: required revision is a future revision' });

    const dup = await post('/v3/kv/txn', { success: [{ request_put: { key: b64('d') } }, { request_put: { key: b64('d') } }] });
    expect(dup.status).toBe(400);
    expect(dup.body['error']).toBe('etcdserver: duplicate key given in txn request');

    const badUrls = await post('/v3/cluster/member/add', { peerURLs: ['http://127.0.0.1'] });
    expect(badUrls.status).toBe(400);
    expect(badUrls.body).toMatchObject({ code: 3, error: 'etcdserver: given member URLs are invalid' });
    const noMember = await post('/v3/cluster/member/promote', { ID: '1234' });
    expect(noMember.status).toBe(404);
    expect(noMember.body).toMatchObject({ code: 5, error: 'etcdserver: member not found' });

    const unimplemented = await post('/v3/maintenance/downgrade', { action: 'VALIDATE', version: '3.5' });
    expect(unimplemented.status).toBe(501);
    expect(unimplemented.body['code']).toBe(12);

    const badWatch = await post('/v3/watch', '{"create_request": nope}');
    expect(badWatch.status).toBe(400);
    expect(badWatch.body['code']).toBe(3);

    // Only POST; unknown paths fall through to the plain 404 of the HTTP handler.
    const get = await fetch(`${base}/v3/kv/range`);
    expect(get.status).toBe(405);
    await get.text();
    const unknown = await fetch(`${base}/v3/kv/nope`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('404 page not found\n');
    // The other HTTP endpoints are untouched.
    expect((await (await fetch(`${base}/health`)).json()) as Json).toMatchObject({ health: 'true' });
  });
});
