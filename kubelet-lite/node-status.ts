// What a simulated node says about itself, as pure functions: the Node object it registers, the
// status it posts (conditions, capacity, addresses, nodeInfo), and its Lease in kube-node-lease.
//
// Addressing scheme (node index i, 1-based within one kubelet-lite process):
//   InternalIP   172.18.0.1 + i      (node 1 → 172.18.0.2, like kind's docker network)
//   podCIDR      10.244.i.0/24       (i ≥ 256 continues into 10.245.0.0/24 …); pods get .2 – .254
// Two kubelet-lite processes against one cluster should use --first-index to keep them apart.

import type { V1Lease, V1MicroTime, V1Node, V1NodeCondition, V1NodeStatus, V1Taint } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { rfc3339 } from '../client/types.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's defaults: the lease lasts 40 s and is renewed at a quarter of that. */
export const LEASE_DURATION_SECONDS = 40;
export const KUBELET_PORT = 10250;

export interface NodeConfig {
  name: string;
  /** 1-based position, which decides the node's addresses. */
  index: number;
  cpu: string;
  memory: string;
  ephemeralStorage: string;
  maxPods: number;
  labels: Record<string, string>;
  taints: V1Taint[];
  /** GOARCH style: amd64, arm64. */
  arch: string;
  kubeletVersion: string;
  /** Changes each time the process starts, as a machine's boot ID does on reboot. */
  bootID: string;
}

// ---- addresses -------------------------------------------------------------------------------

const ipToInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export function internalIP(index: number): string {
  return intToIp(ipToInt('172.18.0.1') + index);
}

export function podCIDR(index: number): string {
  return `${intToIp(ipToInt('10.244.0.0') + index * 256)}/24`;
}

/** The usable pod addresses of a CIDR: skips the network address, the gateway (.1) and broadcast. */
export function cidrHosts(cidr: string): { first: number; last: number } {
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const network = ipToInt(base) - (ipToInt(base) % size);
  return { first: network + 2, last: network + size - 2 };
}

/** Hands out pod IPs from a node's CIDR, one per pod UID; a released address is reused last. */
export class IpPool {
  private readonly byUid = new Map<string, string>();
  private readonly used = new Set<string>();
  private next: number;
  private readonly range: { first: number; last: number };

  constructor(cidr: string) {
    this.range = cidrHosts(cidr);
    this.next = this.range.first;
  }

  /** The pod's address: the one it already has (after a restart, from its status), or a free one. */
  acquire(uid: string, existing?: string): string {
    const had = this.byUid.get(uid);
    if (had) return had;
    if (existing && !this.used.has(existing)) return this.take(uid, existing);
    const span = this.range.last - this.range.first + 1;
    for (let i = 0; i < span; i++) {
      const candidate = intToIp(this.next);
      this.next = this.next >= this.range.last ? this.range.first : this.next + 1;
      if (!this.used.has(candidate)) return this.take(uid, candidate);
    }
    throw new Error('no pod IP left in the node CIDR');
  }

  release(uid: string): void {
    const ip = this.byUid.get(uid);
    if (ip) this.used.delete(ip);
    this.byUid.delete(uid);
  }

  get size(): number {
    return this.used.size;
  }

  private take(uid: string, ip: string): string {
    this.byUid.set(uid, ip);
    this.used.add(ip);
    return ip;
  }
}

// ---- quantities ------------------------------------------------------------------------------

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes in a memory/storage quantity ("8Gi", "512Mi", "1G", "1000000"). */
export function quantityBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTPE]i|[kMGTPE]?)$/.exec(q.trim());
  if (!m) throw new Error(`invalid quantity ${JSON.stringify(q)}`);
  const mult = BINARY[m[2]!] ?? DECIMAL[m[2]!]!;
  return Math.round(Number(m[1]) * mult);
}

/** The kubelet reports memory and disk capacity in Ki, as cAdvisor measures them. */
const ki = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

// ---- the Node ------------------------------------------------------------------------------

