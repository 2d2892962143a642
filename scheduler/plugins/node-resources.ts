// NodeResourcesFit (filter and LeastAllocated score) and NodeResourcesBalancedAllocation.

import { MAX_NODE_SCORE, type FilterPlugin, type PodContext, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';

/**
 * Kubernetes' fitsRequest: the pod count first, then cpu, memory, ephemeral-storage and the
 * scalar resources (in name order here; Go walks a map). A resource the pod does not request never
 * fails, even on a node that is already overcommitted.
 */
export function insufficientResources(ctx: PodContext, ni: NodeInfo): string[] {
  const reasons: string[] = [];
  const allowedPods = ni.allocatable['pods'] ?? 0;
  if (ni.pods.size + 1 > allowedPods) reasons.push('Too many pods');
  const free = (name: string) => (ni.allocatable[name] ?? 0) - (ni.requested[name] ?? 0);
  const want = ctx.requests;
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const w = want[name] ?? 0;
    if (w > 0 && w > free(name)) reasons.push(`Insufficient ${name}`);
  }
  const scalars = Object.keys(want).filter((n) => n !== 'cpu' && n !== 'memory' && n !== 'ephemeral-storage').sort();
  for (const name of scalars) {
    const w = want[name] ?? 0;
    if (w > 0 && w > free(name)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

export const nodeResourcesFitFilter: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter: insufficientResources,
};

const SCORED = ['cpu', 'memory'] as const;

/** ((capacity - requested) * 100) / capacity, 0 when over capacity (leastRequestedScore). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * LeastAllocated: the free share of cpu and memory after placing the pod, averaged with equal
 * weights. Requests count with their non-zero defaults, so that pods without requests still
 * spread. Resources the node does not offer are left out of the average.
 */
export function leastAllocatedScore(ctx: PodContext, ni: NodeInfo): number {
  let sum = 0;
  let weights = 0;
  for (const r of SCORED) {
    const alloc = ni.allocatable[r] ?? 0;
    if (alloc === 0) continue;
    sum += leastRequestedScore((ni.nonZeroRequested[r] ?? 0) + (ctx.nonZeroRequests[r] ?? 0), alloc);
    weights += 1;
  }
  return weights === 0 ? 0 : Math.trunc(sum / weights);
}

/**
 * BalancedAllocation: nodes whose cpu and memory would be used in similar proportions score
 * higher: (1 - std) * 100 over the used fractions (capped at 1); with two resources the standard
 * deviation is |a - b| / 2. Uses the actual requests (not the non-zero defaults), as Kubernetes does.
 */
export function balancedAllocationScore(ctx: PodContext, ni: NodeInfo): number {
  const fractions: number[] = [];
  for (const r of SCORED) {
    const alloc = ni.allocatable[r] ?? 0;
    if (alloc === 0) continue;
    fractions.push(Math.min(1, ((ni.requested[r] ?? 0) + (ctx.requests[r] ?? 0)) / alloc));
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const leastAllocatedScorePlugin: ScorePlugin = { name: 'NodeResourcesFit', weight: 1, score: leastAllocatedScore };
export const balancedAllocationScorePlugin: ScorePlugin = { name: 'NodeResourcesBalancedAllocation', weight: 1, score: balancedAllocationScore };
