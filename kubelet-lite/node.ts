// One simulated node: registers its Node, renews its Lease every 10 s, posts its status now and
// then, and runs the pods bound to it through the pure lifecycle (pod-lifecycle.ts), writing each
// new status and recording the events that move implies.
//
// A node can be failed on purpose (fail()): it then behaves like a kubelet cut off from the
// apiserver — no lease renewals, no status posts, no pod writes — until recover(), when it
// renews at once, posts Ready and catches up with every pod it holds.
//
// Time comes from an injected Clock and Timers, so tests drive a node with a manual clock.

import type { V1Lease, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  isConflict,
  isNotFound,
  objectKey,
  splitKey,
  type Clock,
  type EventRecorder,
  type KubeObject,
  type Lister,
  type ResourceClient,
} from '../client/types.js';
import { buildNode, IpPool, internalIP, nodeLabels, nodeLease, nodeStatus, NODE_LEASE_NAMESPACE, podCIDR, type NodeConfig } from './node-status.js';
import { nextPodStatus, podTiming, type PodTiming } from './pod-lifecycle.js';

export type Pod = V1Pod & KubeObject;
export type Node = V1Node & KubeObject;
export type Lease = V1Lease & KubeObject;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface NodeDeps {
  nodes: ResourceClient<Node>;
  leases: ResourceClient<Lease>;
  pods: ResourceClient<Pod>;
  /** The shared pod cache (an informer over bound pods). */
  podLister: Lister<Pod>;
  recorder: EventRecorder;
  clock: Clock;
  timers: Timers;
  log?: (msg: string) => void;
}

export interface NodeIntervals {
  /** Lease renewal (the kubelet: 10 s, a quarter of the 40 s lease). */
  leaseMs: number;
  /** Node status post (heartbeat in the Ready condition). */
  statusMs: number;
}

export const DEFAULT_INTERVALS: NodeIntervals = { leaseMs: 10_000, statusMs: 60_000 };

/** After a failed API call, try again this soon. */
const RETRY_MS = 1000;

interface PodEntry {
  timer?: unknown;
  running: boolean;
  dirty: boolean;
  /** Event keys already recorded (see LifecycleEvent.key). */
  emitted: Set<string>;
  /** The last object we wrote, newer than the cache until the informer catches up. */
  written?: Pod;
}

export class SimNode {
  readonly name: string;
  private failedFlag = false;
  private stopped = false;
  private registered = false;
  private nodeUid: string | undefined;
  private lease: Lease | undefined;
  private node: Node | undefined;
  private leaseTimer: unknown;
  private statusTimer: unknown;
  private readonly pods = new Map<string, PodEntry>();
  private ipPool: IpPool;
  readonly counters = { leaseRenewals: 0, statusPosts: 0, podStatusWrites: 0, podDeletes: 0, errors: 0 };

  constructor(
    readonly config: NodeConfig,
    private readonly timing: PodTiming,
    private readonly deps: NodeDeps,
    private readonly intervals: NodeIntervals = DEFAULT_INTERVALS,
  ) {
    this.name = config.name;
    this.ipPool = new IpPool(podCIDR(config.index));
  }

  get failed(): boolean {
    return this.failedFlag;
  }

  get hostIP(): string {
    return internalIP(this.config.index);
  }

  /** Pods this node currently tracks (bound here and not yet gone). */
  get podCount(): number {
    return this.pods.size;
  }

  async start(): Promise<void> {
    await this.register();
    this.resyncAll();
  }

  stop(): void {
    this.stopped = true;
    this.deps.timers.clearTimeout(this.leaseTimer);
    this.deps.timers.clearTimeout(this.statusTimer);
    for (const e of this.pods.values()) this.deps.timers.clearTimeout(e.timer);
  }

  /** Stops heartbeating (and every other write) until recover(). */
  fail(): void {
    if (this.failedFlag) return;
    this.failedFlag = true;
    this.deps.timers.clearTimeout(this.leaseTimer);
    this.deps.timers.clearTimeout(this.statusTimer);
    this.log('failed: heartbeats stopped');
  }

  recover(): void {
    if (!this.failedFlag) return;
    this.failedFlag = false;
    this.log('recovered');
    if (!this.registered) void this.register();
    else {
      void this.renewLease();
      void this.postStatus();
    }
    this.resyncAll();
  }

  // ---- registration and heartbeats ----------------------------------------------------------

