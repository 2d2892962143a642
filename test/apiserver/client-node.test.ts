// @kubernetes/client-node 2.x against the apiserver: typed CRUD, the generic KubernetesObjectApi
// with server-side apply, an informer's list+watch, and optimistic concurrency (a stale update is 409).

import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane } from './testing/control-plane.js';

let cp: ControlPlane;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  cp = await ControlPlane.start();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfig);
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

async function eventually<T>(f: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('@kubernetes/client-node', () => {
  it('CRUD with CoreV1Api and a 409 on a stale update', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'c1' }, data: { a: '1' } } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    const read = await core.readNamespacedConfigMap({ name: 'c1', namespace: 'default' });
    expect(read.data).toEqual({ a: '1' });

    const updated = await core.replaceNamespacedConfigMap({ name: 'c1', namespace: 'default', body: { ...read, data: { a: '2' } } });
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(Number(read.metadata!.resourceVersion));

    // `read` now carries a stale resourceVersion.
    const stale = await core.replaceNamespacedConfigMap({ name: 'c1', namespace: 'default', body: { ...read, data: { a: '3' } } }).then(
      () => undefined,
      (e: unknown) => e as k8s.ApiException<string>,
    );
    expect(stale?.code).toBe(409);
    const status = JSON.parse(stale!.body) as { reason: string; message: string };
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe('Operation cannot be fulfilled on configmaps "c1": the object has been modified; please apply your changes to the latest version and try again');

    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(list.items.map((c) => c.metadata?.name)).toContain('c1');
    await core.deleteNamespacedConfigMap({ name: 'c1', namespace: 'default' });
    const missing = await core.readNamespacedConfigMap({ name: 'c1', namespace: 'default' }).then(
      () => undefined,
      (e: unknown) => e as k8s.ApiException<string>,
    );
    expect(missing?.code).toBe(404);
  });

  it('KubernetesObjectApi: generic create, server-side apply and read', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'generic', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'generic' } },
        template: { metadata: { labels: { app: 'generic' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    };
    const applied = await client.patch(spec, undefined, undefined, 'test-manager', true, k8s.PatchStrategy.ServerSideApply);
    expect(applied.metadata?.name).toBe('generic');
    const again = await client.patch({ ...spec, spec: { ...spec.spec, replicas: 3 } }, undefined, undefined, 'test-manager', true, k8s.PatchStrategy.ServerSideApply);
    const read = (await client.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'generic', namespace: 'default' } })) as k8s.V1Deployment;
    expect(read.spec?.replicas).toBe(3);
    expect(read.metadata?.resourceVersion).toBe((again as k8s.KubernetesObject).metadata?.resourceVersion);
    expect(read.metadata?.managedFields?.find((m) => m.manager === 'test-manager')?.operation).toBe('Apply');
  });

  it('an informer lists, then watches adds, updates and deletes', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'before' }, data: {} } });
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${JSON.stringify(o.data)}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    // client-node stops an informer on a connection error and leaves the restart to its user;
    // start() resumes from the last resourceVersion it saw.
    informer.on('error', () => setTimeout(() => void informer.start().catch(() => undefined), 500));
    await informer.start();
    try {
      await eventually(() => (seen.includes('add before') ? true : undefined));
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' }, data: { x: '1' } } });
      await core.patchNamespacedConfigMap({ name: 'after', namespace: 'default', body: { data: { x: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ name: 'after', namespace: 'default' });
      await eventually(() => (seen.includes('delete after') ? true : undefined));
      expect(seen.filter((s) => s.includes('after'))).toEqual(['add after', 'update after {"x":"2"}', 'delete after']);
      expect(informer.get('before', 'default')?.metadata?.name).toBe('before');

      // The apiserver dies and comes back on the same port: the informer reconnects and resumes.
      await cp.apiservers[0]!.kill('SIGKILL');
      await cp.apiservers[0]!.start();
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'later' }, data: {} } });
      await eventually(() => (seen.includes('add later') ? true : undefined), 30_000);
      expect(seen.filter((s) => s === 'add before')).toHaveLength(1);
      expect(seen.filter((s) => s === 'add later')).toHaveLength(1);
    } finally {
      await informer.stop();
    }
  });
});
