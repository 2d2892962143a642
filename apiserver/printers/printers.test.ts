import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import type { TableSpec } from '../resources/strategy.js';
import { configmapsTable } from './configmaps.js';
import { daemonsetsTable } from './daemonsets.js';
import { deploymentsTable } from './deployments.js';
import { endpointsTable } from './endpoints.js';
import { eventsTable } from './events.js';
import { tablesByResource } from './index.js';
import { jobsTable } from './jobs.js';
import { leasesTable } from './leases.js';
import { namespacesTable } from './namespaces.js';
import { nodesTable } from './nodes.js';
import { replicasetsTable } from './replicasets.js';
import { secretsTable } from './secrets.js';
import { serviceaccountsTable } from './serviceaccounts.js';
import { servicesTable } from './services.js';
import { statefulsetsTable } from './statefulsets.js';

const now = new Date('2024-05-03T12:00:00Z');
const created = '2024-05-01T09:00:00Z'; // AGE 2d3h

function obj(kind: string, name: string, body: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { name, creationTimestamp: created as unknown as Date, ...meta }, ...body };
}

const template = { spec: { containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } };
const selector = { matchLabels: { app: 'web' } };

describe('column headers (name, priority) as kubectl shows them', () => {
  const header = (t: TableSpec, wide: boolean): string =>
    t.columns.filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase()).join(' ');
  it.each<[string, string, string]>([
    ['namespaces', 'NAME STATUS AGE', 'NAME STATUS AGE'],
    ['pods', 'NAME READY STATUS RESTARTS AGE', 'NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES'],
    ['nodes', 'NAME STATUS ROLES AGE VERSION', 'NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME'],
    ['services', 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE', 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR'],
    ['endpoints', 'NAME ENDPOINTS AGE', 'NAME ENDPOINTS AGE'],
    ['configmaps', 'NAME DATA AGE', 'NAME DATA AGE'],
    ['secrets', 'NAME TYPE DATA AGE', 'NAME TYPE DATA AGE'],
    ['events', 'LAST SEEN TYPE REASON OBJECT MESSAGE', 'LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME'],
    ['serviceaccounts', 'NAME SECRETS AGE', 'NAME SECRETS AGE'],
    ['deployments', 'NAME READY UP-TO-DATE AVAILABLE AGE', 'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR'],
    ['replicasets', 'NAME DESIRED CURRENT READY AGE', 'NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR'],
    ['daemonsets', 'NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE', 'NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE CONTAINERS IMAGES SELECTOR'],
    ['statefulsets', 'NAME READY AGE', 'NAME READY AGE CONTAINERS IMAGES'],
    ['jobs', 'NAME STATUS COMPLETIONS DURATION AGE', 'NAME STATUS COMPLETIONS DURATION AGE CONTAINERS IMAGES SELECTOR'],
    ['leases', 'NAME HOLDER AGE', 'NAME HOLDER AGE'],
  ])('%s', (resource, normal, wide) => {
    const t = tablesByResource[resource]!;
    expect(header(t, false)).toBe(normal);
    expect(header(t, true)).toBe(wide);
    expect(t.columns.find((c) => c.name === 'Name')?.format).toBe('name');
  });
});

