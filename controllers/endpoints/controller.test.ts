import { describe, expect, it } from 'vitest';
import type { V1Endpoints } from '@kubernetes/client-node';
import { FakeCluster } from '../../client/testing/fake.js';
import { RESOURCES, type KubeObject } from '../../client/types.js';
import { EndpointsController } from './controller.js';

const svc = (name: string, selector?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ns' }, spec: { selector, clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } }) as KubeObject;
const pod = (name: string, ip: string, labels: Record<string, string> = { app: 'web' }): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels }, spec: { nodeName: 'n1', containers: [] }, status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] } }) as KubeObject;

function setup() {
  const cluster = new FakeCluster();
  const cs = cluster.clientSet();
  const c = new EndpointsController(cs);
  const queued: string[] = [];
  c.register(cs, (k) => queued.push(k));
  return { cluster, c, queued, cs };
}
type Ep = V1Endpoints & KubeObject;

describe('EndpointsController', () => {
  it('creates the Endpoints of a selecting service, then updates only on change', async () => {
    const { cluster, c, cs } = setup();
    cluster.seed(RESOURCES.services, [svc('web', { app: 'web' })]);
    cluster.seed(RESOURCES.pods, [pod('a', '10.1.0.1'), pod('x', '10.1.0.9', { app: 'other' })]);
    await c.reconcile('ns/web');
    const ep = cluster.get<Ep>(RESOURCES.endpoints, 'ns/web')!;
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.1.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
    expect(cluster.actions.map((a) => a.verb)).toEqual(['create']);

    await c.reconcile('ns/web');
    expect(cluster.actions).toHaveLength(1);

    await cs.client(RESOURCES.pods).create('ns', pod('b', '10.1.0.2'));
    await c.reconcile('ns/web');
    expect(cluster.actions.map((a) => a.verb)).toEqual(['create', 'create', 'update']);
    expect(cluster.get<Ep>(RESOURCES.endpoints, 'ns/web')!.subsets![0]!.addresses!.map((a) => a.ip)).toEqual(['10.1.0.1', '10.1.0.2']);
  });

  it('leaves services without a selector alone', async () => {
    const { cluster, c } = setup();
    cluster.seed(RESOURCES.services, [svc('manual')]);
    cluster.seed(RESOURCES.endpoints, [{ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual', namespace: 'ns' }, subsets: [{ addresses: [{ ip: '192.168.0.1' }] }] } as KubeObject]);
    await c.reconcile('ns/manual');
    expect(cluster.actions).toEqual([]);
  });

  it('deletes the Endpoints of a deleted service', async () => {
    const { cluster, c } = setup();
    cluster.seed(RESOURCES.endpoints, [{ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'ns' } } as KubeObject]);
    await c.reconcile('ns/web');
    expect(cluster.actions.map((a) => `${a.verb} ${a.key}`)).toEqual(['delete ns/web']);
    await c.reconcile('ns/web');
  });

  it('a pod change queues the services that select it before or after', async () => {
    const { cluster, cs, queued } = setup();
    cluster.seed(RESOURCES.services, [svc('web', { app: 'web' }), svc('api', { app: 'api' }), svc('manual')]);
    cluster.seed(RESOURCES.pods, [pod('a', '10.1.0.1')]);
    const a = cluster.get<KubeObject>(RESOURCES.pods, 'ns/a')!;
    await cs.client(RESOURCES.pods).update({ ...a, metadata: { ...a.metadata, labels: { app: 'api' } } });
    expect([...queued].sort()).toEqual(['ns/api', 'ns/web']);
  });
});
