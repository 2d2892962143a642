// Many simulated nodes in one process: one pod informer for the whole process (bound pods only,
// routed to their node by spec.nodeName), one SimNode per node, and the fault switches the bin
// exposes (fail the first healthy node, recover every failed one).
//
// One informer rather than one per node: a process with 100 nodes then holds one watch, not 100.
// With a single node the informer asks for that node's pods only (spec.nodeName=<node>).

import type { V1Taint } from '@kubernetes/client-node';
import { RESOURCES, type ClientSet, type Clock } from '../client/types.js';
import { SimNode, DEFAULT_INTERVALS, realTimers, type Lease, type Node, type NodeIntervals, type Pod, type Timers } from './node.js';
import type { NodeConfig } from './node-status.js';
import { DEFAULT_TIMING, type PodTiming } from './pod-lifecycle.js';

export interface KubeletOptions {
  nodes: number;
  nodePrefix: string;
  /** Index of the first node (names and addresses derive from it); 1 by default. */
  firstIndex: number;
  cpu: string;
  memory: string;
  ephemeralStorage: string;
  maxPods: number;
  labels: Record<string, string>;
  taints: V1Taint[];
  arch: string;
  kubeletVersion: string;
  bootID: string;
  timing: PodTiming;
  intervals: NodeIntervals;
}

export const DEFAULT_KUBELET_OPTIONS: KubeletOptions = {
  nodes: 3,
  nodePrefix: 'node',
  firstIndex: 1,
  cpu: '4',
  memory: '8Gi',
  ephemeralStorage: '100Gi',
  maxPods: 110,
  labels: {},
  taints: [],
  arch: 'amd64',
  kubeletVersion: 'v1.32.0',
  bootID: 'boot',
  timing: DEFAULT_TIMING,
  intervals: DEFAULT_INTERVALS,
};

export function nodeName(prefix: string, index: number): string {
  return `${prefix}-${index}`;
}

export interface KubeletDeps {
  clock: Clock;
  timers?: Timers;
  log?: (msg: string) => void;
}

export class Kubelet {
  readonly nodes: SimNode[] = [];
  private readonly byName = new Map<string, SimNode>();

  constructor(
    private readonly cs: ClientSet,
    readonly options: KubeletOptions,
    deps: KubeletDeps,
  ) {
    const names = Array.from({ length: options.nodes }, (_, i) => nodeName(options.nodePrefix, options.firstIndex + i));
    const podInformer = cs.informer<Pod>(RESOURCES.pods, {
      fieldSelector: names.length === 1 ? `spec.nodeName=${names[0]}` : 'spec.nodeName!=',
    });
    const nodeDeps = {
      nodes: cs.client<Node>(RESOURCES.nodes),
      leases: cs.client<Lease>(RESOURCES.leases),
      pods: cs.client<Pod>(RESOURCES.pods),
      podLister: podInformer.lister,
      clock: deps.clock,
      timers: deps.timers ?? realTimers,
      ...(deps.log ? { log: deps.log } : {}),
    };
    names.forEach((name, i) => {
      const config: NodeConfig = {
        name,
        index: options.firstIndex + i,
        cpu: options.cpu,
        memory: options.memory,
        ephemeralStorage: options.ephemeralStorage,
        maxPods: options.maxPods,
        labels: options.labels,
        taints: options.taints,
        arch: options.arch,
        kubeletVersion: options.kubeletVersion,
        bootID: options.bootID,
      };
      // Each node records events as its own kubelet (source.host = the node).
      const node = new SimNode(config, options.timing, { ...nodeDeps, recorder: cs.recorder('kubelet', name) }, options.intervals);
      this.nodes.push(node);
      this.byName.set(name, node);
    });
    podInformer.addHandler({
      onAdd: (p) => this.route(p)?.podChanged(p),
      onUpdate: (old, p) => {
        // A pod moved away (cannot happen through the API, but a cache can say so): the old node forgets it.
        if (old.spec?.nodeName !== p.spec?.nodeName) this.byName.get(old.spec?.nodeName ?? '')?.podDeleted(old);
        this.route(p)?.podChanged(p);
      },
      onDelete: (p) => this.route(p)?.podDeleted(p),
    });
  }

  private route(p: Pod): SimNode | undefined {
    return this.byName.get(p.spec?.nodeName ?? '');
  }

  node(name: string): SimNode | undefined {
    return this.byName.get(name);
  }

  async start(): Promise<void> {
    this.cs.start();
    await this.cs.waitForSync();
    await Promise.all(this.nodes.map((n) => n.start()));
  }

  stop(): void {
    for (const n of this.nodes) n.stop();
  }

  /** Fails the first healthy node (in order); returns it, or undefined if all have failed. */
  failNext(): SimNode | undefined {
    const n = this.nodes.find((x) => !x.failed);
    n?.fail();
    return n;
  }

  /** Recovers every failed node; returns them. */
  recoverAll(): SimNode[] {
    const failed = this.nodes.filter((n) => n.failed);
    for (const n of failed) n.recover();
    return failed;
  }

  /** Prometheus text exposition of the process's gauges and counters. */
  metrics(): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'gauge' | 'counter', help: string, values: [SimNode, number][]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [n, v] of values) lines.push(`${name}{node="${n.name}"} ${v}`);
    };
    const each = (f: (n: SimNode) => number): [SimNode, number][] => this.nodes.map((n) => [n, f(n)]);
    metric('kubelet_lite_node_failed', 'gauge', 'Whether the simulated node is failed (not heartbeating).', each((n) => (n.failed ? 1 : 0)));
    metric('kubelet_lite_node_pods', 'gauge', 'Pods bound to the node that it tracks.', each((n) => n.podCount));
    metric('kubelet_lite_lease_renewals_total', 'counter', 'Lease renewals written.', each((n) => n.counters.leaseRenewals));
    metric('kubelet_lite_node_status_posts_total', 'counter', 'Node status updates written.', each((n) => n.counters.statusPosts));
    metric('kubelet_lite_pod_status_writes_total', 'counter', 'Pod status updates written.', each((n) => n.counters.podStatusWrites));
    metric('kubelet_lite_pod_deletes_total', 'counter', 'Final pod deletions (gracePeriodSeconds 0).', each((n) => n.counters.podDeletes));
    metric('kubelet_lite_errors_total', 'counter', 'Failed API calls.', each((n) => n.counters.errors));
    return `${lines.join('\n')}\n`;
  }
}