describe('rows', () => {
  it.each<[string, TableSpec, KubeObject, unknown[]]>([
    ['namespace', namespacesTable, obj('Namespace', 'default', { status: { phase: 'Active' } }), ['default', 'Active', '2d3h']],
    ['configmap counts data and binaryData', configmapsTable, obj('ConfigMap', 'cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), ['cfg', 3, '2d3h']],
    ['empty configmap', configmapsTable, obj('ConfigMap', 'kube-root-ca.crt', {}), ['kube-root-ca.crt', 0, '2d3h']],
    ['secret', secretsTable, obj('Secret', 's', { type: 'Opaque', data: { u: 'YQ==' } }), ['s', 'Opaque', 1, '2d3h']],
    ['service account', serviceaccountsTable, obj('ServiceAccount', 'default', {}), ['default', 0, '2d3h']],
    ['lease', leasesTable, obj('Lease', 'kube-scheduler', { spec: { holderIdentity: 'sched-1_abc' } }), ['kube-scheduler', 'sched-1_abc', '2d3h']],
    ['lease without holder', leasesTable, obj('Lease', 'l', { spec: {} }), ['l', '', '2d3h']],
    [
      'ClusterIP service',
      servicesTable,
      obj('Service', 'web', { spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'web', tier: 'fe' } } }),
      ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '2d3h', 'app=web,tier=fe'],
    ],
    [
      'headless service without selector or ports',
      servicesTable,
      obj('Service', 'h', { spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] } }),
      ['h', 'ClusterIP', 'None', '<none>', '<none>', '2d3h', '<none>'],
    ],
    [
      'NodePort service with external IPs',
      servicesTable,
      obj('Service', 'np', { spec: { type: 'NodePort', clusterIP: '10.96.1.1', externalIPs: ['1.2.3.4'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } }),
      ['np', 'NodePort', '10.96.1.1', '1.2.3.4', '80:30080/TCP', '2d3h', '<none>'],
    ],
    [
      'LoadBalancer pending',
      servicesTable,
      obj('Service', 'lb', { spec: { type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] } }),
      ['lb', 'LoadBalancer', '10.96.2.2', '<pending>', '443:31443/TCP', '2d3h', '<none>'],
    ],
    [
      'LoadBalancer with ingress (never shortened server-side)',
      servicesTable,
      obj('Service', 'lb', {
        spec: { type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], ports: [] },
        status: { loadBalancer: { ingress: [{ hostname: 'a-very-long-hostname.example.com' }, { ip: '203.0.113.9' }] } },
      }),
      ['lb', 'LoadBalancer', '10.96.2.2', '203.0.113.9,a-very-long-hostname.example.com', '<none>', '2d3h', '<none>'],
    ],
    [
      'ExternalName service',
      servicesTable,
      obj('Service', 'ext', { spec: { type: 'ExternalName', externalName: 'db.example.com' } }),
      ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '2d3h', '<none>'],
    ],
    [
      'ready control-plane node',
      nodesTable,
      obj(
        'Node',
        'node-1',
        {
          spec: {},
          status: {
            conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
            addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '192.168.1.10' }],
            nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0' },
          },
        },
        { labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/': '' } },
      ),
      ['node-1', 'Ready', 'control-plane,master', '2d3h', 'v1.32.0', '192.168.1.10', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'containerd://1.7.0'],
    ],
    [
      'cordoned node that stopped reporting',
      nodesTable,
      obj('Node', 'node-2', { spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }),
      ['node-2', 'NotReady,SchedulingDisabled', '<none>', '2d3h', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
    ],
    ['node without conditions', nodesTable, obj('Node', 'n', { spec: {}, status: {} }), ['n', 'Unknown', '<none>', '2d3h', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']],
    ['endpoints without subsets', endpointsTable, obj('Endpoints', 'e', {}), ['e', '<none>', '2d3h']],
    [
      'endpoints with more than three',
      endpointsTable,
      obj('Endpoints', 'web', {
        subsets: [
          { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] },
          { addresses: [{ ip: 'fd00::1' }] },
        ],
      }),
      ['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...', '2d3h'],
    ],
    [
      'deployment',
      deploymentsTable,
      obj('Deployment', 'web', { spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } }),
      ['web', '2/3', 3, 2, '2d3h', 'app,log', 'nginx:1.25,busybox', 'app=web'],
    ],
    [
      'deployment with an invalid selector',
      deploymentsTable,
      obj('Deployment', 'bad', { spec: { replicas: 1, selector: { matchExpressions: [{ key: 'a', operator: 'Nope' }] }, template }, status: {} }),
      ['bad', '0/1', 0, 0, '2d3h', 'app,log', 'nginx:1.25,busybox', '<invalid>'],
    ],
    [
      'replicaset',
      replicasetsTable,
      obj('ReplicaSet', 'web-5d9c', { spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d9c' } }, template }, status: { replicas: 3, readyReplicas: 1 } }),
      ['web-5d9c', 3, 3, 1, '2d3h', 'app,log', 'nginx:1.25,busybox', 'app=web,pod-template-hash=5d9c'],
    ],
    [
      'daemonset',
      daemonsetsTable,
      obj('DaemonSet', 'agent', {
        spec: { selector, template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
      }),
      ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '2d3h', 'app,log', 'nginx:1.25,busybox', 'app=web'],
    ],
    [
      'statefulset',
      statefulsetsTable,
      obj('StatefulSet', 'db', { spec: { replicas: 3, selector, template }, status: { readyReplicas: 3 } }),
      ['db', '3/3', '2d3h', 'app,log', 'nginx:1.25,busybox'],
    ],
  ])('%s', (_name, table, o, cells) => {
    expect(table.row(o, now)).toEqual(cells);
    expect(cells).toHaveLength(table.columns.length);
  });
});

