// kubectl-lite's `top`-like view of nodes: `get nodes -o wide` adds what the pods bound to each
// node request, against what the node can allocate, the way describe node's "Allocated resources"
// counts it (kubectl top needs a metrics server; requests are what the scheduler packs by).

import { formatQuantity, milliOf, parseQuantity, valueOf, ZERO } from '../client/quantity.js';
import type { Ctx } from './context.js';
import { resourcePath } from './discovery.js';
import { allocatableOf, share, totalRequestsAndLimits, type PodLike } from './describe/pod-resources.js';

export const ALLOCATION_HEADERS = ['CPU REQUESTS', 'MEMORY REQUESTS', 'PODS'];

interface NodeLike {
  metadata?: { name?: string };
  status?: { allocatable?: Record<string, unknown>; capacity?: Record<string, unknown> };
}

type BoundPod = PodLike & { spec?: PodLike['spec'] & { nodeName?: string } };

/** The cells for one node, given the unfinished pods bound to it. */
export function allocationCells(node: NodeLike, pods: PodLike[]): string[] {
  const alloc = allocatableOf(node);
  const { requests } = totalRequestsAndLimits(pods);
  const podsOf = parseQuantity(alloc['pods']);
  return [
    share(requests.get('cpu') ?? ZERO, milliOf(parseQuantity(alloc['cpu']) ?? ZERO), milliOf),
    share(requests.get('memory') ?? ZERO, valueOf(parseQuantity(alloc['memory']) ?? ZERO), valueOf),
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
