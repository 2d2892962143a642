// The client library against real processes: a store-server and two apiservers. An informer sees
// every change; it rides out its apiserver's SIGKILL and restart by resuming its watch from the last
// resourceVersion (every intermediate version arrives, none twice); after a compaction it relists
// and reports the deletes it missed; two leader electors on one Lease hand over when the leader stops.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { EtcdClient } from '../../store/client/index.js';
import { ControlPlane } from '../apiserver/testing/control-plane.js';
import { createClientSet, LeaderElector, RESOURCES, silentLogger, type KubeObject, type RestClientSet } from '../../client/index.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

let cp: ControlPlane;
const clientSets: RestClientSet[] = [];

beforeAll(async () => {
  cp = await ControlPlane.start({ apiservers: 2 });
}, 60_000);

afterAll(async () => {
  for (const cs of clientSets) cs.stop();
  await cp?.stop();
});

function clientSet(url: string): RestClientSet {
  const cs = createClientSet({ server: url }, { log: silentLogger });
  clientSets.push(cs);
  return cs;
}

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An informer on one namespace's configmaps through apiserver 0, logging what its handler sees. */
async function watchedNamespace(ns: string) {
  const writer = clientSet(cp.apiservers[1]!.url);
  await writer.client(RESOURCES.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const cs = clientSet(cp.apiservers[0]!.url);
  const informer = cs.informer<ConfigMap>(RESOURCES.configmaps, { namespace: ns });
  const seen: string[] = [];
  informer.addHandler({
    onAdd: (o) => seen.push(`add ${o.metadata.name} ${o.data?.['v'] ?? ''}`),
    onUpdate: (_old, o) => seen.push(`update ${o.metadata.name} ${o.data?.['v'] ?? ''}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  cs.start();
  await cs.waitForSync();
  const cms = writer.client<ConfigMap>(RESOURCES.configmaps);
  const cm = (name: string, v: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { v } });
  return { cs, informer, seen, cms, cm };
}

it('an informer lists, then sees adds, updates and deletes in order, with its indexes', async () => {
  const ns = 'informer-basic';
  const writer = clientSet(cp.apiservers[1]!.url);
  await writer.client(RESOURCES.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  // One object before the informer starts: it arrives through the list.
  await writer.client<ConfigMap>(RESOURCES.configmaps).create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: ns, labels: { app: 'x' } }, data: { v: '0' } });
  const cs = clientSet(cp.apiservers[0]!.url);
  const informer = cs.informer<ConfigMap>(RESOURCES.configmaps, { namespace: ns });
  expect(cs.informer(RESOURCES.configmaps, { namespace: ns })).toBe(informer);
  const seen: string[] = [];
  informer.addHandler({
    onAdd: (o) => seen.push(`add ${o.metadata.name} ${o.data?.['v']}`),
    onUpdate: (_old, o) => seen.push(`update ${o.metadata.name} ${o.data?.['v']}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  cs.start();
  await cs.waitForSync();
  expect(informer.hasSynced()).toBe(true);
  expect(seen).toEqual(['add before 0']);
  expect(informer.lister.byIndex('label', 'app=x').map((o) => o.metadata.name)).toEqual(['before']);

  const cms = writer.client<ConfigMap>(RESOURCES.configmaps);
  const a = await cms.create(ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: ns }, data: { v: '1' } });
  await cms.update({ ...a, data: { v: '2' } });
  await cms.patch(ns, 'a', 'merge', { data: { v: '3' } });
  await cms.delete(ns, 'before');
  await until('four events', () => seen.length === 5);
  expect(seen).toEqual(['add before 0', 'add a 1', 'update a 2', 'update a 3', 'delete before']);
  expect(informer.lister.list(ns).map((o) => o.metadata.name)).toEqual(['a']);
  expect(informer.lister.get(ns, 'a')?.data).toEqual({ v: '3' });
  expect(informer.lister.byIndex('label', 'app=x')).toEqual([]);
  // A stale update is a 409 the caller can recognise.
  await expect(cms.update({ ...a, data: { v: 'stale' } })).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
  await expect(cms.get(ns, 'nope')).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
}, 60_000);

it('resumes from the last resourceVersion after its apiserver is SIGKILLed and restarted: no event missed or repeated', async () => {
  const { seen, cms, cm } = await watchedNamespace('informer-restart');
  await cms.create(undefined, cm('a', '1'));
  await until('the first add', () => seen.length === 1);

  await cp.apiservers[0]!.kill('SIGKILL');
  // Written through the other apiserver while ours is down: every intermediate version must arrive.
  const a = await cms.update({ ...(await cms.get('informer-restart', 'a')), data: { v: '2' } });
  await cms.update({ ...a, data: { v: '3' } });
  await cms.create(undefined, cm('b', '1'));
  await cms.delete('informer-restart', 'b');
  await cp.apiservers[0]!.start();

  await cms.patch('informer-restart', 'a', 'merge', { data: { v: '4' } });
  await until('every change', () => seen.length >= 6);
  await new Promise((r) => setTimeout(r, 300));
  expect(seen).toEqual(['add a 1', 'update a 2', 'update a 3', 'add b 1', 'delete b', 'update a 4']);
}, 60_000);

it('relists after a compaction made its resourceVersion expire, and reports the deletes it missed', async () => {
  const ns = 'informer-compact';
  const { seen, cms, cm, informer } = await watchedNamespace(ns);
  await cms.create(undefined, cm('gone', '1'));
  await cms.create(undefined, cm('kept', '1'));
  await until('two adds', () => seen.length === 2);

  await cp.apiservers[0]!.kill('SIGKILL');
  await cms.delete(ns, 'gone');
  await cms.patch(ns, 'kept', 'merge', { data: { v: '2' } });
  await cms.patch(ns, 'kept', 'merge', { data: { v: '3' } });
  const last = await cms.create(undefined, cm('new', '1'));
  const etcd = new EtcdClient({ endpoints: cp.store.members[0]!.clientUrl });
  try {
    await etcd.kv.compact(last.metadata.resourceVersion!);
  } finally {
    etcd.close();
  }
  await cp.apiservers[0]!.start();

  await until('the relist', () => seen.length >= 5);
  await new Promise((r) => setTimeout(r, 300));
  // The relist shows only the final state: one update for kept (v 3, not 2), the add, the missed delete.
  expect(seen.slice(2).sort()).toEqual(['add new 1', 'delete gone', 'update kept 3']);
  expect(informer.lister.list(ns).map((o) => o.metadata.name).sort()).toEqual(['kept', 'new']);
}, 60_000);

it('leader election: one of two candidates leads; when its renewals stop the other takes over within the lease duration', async () => {
  const cs = clientSet(cp.apiservers[1]!.url);
  const leases = cs.client<KubeObject>(RESOURCES.leases);
  const leading: string[] = [];
  const stopped: string[] = [];
  const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 };
  const make = (identity: string) =>
    new LeaderElector({
      leases,
      namespace: 'kube-system',
      name: 'test-controller',
      identity,
      ...timing,
      log: silentLogger,
      onStartedLeading: () => void leading.push(identity),
      onStoppedLeading: () => void stopped.push(identity),
    });
  const controllers = { a: new AbortController(), b: new AbortController() };
  const electors = { a: make('a'), b: make('b') };
  const runs = { a: electors.a.run(controllers.a.signal), b: electors.b.run(controllers.b.signal) };

  await until('a leader', () => leading.length === 1);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(leading).toHaveLength(1);
  const first = leading[0] as 'a' | 'b';
  const other = first === 'a' ? 'b' : 'a';
  const lease = (await leases.get('kube-system', 'test-controller')) as KubeObject & { spec: Record<string, unknown> };
  expect(lease.spec['holderIdentity']).toBe(first);
  expect(lease.spec['leaseDurationSeconds']).toBe(3);
  expect(String(lease.spec['renewTime'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

  // The leader stops renewing (without releasing): the other may take over only once the lease ran out.
  const stoppedAt = Date.now();
  controllers[first].abort();
  await runs[first];
  await until('a new leader', () => leading.length === 2, 10_000);
  const took = Date.now() - stoppedAt;
  expect(leading[1]).toBe(other);
  expect(took).toBeGreaterThanOrEqual(timing.leaseDurationMs - timing.retryPeriodMs * 3);
  expect(took).toBeLessThan(timing.leaseDurationMs + 2_000);
  const after = (await leases.get('kube-system', 'test-controller')) as KubeObject & { spec: Record<string, unknown> };
  expect(after.spec['holderIdentity']).toBe(other);
  expect(after.spec['leaseTransitions']).toBe(1);
  controllers[other].abort();
  await runs[other];
  expect(stopped.sort()).toEqual(['a', 'b']);
}, 60_000);

it('records Events and aggregates repeats into a count', async () => {
  const cs = clientSet(cp.apiservers[1]!.url);
  const cms = cs.client<ConfigMap>(RESOURCES.configmaps);
  const obj = await cms.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'evented', namespace: 'default' } });
  const recorder = cs.recorder('test-controller', 'host-1') as ReturnType<RestClientSet['recorder']> & { flush(): Promise<void> };
  recorder.event(obj, 'Normal', 'Synced', 'all good');
  recorder.event(obj, 'Normal', 'Synced', 'all good');
  recorder.event(obj, 'Warning', 'Failed', 'not good');
  await recorder.flush();
  const events = await cs.client<KubeObject & Record<string, unknown>>(RESOURCES.events).list('default', { fieldSelector: 'involvedObject.name=evented' });
  const byReason = Object.fromEntries(events.items.map((e) => [e['reason'], e]));
  expect(Object.keys(byReason).sort()).toEqual(['Failed', 'Synced']);
  expect(byReason['Synced']).toMatchObject({ count: 2, type: 'Normal', message: 'all good', source: { component: 'test-controller', host: 'host-1' }, reportingComponent: 'test-controller', involvedObject: { kind: 'ConfigMap', name: 'evented', namespace: 'default', uid: obj.metadata.uid } });
  expect(byReason['Failed']).toMatchObject({ count: 1, type: 'Warning' });
  // kubectl describe shows them.
  const described = await cp.kubectl(['describe', 'configmap', 'evented', '-n', 'default']);
  expect(described.stdout).toMatch(/Normal\s+Synced\s+.*test-controller.*all good/);
}, 60_000);