function stableHex(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

function uuidOf(seed: string): string {
  const h = stableHex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function nodeLabels(cfg: NodeConfig): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': cfg.arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': cfg.arch,
    'kubernetes.io/hostname': cfg.name,
    'kubernetes.io/os': 'linux',
    ...cfg.labels,
  };
}

/** The Node a kubelet registers: labels, its CIDR and taints, and its first status. */
export function buildNode(cfg: NodeConfig, now: number): V1Node {
  const cidr = podCIDR(cfg.index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: cfg.name,
      labels: nodeLabels(cfg),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: cidr,
      podCIDRs: [cidr],
      ...(cfg.taints.length ? { taints: cfg.taints } : {}),
    },
    status: nodeStatus(cfg, undefined, now),
  };
}

/** Memory the kubelet keeps back by default: the hard eviction threshold memory.available<100Mi. */
const EVICTION_MEMORY = 100 * 2 ** 20;
/** … and nodefs.available<10%. */
const EVICTION_NODEFS = 0.1;

const CONDITIONS: { type: string; status: 'True' | 'False'; reason: string; message: string }[] = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/**
 * The status a healthy node posts at `now`. A condition keeps its lastTransitionTime while its
 * status holds; after the node lifecycle controller set it Unknown, posting again is a transition.
 */
export function nodeStatus(cfg: NodeConfig, prev: V1NodeStatus | undefined, now: number): V1NodeStatus {
  const memory = quantityBytes(cfg.memory);
  const storage = quantityBytes(cfg.ephemeralStorage);
  const conditions: V1NodeCondition[] = CONDITIONS.map((c) => {
    const old = prev?.conditions?.find((p) => p.type === c.type);
    return {
      ...c,
      lastHeartbeatTime: rfc3339(now),
      lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now),
    };
  });
  return {
    ...(prev ?? {}),
    capacity: {
      cpu: cfg.cpu,
      'ephemeral-storage': ki(storage),
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: ki(memory),
      pods: String(cfg.maxPods),
    },
    allocatable: {
      cpu: cfg.cpu,
      'ephemeral-storage': String(Math.floor(storage * (1 - EVICTION_NODEFS))),
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: ki(Math.max(0, memory - EVICTION_MEMORY)),
      pods: String(cfg.maxPods),
    },
    conditions,
    addresses: [
      { type: 'InternalIP', address: internalIP(cfg.index) },
      { type: 'Hostname', address: cfg.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: stableHex(`machine:${cfg.name}`).slice(0, 32),
      systemUUID: uuidOf(`system:${cfg.name}`),
      bootID: uuidOf(`boot:${cfg.name}:${cfg.bootID}`),
      kernelVersion: '6.1.0-28-amd64',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://1.7.24',
      kubeletVersion: cfg.kubeletVersion,
      // Deprecated: kubelets of 1.31+ leave it empty (DisableNodeKubeProxyVersion).
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: cfg.arch,
    },
  };
}

/** metav1.MicroTime's wire form: RFC 3339 with 6 fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The node's heartbeat Lease, owned by its Node so it goes when the Node goes. */
export function nodeLease(name: string, nodeUid: string | undefined, now: number): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }] } : {}),
    },
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: LEASE_DURATION_SECONDS,
      // A string on the wire; client-node types it as a Date subclass.
      renewTime: microTime(now) as unknown as V1MicroTime,
    },
  };
}

/** Parses --node-taints "key=value:Effect,key:Effect". */
export function parseTaints(s: string): V1Taint[] {
  if (!s.trim()) return [];
  return s.split(',').map((item) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(item.trim());
    if (!m) throw new Error(`invalid taint ${JSON.stringify(item)}: want key[=value]:NoSchedule|PreferNoSchedule|NoExecute`);
    return { key: m[1]!, ...(m[2] ? { value: m[2] } : {}), effect: m[3]! };
  });
}

/** Parses --node-labels "k=v,k2=v2". */
export function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s.trim()) return out;
  for (const item of s.split(',')) {
    const i = item.indexOf('=');
    if (i <= 0) throw new Error(`invalid label ${JSON.stringify(item)}: want key=value`);
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}
