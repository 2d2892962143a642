import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import { podsTable } from './pods.js';

const now = new Date('2024-05-01T12:00:00Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', creationTimestamp: '2024-05-01T11:56:50Z' as unknown as Date, ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
    status,
  };
}

const running = { running: { startedAt: '2024-05-01T11:57:00Z' } };
const ready = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'app', ready: true, restartCount: 0, state: running, ...extra });

describe('pods: NAME READY STATUS RESTARTS AGE', () => {
  it.each<[string, KubeObject, [string, string, string]]>([
    ['pending, nothing reported', pod({}, { phase: 'Pending' }), ['0/1', 'Pending', '0']],
    [
      'container creating',
      pod({}, { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }),
      ['0/1', 'ContainerCreating', '0'],
    ],
    ['running and ready', pod({}, { phase: 'Running', containerStatuses: [ready()] }), ['1/1', 'Running', '0']],
    [
      'running, one of two ready',
      pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        { phase: 'Running', containerStatuses: [ready({ name: 'a' }), { name: 'b', ready: false, restartCount: 0, state: running }] },
      ),
      ['1/2', 'Running', '0'],
    ],
    [
      'crash loop with a known last restart',
      pod({}, {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-05-01T11:55:00Z' } },
          },
        ],
      }),
      ['0/1', 'CrashLoopBackOff', '4 (5m ago)'],
    ],
    [
      'restarts without a known time',
      pod({}, { phase: 'Running', containerStatuses: [ready({ restartCount: 2 })] }),
      ['1/1', 'Running', '2'],
    ],
    [
      'completed',
      pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      ['0/1', 'Completed', '0'],
    ],
    [
      'terminated without a reason: exit code',
      pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137 } } }] }),
      ['0/1', 'ExitCode:137', '0'],
    ],
    [
      'terminated by a signal',
      pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 0, signal: 9 } } }] }),
      ['0/1', 'Signal:9', '0'],
    ],
    [
      'one completed, one still running and the pod Ready',
      pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [ready({ name: 'a' }), { name: 'b', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        },
      ),
      ['1/2', 'Running', '0'],
    ],
    [
      'one completed, one running, pod not Ready',
      pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        { phase: 'Running', containerStatuses: [ready({ name: 'a' }), { name: 'b', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      ),
      ['1/2', 'NotReady', '0'],
    ],
    [
      'init container 1 of 2 running',
      pod(
        { initContainers: [{ name: 'i1' }, { name: 'i2' }] },
        {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'i2', restartCount: 0, state: running },
          ],
          containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      ),
      ['0/1', 'Init:1/2', '0'],
    ],
    [
      'init container waiting to start',
      pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] }),
      ['0/1', 'Init:0/1', '0'],
    ],
    [
      'init container crash looping',
      pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }),
      ['0/1', 'Init:CrashLoopBackOff', '3'],
    ],
    [
      'init container failed',
      pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }] }),
      ['0/1', 'Init:Error', '0'],
    ],
    [
      'init container failed without reason',
      pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 2 } } }] }),
      ['0/1', 'Init:ExitCode:2', '0'],
    ],
    [
      'a started sidecar counts as a container and lets the pod run',
      pod(
        { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: running }],
          containerStatuses: [ready()],
        },
      ),
      ['2/2', 'Running', '1'],
    ],
    ['terminating', pod({}, { phase: 'Running', containerStatuses: [ready()] }, { deletionTimestamp: '2024-05-01T11:59:00Z' }), ['1/1', 'Terminating', '0']],
    [
      'deleted after success stays Completed',
      pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: '2024-05-01T11:59:00Z' }),
      ['0/1', 'Completed', '0'],
    ],
    ['node lost', pod({}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: '2024-05-01T11:59:00Z' }), ['0/1', 'Unknown', '0']],
    ['evicted: the pod reason wins', pod({}, { phase: 'Failed', reason: 'Evicted' }), ['0/1', 'Evicted', '0']],
    ['scheduling gated', pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), ['0/1', 'SchedulingGated', '0']],
  ])('%s', (_name, p, [readyCell, statusCell, restartsCell]) => {
    expect(podsTable.row(p, now).slice(0, 5)).toEqual(['web', readyCell, statusCell, restartsCell, '3m10s']);
  });
});

describe('pods: wide columns', () => {
  it.each<[string, KubeObject, string[]]>([
    ['nothing assigned yet', pod({}, { phase: 'Pending' }), ['<none>', '<none>', '<none>', '<none>']],
    [
      'scheduled, with an IP and readiness gates',
      pod(
        { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
        {
          phase: 'Running',
          podIP: '10.0.0.5',
          podIPs: [{ ip: '10.0.0.5' }],
          nominatedNodeName: 'node-2',
          conditions: [
            { type: 'example.com/lb', status: 'True' },
            { type: 'example.com/dns', status: 'False' },
          ],
        },
      ),
      ['10.0.0.5', 'node-1', 'node-2', '1/2'],
    ],
    ['only podIPs', pod({}, { podIPs: [{ ip: 'fd00::1' }, { ip: '10.0.0.9' }] }), ['fd00::1', '<none>', '<none>', '<none>']],
  ])('%s', (_name, p, wide) => {
    expect(podsTable.row(p, now).slice(5)).toEqual(wide);
  });

  it('has Kubernetes columns and priorities', () => {
    expect(podsTable.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ]);
  });
});