describe('jobs', () => {
  const job = (spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject =>
    obj('Job', 'pi', { spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, template, ...spec }, status }, meta);
  it.each<[string, KubeObject, [string, string, string]]>([
    ['just created', job({ completions: 1 }, {}), ['Running', '0/1', '']],
    ['running for 3m10s', job({ completions: 3 }, { startTime: '2024-05-03T11:56:50Z', succeeded: 1 }), ['Running', '1/3', '3m10s']],
    [
      'complete',
      job({ completions: 1 }, { startTime: '2024-05-03T10:00:00Z', completionTime: '2024-05-03T10:00:42Z', succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }),
      ['Complete', '1/1', '42s'],
    ],
    ['failed', job({}, { conditions: [{ type: 'Failed', status: 'True' }] }), ['Failed', '0/1', '']],
    ['work queue with parallelism', job({ parallelism: 4 }, {}), ['Running', '0/1 of 4', '']],
    ['suspended', job({ completions: 2 }, { conditions: [{ type: 'Suspended', status: 'True' }] }), ['Suspended', '0/2', '']],
    ['failure target', job({ completions: 2 }, { conditions: [{ type: 'FailureTarget', status: 'True' }] }), ['FailureTarget', '0/2', '']],
    ['terminating', job({ completions: 2 }, { conditions: [{ type: 'Suspended', status: 'True' }] }, { deletionTimestamp: '2024-05-03T11:00:00Z' }), ['Terminating', '0/2', '']],
    ['a False condition does not count', job({ completions: 1 }, { conditions: [{ type: 'Complete', status: 'False' }] }), ['Running', '0/1', '']],
  ])('%s', (_name, j, [status, completions, duration]) => {
    expect(jobsTable.row(j, now)).toEqual([
      'pi',
      status,
      completions,
      duration,
      '2d3h',
      'app,log',
      'nginx:1.25,busybox',
      'batch.kubernetes.io/controller-uid=u1',
    ]);
  });
});

describe('events', () => {
  const base = {
    involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    type: 'Normal',
    message: '  Container image "nginx" already present on machine\n',
  };
  it.each<[string, Record<string, unknown>, unknown[]]>([
    [
      'core/v1 event',
      { ...base, firstTimestamp: '2024-05-03T11:00:00Z', lastTimestamp: '2024-05-03T11:56:50Z', count: 3, source: { component: 'kubelet', host: 'node-1' } },
      ['3m10s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Container image "nginx" already present on machine', '60m', 3, 'web-1.17c'],
    ],
    [
      'events.k8s.io event without timestamps or count',
      { ...base, eventTime: '2024-05-03T11:59:55Z', reportingComponent: 'default-scheduler', reportingInstance: '' },
      ['5s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'default-scheduler', 'Container image "nginx" already present on machine', '5s', 1, 'web-1.17c'],
    ],
    [
      'series',
      { ...base, eventTime: '2024-05-03T11:00:00Z', series: { count: 7, lastObservedTime: '2024-05-03T11:59:00Z' } },
      ['60s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', '', 'Container image "nginx" already present on machine', '60m', 7, 'web-1.17c'],
    ],
    [
      'about a kind without a name',
      { ...base, involvedObject: { kind: 'Node' }, lastTimestamp: '2024-05-03T11:59:00Z' },
      ['60s', 'Normal', 'Pulled', 'node', '', '', 'Container image "nginx" already present on machine', '<unknown>', 1, 'web-1.17c'],
    ],
  ])('%s', (_name, body, cells) => {
    expect(eventsTable.row(obj('Event', 'web-1.17c', body), now)).toEqual(cells);
  });
});
