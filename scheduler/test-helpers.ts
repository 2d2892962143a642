// Builders for nodes and pods in scheduler tests.

import type { V1Container, V1Node, V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import type { KubeObject } from '../client/types.js';

export type TestNode = V1Node & KubeObject;
export type TestPod = V1Pod & KubeObject;

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: V1Taint[];
  unschedulable?: boolean;
  ready?: 'True' | 'False' | 'Unknown' | null;
  extra?: Record<string, string>;
}

export function node(name: string, o: NodeOptions = {}): TestNode {
  const allocatable: Record<string, string> = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) };
  const ready = o.ready === undefined ? 'True' : o.ready;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-node-${name}`, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: { ...allocatable }, allocatable, conditions: ready === null ? [] : [{ type: 'Ready', status: ready }] },
  } as TestNode;
}

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  nodeName?: string;
  priority?: number;
  owner?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: V1Toleration[];
  hostPorts?: number[];
  schedulerName?: string;
  containers?: V1Container[];
  initContainers?: V1Container[];
  affinity?: V1Pod['spec'] extends infer S ? (S extends { affinity?: infer A } ? A : never) : never;
}

export function pod(name: string, o: PodOptions = {}): TestPod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests['cpu'] = o.cpu;
  if (o.memory) requests['memory'] = o.memory;
  const container: V1Container = {
    name: 'app',
    image: 'nginx',
    resources: Object.keys(requests).length ? { requests } : {},
    ...(o.hostPorts ? { ports: o.hostPorts.map((p) => ({ containerPort: p, hostPort: p })) } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${name}`,
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: `uid-${o.owner}`, controller: true }] } : {}),
    },
    spec: {
      schedulerName: o.schedulerName ?? 'default-scheduler',
      containers: o.containers ?? [container],
      ...(o.initContainers ? { initContainers: o.initContainers } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
    },
    status: { phase: 'Pending' },
  } as TestPod;
}
