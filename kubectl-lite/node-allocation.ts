// kubectl-lite's `top`-like view of nodes: `get nodes -o wide` adds what the pods bound to each
// node request, against what the node can allocate, the way describe node's "Allocated resources"
// counts it (kubectl top needs a metrics server; requests are what the scheduler packs by).

import { formatQuantity, milliOf, parseQuantity, valueOf, ZERO } from '../client/quantity.js';
import type { Ctx } from './context.js';
import { resourcePath } from './discovery.js';
import { totalRequestsAndLimits, type PodLike } from './describe/pod-resources.js';

export const ALLOCATION_HEADERS = ['CPU REQUESTS', 'MEMORY REQUESTS', 'PODS'];

interface NodeLike {
  metadata?: { name?: string };
  status?: { allocatable?: Record<string, unknown>; capacity?: Record<string, unknown> };
}

type BoundPod = PodLike & { spec?: PodLike['spec'] & { nodeName?: string } };

/** The cells for one node, given the unfinished pods bound to it. */
export function allocationCells(node: NodeLike, pods: PodLike[]): string[] {
  const alloc = node.status?.allocatable && Object.keys(node.status.allocatable).length > 0 ? node.status.allocatable : (node.status?.capacity ?? {});
  const { requests } = totalRequestsAndLimits(pods);
  const pct = (used: number, of: number): number => (of === 0 ? 0 : Math.trunc((used / of) * 100));
  const cpu = requests.get('cpu') ?? ZERO;
  const memory = requests.get('memory') ?? ZERO;
  const cpuOf = milliOf(parseQuantity(alloc['cpu']) ?? ZERO);
  const memOf = valueOf(parseQuantity(alloc['memory']) ?? ZERO);
  const podsOf = parseQuantity(alloc['pods']);
  return [
    `${formatQuantity(cpu)} (${pct(milliOf(cpu), cpuOf)}%)`,
    `${formatQuantity(memory)} (${pct(valueOf(memory), memOf)}%)`,
    `${pods.length}/${podsOf ? formatQuantity(podsOf) : '?'}`,
  ];
}

/** Unfinished pods across all namespaces, grouped by the node they are bound to. */
export async function podsByNode(ctx: Ctx): Promise<Map<string, BoundPod[]>> {
  const r = await ctx.resolve('pods');
  const list = await ctx.api.request<{ items: BoundPod[] }>('GET', resourcePath(r, undefined), {
    query: { fieldSelector: 'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed' },
  });
  const out = new Map<string, BoundPod[]>();
  for (const p of list.items) {
    const node = p.spec?.nodeName;
    if (!node) continue;
    const bucket = out.get(node) ?? [];
    bucket.push(p);
    out.set(node, bucket);
  }
  return out;
}