  private async register(): Promise<void> {
    if (this.stopped || this.failedFlag) return;
    const { nodes } = this.deps;
    try {
      let node: Node;
      try {
        const existing = await nodes.get(undefined, this.name);
        // Re-registration: keep what others set (taints, spec), refresh the labels we own.
        existing.metadata.labels = { ...(existing.metadata.labels ?? {}), ...nodeLabels(this.config) };
        node = await nodes.update(existing);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        node = await nodes.create(undefined, buildNode(this.config, this.deps.clock.now()) as Node);
        this.log('registered');
      }
      this.adoptNode(node);
      this.registered = true;
    } catch (e) {
      this.error('register', e);
      this.leaseTimer = this.deps.timers.setTimeout(() => void this.register(), RETRY_MS);
      return;
    }
    await this.postStatus();
    await this.renewLease();
  }

  private adoptNode(node: Node): void {
    this.node = node;
    this.nodeUid = node.metadata.uid;
    // A CIDR set by someone else (an IPAM controller) wins over ours.
    const cidr = node.spec?.podCIDR;
    if (cidr && cidr !== podCIDR(this.config.index) && this.ipPool.size === 0) this.ipPool = new IpPool(cidr);
  }

  private async renewLease(): Promise<void> {
    if (this.stopped || this.failedFlag) return;
    const { leases, clock } = this.deps;
    try {
      const now = clock.now();
      if (!this.lease) {
        try {
          this.lease = await leases.get(NODE_LEASE_NAMESPACE, this.name);
        } catch (e) {
          if (!isNotFound(e)) throw e;
          this.lease = await leases.create(NODE_LEASE_NAMESPACE, nodeLease(this.name, this.nodeUid, now) as Lease);
          this.counters.leaseRenewals++;
          this.scheduleLease(this.intervals.leaseMs);
          return;
        }
      }
      const fresh = nodeLease(this.name, this.nodeUid, now);
      const next: Lease = { ...this.lease, spec: { ...this.lease.spec, ...fresh.spec } };
      if (!next.metadata.ownerReferences?.length && fresh.metadata?.ownerReferences) next.metadata = { ...next.metadata, ownerReferences: fresh.metadata.ownerReferences };
      this.lease = await leases.update(next);
      this.counters.leaseRenewals++;
      this.scheduleLease(this.intervals.leaseMs);
    } catch (e) {
      // Stale copy (409) or gone (404): read it afresh next time.
      this.lease = undefined;
      this.error('lease renewal', e);
      this.scheduleLease(RETRY_MS);
    }
  }

  private scheduleLease(ms: number): void {
    if (this.stopped || this.failedFlag) return;
    this.deps.timers.clearTimeout(this.leaseTimer);
    this.leaseTimer = this.deps.timers.setTimeout(() => void this.renewLease(), ms);
  }

  private async postStatus(): Promise<void> {
    if (this.stopped || this.failedFlag) return;
    const { nodes, clock } = this.deps;
    try {
      for (let attempt = 0; ; attempt++) {
        const current = this.node ?? (await nodes.get(undefined, this.name));
        try {
          this.node = await nodes.updateStatus({ ...current, status: nodeStatus(this.config, current.status, clock.now()) });
          break;
        } catch (e) {
          this.node = undefined;
          if (!isConflict(e) || attempt >= 3) throw e;
        }
      }
      this.counters.statusPosts++;
      this.scheduleStatus(this.intervals.statusMs);
    } catch (e) {
      this.node = undefined;
      this.error('status post', e);
      // The Node itself may be gone (deleted by hand): register again.
      if (isNotFound(e)) {
        this.registered = false;
        this.lease = undefined;
        this.deps.timers.clearTimeout(this.statusTimer);
        this.statusTimer = this.deps.timers.setTimeout(() => void this.register(), RETRY_MS);
        return;
      }
      this.scheduleStatus(RETRY_MS);
    }
  }

  private scheduleStatus(ms: number): void {
    if (this.stopped || this.failedFlag) return;
    this.deps.timers.clearTimeout(this.statusTimer);
    this.statusTimer = this.deps.timers.setTimeout(() => void this.postStatus(), ms);
  }

  /** The last renewTime this node wrote (for tests and /metrics). */
  get lastRenewTime(): string | undefined {
    return this.lease?.spec?.renewTime as unknown as string | undefined;
  }

  // ---- pods ---------------------------------------------------------------------------------

  /** A pod bound here was added or changed (the informer's handlers call this). */
  podChanged(pod: Pod): void {
    if (this.stopped) return;
    this.enqueue(objectKey(pod), 0);
  }

