// How much a pod asks for and how much a node offers, in the scheduler's integer units:
// cpu in millicores, everything else in whole units (bytes, pods, devices).

import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import { milliValue, quantityValue } from '../client/quantity.js';

/** Requests or allocatable amounts by resource name ('cpu' in millicores). */
export type ResourceList = Record<string, number>;

/** What the scheduler assumes for a container that sets no cpu or memory request when it scores. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/**
 * Resources the scheduler accounts for: cpu, memory, ephemeral-storage and the "scalar" ones
 * (extended resources such as example.com/gpu, hugepages-*). Others (pods, storage) are ignored
 * in requests, as Kubernetes' Resource.Add ignores them.
 */
export function isAccountedResource(name: string): boolean {
  if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') return true;
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  // Extended resources: a domain-qualified name outside kubernetes.io.
  return name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');
}

/** One resource list from the API (quantity strings) into integer units. */
export function toResourceList(raw: Record<string, unknown> | undefined | null, accept: (name: string) => boolean = isAccountedResource): ResourceList {
  const out: ResourceList = {};
  for (const [name, q] of Object.entries(raw ?? {})) {
    if (!accept(name)) continue;
    const v = name === 'cpu' ? milliValue(q) : quantityValue(q);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function add(into: ResourceList, from: ResourceList): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function maxInto(into: ResourceList, from: ResourceList): void {
  for (const [k, v] of Object.entries(from)) into[k] = Math.max(into[k] ?? 0, v);
}

function containerRequests(c: V1Container, nonZero: boolean): ResourceList {
  const reqs = toResourceList(c.resources?.requests as Record<string, unknown> | undefined);
  if (nonZero) {
    // Only a request that is absent gets the default; an explicit 0 stays 0 (Kubernetes'
    // GetNonzeroRequestForResource), so best-effort pods still weigh something when scoring.
    if (!('cpu' in (c.resources?.requests ?? {}))) reqs['cpu'] = DEFAULT_MILLI_CPU_REQUEST;
    if (!('memory' in (c.resources?.requests ?? {}))) reqs['memory'] = DEFAULT_MEMORY_REQUEST;
  }
  return reqs;
}

/**
 * The pod's effective requests (Kubernetes' resource.PodRequests): app containers run together,
 * so they add up; init containers run one after the other, so only the largest counts, but each
 * runs beside the sidecars (restartPolicy Always init containers) started before it, and sidecars
 * keep running beside the app containers. The result is max(app + sidecars, each init step), plus
 * the runtime class overhead.
 *
 * `nonZero` fills absent cpu/memory requests with the defaults above: used for scoring only.
 */
export function podRequests(pod: V1Pod, nonZero = false): ResourceList {
  const spec = pod.spec;
  const reqs: ResourceList = {};
  for (const c of spec?.containers ?? []) add(reqs, containerRequests(c, nonZero));
  const sidecars: ResourceList = {};
  const initMax: ResourceList = {};
  for (const ic of spec?.initContainers ?? []) {
    const r = containerRequests(ic, nonZero);
    if (ic.restartPolicy === 'Always') {
      add(reqs, r);
      add(sidecars, r);
      maxInto(initMax, sidecars);
    } else {
      const step = { ...r };
      add(step, sidecars);
      maxInto(initMax, step);
    }
  }
  maxInto(reqs, initMax);
  add(reqs, toResourceList(spec?.overhead as Record<string, unknown> | undefined));
  return reqs;
}

/** What the node offers to pods: status.allocatable, with 'pods' kept (the pod count limit). */
export function nodeAllocatable(node: V1Node): ResourceList {
  return toResourceList(node.status?.allocatable as Record<string, unknown> | undefined, (n) => n === 'pods' || isAccountedResource(n));
}

export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

/** The host ports the pod's containers claim (hostPort > 0), with Kubernetes' defaults filled in. */
export function podHostPorts(pod: V1Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

/** Two host ports collide when protocol and port match and either listens on all addresses. */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.hostIP === b.hostIP || a.hostIP === '0.0.0.0' || b.hostIP === '0.0.0.0';
}
