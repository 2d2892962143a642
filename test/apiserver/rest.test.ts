// The REST API over plain HTTP, run twice: on our store-server and on a real etcd 3.4. The apiserver
// must behave the same on both; every answer is checked against Kubernetes' documented behaviour.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../store/client/index.js';
import { freePort } from '../../store/client/testing/etcd-process.js';
import { ApiserverProcess, ControlPlane, request } from './testing/control-plane.js';

interface Res {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Headers;
}

for (const store of ['store-server', 'etcd'] as const) {
  describe(`REST on ${store}`, () => {
    let cp: ControlPlane;
    const call = async (method: string, path: string, body?: unknown, contentType = 'application/json', accept?: string): Promise<Res> => {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['Content-Type'] = contentType;
      if (accept) headers['Accept'] = accept;
      const res = await fetch(cp.url + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    };
    const pod = (name: string, labels: Record<string, string> = {}) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });

    beforeAll(async () => {
      cp = await ControlPlane.start({ store });
      expect((await call('POST', '/api/v1/namespaces', { metadata: { name: 'rest' } })).status).toBe(201);
    }, 60_000);
    afterAll(async () => {
      await cp?.stop();
    });

    it('create sets identity and defaults; a second create is AlreadyExists', async () => {
      const r = await call('POST', '/api/v1/namespaces/rest/pods', pod('p1', { app: 'a' }));
      expect(r.status).toBe(201);
      const meta = r.body['metadata'] as Record<string, unknown>;
      expect(meta['uid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(meta['creationTimestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(meta['resourceVersion']).toMatch(/^\d+$/);
      const spec = r.body['spec'] as Record<string, unknown>;
      expect(spec['restartPolicy']).toBe('Always');
      expect(spec['dnsPolicy']).toBe('ClusterFirst');
      expect(spec['terminationGracePeriodSeconds']).toBe(30);
      expect((r.body['status'] as Record<string, unknown>)['phase']).toBe('Pending');
      const again = await call('POST', '/api/v1/namespaces/rest/pods', pod('p1'));
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', message: 'pods "p1" already exists', code: 409 });
    });

    it('errors are Status objects: NotFound, Invalid, BadRequest, UnsupportedMediaType, too large, missing namespace', async () => {
      expect((await call('GET', '/api/v1/namespaces/rest/pods/nope')).body).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found', code: 404 });
      const invalid = await call('POST', '/api/v1/namespaces/rest/pods', { metadata: { name: 'Bad_Name' }, spec: { containers: [] } });
      expect(invalid.status).toBe(422);
      expect(invalid.body['reason']).toBe('Invalid');
      expect(String(invalid.body['message'])).toMatch(/^Pod "Bad_Name" is invalid: \[/);
      const malformed = await call('POST', '/api/v1/namespaces/rest/pods', '{"metadata": {');
      expect(malformed.status).toBe(400);
      expect(malformed.body['reason']).toBe('BadRequest');
      const media = await call('POST', '/api/v1/namespaces/rest/pods', 'x', 'text/plain');
      expect(media.status).toBe(415);
      expect(media.body['reason']).toBe('UnsupportedMediaType');
      const huge = await call('POST', '/api/v1/namespaces/rest/configmaps', { metadata: { name: 'huge' }, data: { a: 'x'.repeat(4 * 1024 * 1024) } });
      expect(huge.status).toBe(413);
      expect(huge.body['reason']).toBe('RequestEntityTooLarge');
      const deep = await call('POST', '/api/v1/namespaces/rest/configmaps', '['.repeat(100_000) + ']'.repeat(100_000));
      expect(deep.status).toBe(400);
      const noNs = await call('POST', '/api/v1/namespaces/ghost/configmaps', { metadata: { name: 'x' } });
      expect(noNs.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "ghost" not found' });
      expect((await call('GET', '/api/v1/namespaces/rest/pods')).status).toBe(200); // the server survived all of it
    });

    it('update with a stale resourceVersion is a 409; status is only changed through /status', async () => {
      const cur = (await call('GET', '/api/v1/namespaces/rest/pods/p1')).body as { metadata: { resourceVersion: string; labels: Record<string, string> } };
      const fresh = await call('PUT', '/api/v1/namespaces/rest/pods/p1', { ...cur, metadata: { ...cur.metadata, labels: { app: 'a', v: '2' } } });
      expect(fresh.status).toBe(200);
      const stale = await call('PUT', '/api/v1/namespaces/rest/pods/p1', cur);
      expect(stale.status).toBe(409);
      expect(stale.body['reason']).toBe('Conflict');
      const withStatus = { ...fresh.body, status: { phase: 'Running' } };
      expect(((await call('PUT', '/api/v1/namespaces/rest/pods/p1', withStatus)).body['status'] as { phase: string }).phase).toBe('Pending');
      expect(((await call('PUT', '/api/v1/namespaces/rest/pods/p1/status', withStatus)).body['status'] as { phase: string }).phase).toBe('Running');
    });

    it('lists filter by label and field selectors and page with limit/continue', async () => {
      for (let i = 0; i < 5; i++) await call('POST', '/api/v1/namespaces/rest/pods', pod(`q${i}`, { app: i % 2 ? 'odd' : 'even' }));
      const names = (r: Res) => (r.body['items'] as { metadata: { name: string } }[]).map((o) => o.metadata.name);
      expect(names(await call('GET', '/api/v1/namespaces/rest/pods?labelSelector=app%3Dodd'))).toEqual(['q1', 'q3']);
      expect(names(await call('GET', '/api/v1/namespaces/rest/pods?labelSelector=app+in+(odd,a)'))).toEqual(['p1', 'q1', 'q3']);
      expect(names(await call('GET', '/api/v1/namespaces/rest/pods?fieldSelector=metadata.name%3Dq2'))).toEqual(['q2']);
      expect(names(await call('GET', '/api/v1/namespaces/rest/pods?fieldSelector=status.phase%3DRunning'))).toEqual(['p1']);
      const bad = await call('GET', '/api/v1/namespaces/rest/pods?fieldSelector=spec.foo%3Dx');
      expect(bad.body).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.foo' });
      const page1 = await call('GET', '/api/v1/namespaces/rest/pods?limit=4');
      expect(names(page1)).toEqual(['p1', 'q0', 'q1', 'q2']);
      const token = (page1.body['metadata'] as { continue: string }).continue;
      expect(token).toBeTruthy();
      const page2 = await call('GET', `/api/v1/namespaces/rest/pods?limit=4&continue=${encodeURIComponent(token)}`);
      expect(names(page2)).toEqual(['q3', 'q4']);
      expect((page2.body['metadata'] as { continue?: string }).continue).toBeUndefined();
      expect((page2.body['metadata'] as { resourceVersion: string }).resourceVersion).toBe((page1.body['metadata'] as { resourceVersion: string }).resourceVersion);
      // Lists at resourceVersion 0 come from the watch cache.
      expect(names(await call('GET', '/api/v1/namespaces/rest/pods?resourceVersion=0&labelSelector=app%3Deven'))).toEqual(['q0', 'q2', 'q4']);
    });

    it('watch resumes from a resourceVersion, and a compacted one is 410 Expired', async () => {
      const start = (await call('GET', '/api/v1/namespaces/rest/configmaps')).body['metadata'] as { resourceVersion: string };
      await call('POST', '/api/v1/namespaces/rest/configmaps', { metadata: { name: 'w1' } });
      await call('PATCH', '/api/v1/namespaces/rest/configmaps/w1', { data: { k: 'v' } }, 'application/merge-patch+json');
      await call('DELETE', '/api/v1/namespaces/rest/configmaps/w1');
      const ctrl = new AbortController();
      const res = await fetch(`${cp.url}/api/v1/namespaces/rest/configmaps?watch=1&resourceVersion=${start.resourceVersion}`, { signal: ctrl.signal });
      const reader = res.body!.getReader();
      let text = '';
      while (text.split('\n').length < 4) text += new TextDecoder().decode((await reader.read()).value);
      ctrl.abort();
      const events = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);

      // Compact the store past `start`, then watch from it: 410 Expired in an ERROR event.
      const etcd = new EtcdClient({ endpoints: cp.store.members[0]!.clientUrl });
      const rev = (await etcd.kv.range('/registry/', { prefix: true, countOnly: true })).header!.revision;
      await etcd.kv.compact(rev);
      etcd.close();
      // The running apiserver still has that history in its watch cache and serves it.
      const cached = await (await fetch(`${cp.url}/api/v1/namespaces/rest/configmaps?watch=1&resourceVersion=${start.resourceVersion}&timeoutSeconds=2`)).text();
      expect(cached.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      // A second apiserver, started after the compaction, has no such history: it asks the store, which answers 410.
      const fresh = new ApiserverProcess(await freePort(), cp.store.members.map((m) => m.clientUrl).join(','));
      await fresh.start();
      try {
        const old = await (await fetch(`${fresh.url}/api/v1/namespaces/rest/configmaps?watch=1&resourceVersion=${start.resourceVersion}&timeoutSeconds=5`)).text();
        const err = JSON.parse(old.trim().split('\n')[0]!) as { type: string; object: { code: number; reason: string } };
        expect(err.type).toBe('ERROR');
        expect(err.object).toMatchObject({ code: 410, reason: 'Expired' });
      } finally {
        await fresh.kill();
      }
      const list = await call('GET', `/api/v1/namespaces/rest/configmaps?resourceVersion=${start.resourceVersion}&resourceVersionMatch=Exact`);
      expect(list.status).toBe(410);
      expect(list.body['reason']).toBe('Expired');
    });

    it('finalizers hold a delete until removed; graceful pod deletion; binding', async () => {
      await call('POST', '/api/v1/namespaces/rest/configmaps', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
      const del = await call('DELETE', '/api/v1/namespaces/rest/configmaps/held');
      expect(del.status).toBe(202);
      expect((del.body['metadata'] as { deletionTimestamp?: string }).deletionTimestamp).toBeTruthy();
      expect((await call('GET', '/api/v1/namespaces/rest/configmaps/held')).status).toBe(200);
      await call('PATCH', '/api/v1/namespaces/rest/configmaps/held', [{ op: 'remove', path: '/metadata/finalizers' }], 'application/json-patch+json');
      expect((await call('GET', '/api/v1/namespaces/rest/configmaps/held')).status).toBe(404);

      const bind = await call('POST', '/api/v1/namespaces/rest/pods/q0/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'q0' }, target: { kind: 'Node', name: 'node-1' } });
      expect(bind.status).toBe(201);
      const bound = (await call('GET', '/api/v1/namespaces/rest/pods/q0')).body as { spec: { nodeName: string }; status: { conditions?: { type: string; status: string }[] } };
      expect(bound.spec.nodeName).toBe('node-1');
      expect(bound.status.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
      const again = await call('POST', '/api/v1/namespaces/rest/pods/q0/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'q0' }, target: { kind: 'Node', name: 'node-2' } });
      expect(again.status).toBe(409);
      const graceful = await call('DELETE', '/api/v1/namespaces/rest/pods/q0');
      expect(graceful.status).toBe(202);
      expect((graceful.body['metadata'] as { deletionGracePeriodSeconds: number }).deletionGracePeriodSeconds).toBe(30);
      const now = await call('DELETE', '/api/v1/namespaces/rest/pods/q0', { gracePeriodSeconds: 0 });
      expect(now.status).toBe(200);
      expect((await call('GET', '/api/v1/namespaces/rest/pods/q0')).status).toBe(404);
      // An unbound pod goes at once.
      expect((await call('DELETE', '/api/v1/namespaces/rest/pods/q1')).status).toBe(200);
    });

    it('wrong kinds and malformed YAML are 400s; the server keeps serving', async () => {
      const wrongKind = await call('POST', '/api/v1/namespaces/rest/configmaps', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
      expect(wrongKind.body).toMatchObject({ reason: 'BadRequest', code: 400 });
      const wrongVersion = await call('POST', '/apis/apps/v1/namespaces/rest/deployments', { apiVersion: 'apps/v2', kind: 'Deployment', metadata: { name: 'x' } });
      expect(wrongVersion.body).toMatchObject({ reason: 'BadRequest', code: 400 });
      const yaml = await call('POST', '/api/v1/namespaces/rest/configmaps', 'metadata: {name: [unclosed\n  - : :', 'application/yaml');
      expect(yaml.body).toMatchObject({ reason: 'BadRequest', code: 400 });
      const good = await call('POST', '/api/v1/namespaces/rest/configmaps', 'metadata:\n  name: from-yaml\ndata:\n  a: "1"\n', 'application/yaml');
      expect(good.status).toBe(201);
      expect(good.body['data']).toEqual({ a: '1' });
    });

    it('an expired continue token is 410 Expired', async () => {
      for (let i = 0; i < 3; i++) await call('POST', '/api/v1/namespaces/rest/secrets', { metadata: { name: `page-${i}` } });
      const first = await call('GET', '/api/v1/namespaces/rest/secrets?limit=1');
      const token = (first.body['metadata'] as { continue: string }).continue;
      await call('POST', '/api/v1/namespaces/rest/secrets', { metadata: { name: 'page-later' } });
      const etcd = new EtcdClient({ endpoints: cp.store.members[0]!.clientUrl });
      const rev = (await etcd.kv.range('/registry/', { prefix: true, countOnly: true })).header!.revision;
      await etcd.kv.compact(rev);
      etcd.close();
      const next = await call('GET', `/api/v1/namespaces/rest/secrets?limit=1&continue=${encodeURIComponent(token)}`);
      expect(next.status).toBe(410);
      expect(next.body['reason']).toBe('Expired');
      expect(String(next.body['message'])).toMatch(/^The provided continue parameter is too old/);
    });

    it('sendInitialEvents: the current state, then a bookmark marking its end', async () => {
      const ctrl = new AbortController();
      const res = await fetch(`${cp.url}/api/v1/namespaces/rest/secrets?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`, { signal: ctrl.signal });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('BOOKMARK')) text += new TextDecoder().decode((await reader.read()).value);
      ctrl.abort();
      const events = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string; annotations?: Record<string, string> } } });
      expect(events.slice(0, -1).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED page-0', 'ADDED page-1', 'ADDED page-2', 'ADDED page-later']);
      expect(events[events.length - 1]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    });

    it('Table output for kubectl get', async () => {
      const r = await call('GET', '/api/v1/namespaces/rest/pods', undefined, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
      expect(r.headers.get('content-type')).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
      expect((r.body['columnDefinitions'] as { name: string }[]).map((c) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    });
  });
}

describe('authentication', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await ControlPlane.start({ tokenAuth: 'secret-token,alice,u1,"devs,ops"\n' });
  }, 60_000);
  afterAll(async () => {
    await cp?.stop();
  });

  it('--token-auth-file (over HTTPS): no or a wrong token is 401; the right one works; health stays public', async () => {
    expect(cp.url).toMatch(/^https:/);
    expect((await request(`${cp.url}/api/v1/namespaces`)).status).toBe(401);
    const wrong = await request(`${cp.url}/api/v1/namespaces`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await request(`${cp.url}/api/v1/namespaces`, { headers: { Authorization: 'Bearer secret-token' } })).status).toBe(200);
    expect((await request(`${cp.url}/healthz`)).status).toBe(200);
    expect((await request(`${cp.url}/readyz`)).status).toBe(200);
    // kubectl sends the kubeconfig's token (it does so only over TLS).
    const r = await cp.kubectl(['get', 'namespace', 'default', '-o', 'name']);
    expect(r.stdout).toBe('namespace/default\n');
  });

});

describe('watch selectors', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await ControlPlane.start();
  }, 60_000);
  afterAll(async () => {
    await cp?.stop();
  });

  it('an object leaving a watch selector arrives as DELETED, entering as ADDED', async () => {
    const auth = {};
    const json = { ...auth, 'Content-Type': 'application/json' };
    const listed = (await (await fetch(`${cp.url}/api/v1/namespaces/default/configmaps`, { headers: auth })).json()) as { metadata: { resourceVersion: string } };
    const ctrl = new AbortController();
    const res = await fetch(`${cp.url}/api/v1/namespaces/default/configmaps?watch=1&labelSelector=team%3Dblue&resourceVersion=${listed.metadata.resourceVersion}`, { headers: auth, signal: ctrl.signal });
    await fetch(`${cp.url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name: 'sel', labels: { team: 'red' } } }) });
    const relabel = (team: string) =>
      fetch(`${cp.url}/api/v1/namespaces/default/configmaps/sel`, {
        method: 'PATCH',
        headers: { ...auth, 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { team } } }),
      });
    await relabel('blue');
    await fetch(`${cp.url}/api/v1/namespaces/default/configmaps/sel`, { method: 'PATCH', headers: { ...auth, 'Content-Type': 'application/merge-patch+json' }, body: JSON.stringify({ data: { a: '1' } }) });
    await relabel('red');
    const reader = res.body!.getReader();
    let text = '';
    while (text.split('\n').length < 4) text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    const events = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { labels: Record<string, string> } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.labels['team']}`)).toEqual(['ADDED blue', 'MODIFIED blue', 'DELETED blue']);
  });
});
