// NodeInfo: one node and the pods the scheduler believes run on it (bound or assumed), with their
// summed requests and claimed host ports kept up to date as pods come and go, so that filters and
// scores read a node's usage in O(1).

import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { nodeAllocatable, podHostPorts, podRequests, type HostPort, type ResourceList } from './resources.js';

export interface PodEntry {
  readonly pod: V1Pod;
  readonly requests: ResourceList;
  readonly nonZeroRequests: ResourceList;
  readonly ports: HostPort[];
}

export function podEntry(pod: V1Pod): PodEntry {
  return { pod, requests: podRequests(pod), nonZeroRequests: podRequests(pod, true), ports: podHostPorts(pod) };
}

/** The cache's identity of a pod: its uid (a recreated pod with the same name is another pod). */
export function podId(pod: V1Pod): string {
  return pod.metadata?.uid ?? `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export class NodeInfo {
  node: V1Node | undefined;
  allocatable: ResourceList = {};
  readonly pods = new Map<string, PodEntry>();
  /** Sum of the pods' requests (NodeResourcesFit). */
  readonly requested: ResourceList = {};
  /** Sum with absent cpu/memory requests counted at their defaults (scoring). */
  readonly nonZeroRequested: ResourceList = {};

  constructor(readonly name: string) {}

  setNode(node: V1Node): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
  }

  addPod(entry: PodEntry): void {
    const id = podId(entry.pod);
    if (this.pods.has(id)) this.removePod(id);
    this.pods.set(id, entry);
    shift(this.requested, entry.requests, 1);
    shift(this.nonZeroRequested, entry.nonZeroRequests, 1);
  }

  removePod(id: string): boolean {
    const entry = this.pods.get(id);
    if (!entry) return false;
    this.pods.delete(id);
    shift(this.requested, entry.requests, -1);
    shift(this.nonZeroRequested, entry.nonZeroRequests, -1);
    return true;
  }

  usedPorts(): HostPort[] {
    return [...this.pods.values()].flatMap((e) => e.ports);
  }
}

function shift(into: ResourceList, by: ResourceList, sign: 1 | -1): void {
  for (const [k, v] of Object.entries(by)) into[k] = (into[k] ?? 0) + sign * v;
}

/** A NodeInfo from a node and pods, for tests and pure callers. */
export function nodeInfoOf(node: V1Node, pods: V1Pod[] = []): NodeInfo {
  const ni = new NodeInfo(node.metadata?.name ?? '');
  ni.setNode(node);
  for (const p of pods) ni.addPod(podEntry(p));
  return ni;
}
