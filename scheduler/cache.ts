// The scheduler's cache: every node and every pod it believes is placed, bound or only assumed.
//
// Why assume: binding is an API call that takes a while, and the informer shows the result later
// still. If the next pod were scheduled against the informer's view, it would not see the pod just
// placed and could take the same free capacity (double-booking). So a pod is put on its node here
// the moment it is chosen (assume), before the binding is even sent; the informer's bound pod then
// confirms it, and a failed binding forgets it.

import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { NodeInfo, podEntry, podId } from './nodeinfo.js';

interface PodState {
  pod: V1Pod;
  nodeName: string;
  /** Placed by this scheduler, not (yet) seen bound by the informer. */
  assumed: boolean;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();

  // ---- nodes

  addNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    this.info(name).setNode(node);
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    ni.node = undefined;
    // Pods bound to a vanished node still hold it until they are deleted themselves; keep their
    // usage so that a node coming back under the same name starts from the truth.
    if (ni.pods.size === 0) this.nodes.delete(name);
  }

  // ---- pods

  /** Places a pod before its binding is confirmed. `pod.spec.nodeName` must be the chosen node. */
  assumePod(pod: V1Pod): void {
    const id = podId(pod);
    if (this.pods.has(id)) throw new Error(`pod ${id} is already in the scheduler cache`);
    this.place({ pod, nodeName: pod.spec?.nodeName ?? '', assumed: true });
  }

  /** Undoes assumePod (binding failed). A pod the informer already showed bound stays. */
  forgetPod(pod: V1Pod): void {
    const state = this.pods.get(podId(pod));
    if (state?.assumed) this.unplace(podId(pod));
  }

  isAssumed(pod: V1Pod): boolean {
    return this.pods.get(podId(pod))?.assumed === true;
  }

  /** A bound pod from the informer (add or update): confirms an assumption or records the pod. */
  addPod(pod: V1Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const id = podId(pod);
    if (this.pods.has(id)) this.unplace(id);
    this.place({ pod, nodeName, assumed: false });
  }

  removePod(pod: V1Pod): void {
    this.unplace(podId(pod));
  }

  /** Nodes that exist, by name: the view one scheduling cycle filters and scores. */
  snapshot(): NodeInfo[] {
    return [...this.nodes.values()].filter((n) => n.node !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  podCount(): { bound: number; assumed: number } {
    let assumed = 0;
    for (const s of this.pods.values()) if (s.assumed) assumed++;
    return { bound: this.pods.size - assumed, assumed };
  }

  private info(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = new NodeInfo(name);
      this.nodes.set(name, ni);
    }
    return ni;
  }

  private place(state: PodState): void {
    this.pods.set(podId(state.pod), state);
    this.info(state.nodeName).addPod(podEntry(state.pod));
  }

  private unplace(id: string): void {
    const state = this.pods.get(id);
    if (!state) return;
    this.pods.delete(id);
    const ni = this.nodes.get(state.nodeName);
    if (!ni) return;
    ni.removePod(id);
    if (!ni.node && ni.pods.size === 0) this.nodes.delete(state.nodeName);
  }
}
