// What a pod asks of its node, as kubectl's resource helper adds it up: the sum of its containers
// and restartable (sidecar) init containers, at least the largest ordinary init container, plus
// the pod overhead. The "Allocated resources" of describe node and the allocation columns of
// kubectl-lite's `get nodes -o wide` both come from here.

import { addQuantities, compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../client/quantity.js';

export type QuantityList = Map<string, Quantity>;

interface ContainerLike {
  restartPolicy?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

export interface PodLike {
  spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[]; overhead?: Record<string, unknown> };
}

function toList(raw: Record<string, unknown> | undefined): QuantityList {
  const out: QuantityList = new Map();
  for (const [name, v] of Object.entries(raw ?? {})) {
    const q = parseQuantity(v);
    if (q) out.set(name, q);
  }
  return out;
}

export function addInto(into: QuantityList, from: QuantityList): void {
  for (const [name, q] of from) {
    const have = into.get(name);
    into.set(name, have ? addQuantities(have, q) : q);
  }
}

function maxInto(into: QuantityList, from: QuantityList): void {
  for (const [name, q] of from) {
    const have = into.get(name);
    if (!have || compareQuantities(q, have) > 0) into.set(name, q);
  }
}

function total(pod: PodLike, which: 'requests' | 'limits'): QuantityList {
  const sum: QuantityList = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(sum, toList(c.resources?.[which]));
  const sidecars: QuantityList = new Map();
  const initMax: QuantityList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = toList(c.resources?.[which]);
    if (c.restartPolicy === 'Always') {
      // A sidecar keeps running beside the app containers, and beside later init containers.
      addInto(sum, own);
      addInto(sidecars, own);
      maxInto(initMax, new Map(sidecars));
    } else {
      const during: QuantityList = new Map(own);
      addInto(during, sidecars);
      maxInto(initMax, during);
    }
  }
  maxInto(sum, initMax);
  const overhead = toList(pod.spec?.overhead);
  if (which === 'requests') addInto(sum, overhead);
  else for (const [name, q] of overhead) if (sum.has(name) && sum.get(name)!.num !== 0n) sum.set(name, addQuantities(sum.get(name)!, q));
  return sum;
}

export function podRequestsAndLimits(pod: PodLike): { requests: QuantityList; limits: QuantityList } {
  return { requests: total(pod, 'requests'), limits: total(pod, 'limits') };
}

/** The sum over pods, per resource. */
export function totalRequestsAndLimits(pods: PodLike[]): { requests: QuantityList; limits: QuantityList } {
  const requests: QuantityList = new Map();
  const limits: QuantityList = new Map();
  for (const p of pods) {
    const own = podRequestsAndLimits(p);
    addInto(requests, own.requests);
    addInto(limits, own.limits);
  }
  return { requests, limits };
}

/** What a node offers pods: its allocatable, or its capacity when it reports no allocatable. */
export function allocatableOf(node: { status?: unknown }): Record<string, unknown> {
  const status = (node.status ?? {}) as { allocatable?: Record<string, unknown>; capacity?: Record<string, unknown> };
  return status.allocatable && Object.keys(status.allocatable).length > 0 ? status.allocatable : (status.capacity ?? {});
}

/** "750m (18%)": a quantity and its share of `of`, truncated to a whole percent as kubectl does. */
export function share(q: Quantity, of: number, unit: (q: Quantity) => number): string {
  const pct = of === 0 ? 0 : Math.trunc((unit(q) / of) * 100);
  return `${formatQuantity(q)} (${pct}%)`;
}
