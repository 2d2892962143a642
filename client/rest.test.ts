import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { collectionPath, objectPath, RestResourceClient, RestTransport, statusError } from './rest.js';
import { RESOURCES } from './types.js';

describe('URLs', () => {
  it('core vs named groups, namespaced vs cluster-scoped, subresources', () => {
    expect(collectionPath(RESOURCES.pods, 'ns')).toBe('/api/v1/namespaces/ns/pods');
    expect(collectionPath(RESOURCES.pods)).toBe('/api/v1/pods');
    expect(collectionPath(RESOURCES.nodes, 'ignored')).toBe('/api/v1/nodes');
    expect(collectionPath(RESOURCES.deployments, 'ns')).toBe('/apis/apps/v1/namespaces/ns/deployments');
    expect(objectPath(RESOURCES.leases, 'kube-system', 'kcm')).toBe('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kcm');
    expect(objectPath(RESOURCES.pods, 'ns', 'p', 'binding')).toBe('/api/v1/namespaces/ns/pods/p/binding');
  });

  it('Status bodies become ApiStatusError with their code and reason; other bodies get one from the code', () => {
    const s = statusError(409, JSON.stringify({ kind: 'Status', code: 409, reason: 'AlreadyExists', message: 'pods "p" already exists' }));
    expect(s).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "p" already exists' });
    expect(statusError(503, 'upstream down')).toMatchObject({ code: 503, reason: 'ServiceUnavailable', message: 'upstream down' });
  });
});

describe('RestTransport against a local HTTP server', () => {
  let server: http.Server | undefined;
  afterEach(() => void server?.close());

  async function serve(handler: http.RequestListener): Promise<string> {
    server = http.createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('sends the bearer token, patch content types and query; parses watch lines split across chunks', async () => {
    const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
        if (req.url?.includes('watch=1')) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write('{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}}\n{"type":"MOD');
          setTimeout(() => res.end('IFIED","object":{"metadata":{"name":"a","resourceVersion":"6"}}}\n'), 10);
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ metadata: { name: 'p' } }));
      });
    });
    const t = new RestTransport({ server: url, token: 'secret' });
    const pods = new RestResourceClient(t, RESOURCES.pods);
    await pods.patch('ns', 'p', 'strategic', { spec: {} }, { fieldManager: 'me' });
    const events = [];
    for await (const e of pods.watch('ns', { resourceVersion: '4', allowWatchBookmarks: true })) events.push(`${e.type} ${e.object.metadata.resourceVersion}`);
    t.close();
    expect(seen[0]).toEqual({ method: 'PATCH', url: '/api/v1/namespaces/ns/pods/p?fieldManager=me', auth: 'Bearer secret', type: 'application/strategic-merge-patch+json', body: '{"spec":{}}' });
    expect(seen[1]!.url).toBe('/api/v1/namespaces/ns/pods?watch=1&resourceVersion=4&allowWatchBookmarks=true');
    expect(events).toEqual(['ADDED 5', 'MODIFIED 6']);
  });

  it('a request may ask for another Accept (a Table) and fail at once when connectRetryMs is 0', async () => {
    const url = await serve((req, res) => res.end(JSON.stringify({ accept: req.headers.accept, agent: req.headers['user-agent'] })));
    const t = new RestTransport({ server: url, userAgent: 'kubectl-lite' });
    expect(await t.request('GET', '/api/v1/pods', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).toEqual({ accept: 'application/json;as=Table;v=v1;g=meta.k8s.io', agent: 'kubectl-lite' });
    expect(await t.request('GET', '/api/v1/pods')).toMatchObject({ accept: 'application/json' });
    t.close();
    // Port 1 on loopback refuses at once: kubectl reports that instead of waiting for a server.
    const down = new RestTransport({ server: 'http://127.0.0.1:1', connectRetryMs: 0 });
    const started = Date.now();
    await expect(down.request('GET', '/version')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeLessThan(1_000);
    down.close();
  });

  it('waits for an apiserver that is not listening yet (connection refused is retried)', async () => {
    // Find a free port, then start listening on it only after the first request was refused.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const t = new RestTransport({ server: `http://127.0.0.1:${port}` });
    const pending = t.request<{ ok: boolean }>('GET', '/readyz');
    await new Promise((r) => setTimeout(r, 300));
    server = http.createServer((_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    expect(await pending).toEqual({ ok: true });
    t.close();
  });

  it('a watch stream that goes silent past its idle timeout fails, so the reflector can resume', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
      // ...and then nothing, without closing: a partitioned apiserver.
    });
    const t = new RestTransport({ server: url });
    const got: unknown[] = [];
    await expect(
      (async () => {
        for await (const line of t.streamLines('/api/v1/pods', { query: { watch: 1 }, timeoutMs: 200 })) got.push(line);
      })(),
    ).rejects.toThrow();
    expect(got).toHaveLength(1);
    t.close();
    server!.closeAllConnections();
  });
});