  /** The pod is gone from the apiserver: forget it. */
  podDeleted(pod: Pod): void {
    const key = objectKey(pod);
    const e = this.pods.get(key);
    if (e) this.deps.timers.clearTimeout(e.timer);
    this.pods.delete(key);
    this.ipPool.release(pod.metadata.uid ?? key);
  }

  /** Looks at every pod bound here again (after start or recovery). */
  resyncAll(): void {
    for (const p of this.deps.podLister.byIndex('nodeName', this.name)) this.enqueue(objectKey(p), 0);
  }

  private entry(key: string): PodEntry {
    let e = this.pods.get(key);
    if (!e) {
      e = { running: false, dirty: false, emitted: new Set() };
      this.pods.set(key, e);
    }
    return e;
  }

  private enqueue(key: string, ms: number): void {
    if (this.stopped) return;
    const e = this.entry(key);
    this.deps.timers.clearTimeout(e.timer);
    e.timer = this.deps.timers.setTimeout(() => {
      e.timer = undefined;
      void this.run(key);
    }, Math.max(0, ms));
  }

  /** One sync per pod at a time; a change arriving meanwhile makes it run once more. */
  private async run(key: string): Promise<void> {
    const e = this.pods.get(key);
    if (!e) return;
    if (e.running) {
      e.dirty = true;
      return;
    }
    // A failed node does nothing; recover() resyncs.
    if (this.failedFlag || this.stopped) return;
    e.running = true;
    try {
      do {
        e.dirty = false;
        await this.syncPod(key, e);
      } while (e.dirty && !this.failedFlag && !this.stopped);
    } catch (err) {
      this.error(`sync ${key}`, err);
      if (this.pods.has(key)) this.enqueue(key, RETRY_MS);
    } finally {
      e.running = false;
    }
  }

  /** The newest copy we know: our own last write unless the cache has caught up with it. */
  private current(key: string, e: PodEntry): Pod | undefined {
    const { namespace, name } = splitKey(key);
    const cached = this.deps.podLister.get(namespace, name);
    if (!cached) return undefined;
    const w = e.written;
    if (w && w.metadata.uid === cached.metadata.uid && newerRV(w.metadata.resourceVersion, cached.metadata.resourceVersion)) return w;
    e.written = undefined;
    return cached;
  }

  private async syncPod(key: string, e: PodEntry): Promise<void> {
    let pod = this.current(key, e);
    if (!pod || pod.spec?.nodeName !== this.name) {
      this.podDeleted(pod ?? ({ metadata: { ...splitKey(key) } } as Pod));
      return;
    }
    const uid = pod.metadata.uid ?? key;
    const timing = podTiming(pod, this.timing);
    for (let attempt = 0; ; attempt++) {
      const now = this.deps.clock.now();
      const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      const podIP = finished ? (pod.status?.podIP ?? '') : this.ipPool.acquire(uid, pod.status?.podIP);
      const step = nextPodStatus(pod, now, { hostIP: this.hostIP, podIP }, timing);
      for (const ev of step.events) {
        if (e.emitted.has(ev.key)) continue;
        e.emitted.add(ev.key);
        this.deps.recorder.event(pod, ev.type, ev.reason, ev.message);
      }
      try {
        if (step.changed) {
          const written = await this.deps.pods.updateStatus({ ...pod, status: step.status });
          e.written = written;
          this.counters.podStatusWrites++;
        }
        if (step.remove) {
          await this.deps.pods.delete(pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
          this.counters.podDeletes++;
          this.podDeleted(pod);
          return;
        }
      } catch (err) {
        if (isNotFound(err)) {
          this.podDeleted(pod);
          return;
        }
        if (!isConflict(err) || attempt >= 3) throw err;
        // Someone else changed the pod (a delete began, a label changed): start from the fresh copy.
        pod = await this.deps.pods.get(pod.metadata.namespace, pod.metadata.name!);
        e.written = pod;
        continue;
      }
      const phase = step.status.phase;
      if (phase === 'Succeeded' || phase === 'Failed') this.ipPool.release(uid);
      if (step.recheckInMs !== undefined) this.enqueue(key, step.recheckInMs);
      return;
    }
  }

  private log(msg: string): void {
    this.deps.log?.(`${this.name}: ${msg}`);
  }

  private error(what: string, e: unknown): void {
    this.counters.errors++;
    this.log(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** resourceVersions are etcd revisions (numbers); anything else cannot be ordered. */
function newerRV(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}

