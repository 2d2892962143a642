// kubectl describe node, section by section as kubectl prints it: identity, taints, the node's
// heartbeat Lease, conditions, addresses, capacity and allocatable, system info, the pods running
// there with their requests and limits, the node's allocated resources, and its events.

import { formatQuantity, milliOf, parseQuantity, valueOf, ZERO, type Quantity } from '../../client/quantity.js';
import type { Ctx } from '../context.js';
import { resourcePath } from '../discovery.js';
import type { KObj } from '../objects.js';
import { age } from '../printer.js';
import { DescribeWriter } from '../tabwriter.js';
import { describeEvents, eventsFor, get, printAnnotations, printLabels, printTaints, rfc1123z, type EventItem, type Taint } from './common.js';
import { allocatableOf, podRequestsAndLimits, share, totalRequestsAndLimits, type PodLike, type QuantityList } from './pod-resources.js';

type PodObj = KObj & PodLike;

interface Condition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface LeaseObj {
  spec?: { holderIdentity?: string; acquireTime?: string; renewTime?: string };
}

/** Resources kubectl counts as standard container resources (not "extended"). */
const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage']);

/** Roles from node-role.kubernetes.io/<role> labels and the older kubernetes.io/role label. */
function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

function resourceList(w: DescribeWriter, list: Record<string, unknown>): void {
  for (const name of Object.keys(list).sort()) {
    const q = parseQuantity(list[name]);
    w.write(0, `  ${name}:\t${q ? formatQuantity(q) : String(list[name])}\n`);
  }
}

function nodeResources(w: DescribeWriter, node: KObj, pods: PodObj[]): void {
  const allocatable = allocatableOf(node);
  const alloc = (name: string): Quantity => parseQuantity(allocatable[name]) ?? ZERO;
  const cpu = milliOf(alloc('cpu'));
  const memory = valueOf(alloc('memory'));
  const of = (list: QuantityList, name: string): Quantity => list.get(name) ?? ZERO;

  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  for (const pod of pods) {
    const { requests, limits } = podRequestsAndLimits(pod);
    w.write(1, `${pod.metadata.namespace ?? ''}\t${pod.metadata.name}\t\t${share(of(requests, 'cpu'), cpu, milliOf)}\t${share(of(limits, 'cpu'), cpu, milliOf)}\t${share(of(requests, 'memory'), memory, valueOf)}\t${share(of(limits, 'memory'), memory, valueOf)}\t${age(pod.metadata.creationTimestamp)}\n`);
  }

  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const { requests, limits } = totalRequestsAndLimits(pods);
  const row = (name: string, total: number, unit: (q: Quantity) => number): void => w.write(1, `${name}\t${share(of(requests, name), total, unit)}\t${share(of(limits, name), total, unit)}\n`);
  row('cpu', cpu, milliOf);
  row('memory', memory, valueOf);
  row('ephemeral-storage', valueOf(alloc('ephemeral-storage')), valueOf);
  const names = Object.keys(allocatable);
  for (const name of names.filter((n) => n.startsWith('hugepages-')).sort()) row(name, valueOf(alloc(name)), valueOf);
  for (const name of names.filter((n) => !n.startsWith('hugepages-') && !STANDARD.has(n) && n !== 'pods').sort()) {
    w.write(1, `${name}\t${formatQuantity(of(requests, name))}\t${formatQuantity(of(limits, name))}\n`);
  }
}

export function describeNode(node: KObj, pods: PodObj[], lease: LeaseObj | Error, events: EventItem[] | undefined): string {
  const w = new DescribeWriter();
  const info = (get(node, 'status.nodeInfo') ?? {}) as Record<string, string | undefined>;
  w.write(0, `Name:\t${node.metadata.name}\n`);
  const roles = nodeRoles(node.metadata.labels);
  w.write(0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
  printLabels(w, 'Labels', node.metadata.labels);
  printAnnotations(w, 'Annotations', node.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  printTaints(w, 'Taints', get(node, 'spec.taints') as Taint[] | undefined);
  w.write(0, `Unschedulable:\t${Boolean(get(node, 'spec.unschedulable'))}\n`);

  if (lease instanceof Error) w.write(0, `Lease:\tFailed to get lease: ${lease.message}\n`);
  else {
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
  }

  const conditions = (get(node, 'status.conditions') ?? []) as Condition[];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
  }

  w.write(0, 'Addresses:\n');
  for (const a of (get(node, 'status.addresses') ?? []) as { type: string; address: string }[]) w.write(1, `${a.type}:\t${a.address}\n`);
  const capacity = (get(node, 'status.capacity') ?? {}) as Record<string, unknown>;
  if (Object.keys(capacity).length > 0) {
    w.write(0, 'Capacity:\n');
    resourceList(w, capacity);
  }
  const allocatable = (get(node, 'status.allocatable') ?? {}) as Record<string, unknown>;
  if (Object.keys(allocatable).length > 0) {
    w.write(0, 'Allocatable:\n');
    resourceList(w, allocatable);
  }
  w.write(0, 'System Info:\n');
  const infoRows: [string, string][] = [
    ['Machine ID', 'machineID'],
    ['System UUID', 'systemUUID'],
    ['Boot ID', 'bootID'],
    ['Kernel Version', 'kernelVersion'],
    ['OS Image', 'osImage'],
    ['Operating System', 'operatingSystem'],
    ['Architecture', 'architecture'],
    ['Container Runtime Version', 'containerRuntimeVersion'],
    ['Kubelet Version', 'kubeletVersion'],
    ['Kube-Proxy Version', 'kubeProxyVersion'],
  ];
  for (const [title, field] of infoRows) w.write(0, `  ${title}:\t${info[field] ?? ''}\n`);
  const podCIDR = get(node, 'spec.podCIDR') as string | undefined;
  if (podCIDR) w.write(0, `PodCIDR:\t${podCIDR}\n`);
  const podCIDRs = (get(node, 'spec.podCIDRs') ?? []) as string[];
  if (podCIDRs.length > 0) w.write(0, `PodCIDRs:\t${podCIDRs.join(',')}\n`);
  const providerID = get(node, 'spec.providerID') as string | undefined;
  if (providerID) w.write(0, `ProviderID:\t${providerID}\n`);
  nodeResources(w, node, pods);
  describeEvents(w, events);
  return w.toString();
}

/** The pods bound to a node that have not finished (what occupies its resources). */
export async function podsOnNode(ctx: Ctx, nodeName: string): Promise<PodObj[]> {
  const r = await ctx.resolve('pods');
  const list = await ctx.api.request<{ items: PodObj[] }>('GET', resourcePath(r, undefined), {
    query: { fieldSelector: `spec.nodeName=${nodeName},status.phase!=Succeeded,status.phase!=Failed` },
  });
  return list.items;
}

export async function fetchAndDescribeNode(ctx: Ctx, node: KObj): Promise<string> {
  const pods = await podsOnNode(ctx, node.metadata.name);
  let lease: LeaseObj | Error;
  try {
    const r = await ctx.resolve('leases');
    lease = await ctx.api.request<LeaseObj>('GET', resourcePath(r, 'kube-node-lease', node.metadata.name));
  } catch (e) {
    lease = e instanceof Error ? e : new Error(String(e));
  }
  // Controllers name a node by its uid, kubelets by its name: kubectl searches both.
  const events = await eventsFor(ctx, undefined, [node.metadata.uid ?? '', node.metadata.name]);
  return describeNode(node, pods, lease, events);
}
