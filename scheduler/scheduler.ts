// The scheduler: informers feed the cache (nodes, bound pods) and the queue (pending pods); each
// cycle takes one pod from the queue and runs
//
//   snapshot → filter → score → select → assume → bind (async) → confirm (informer) / forget
//
// A cycle runs synchronously from snapshot to assume, so no event can change the cache between
// the decision and the assumption: the next cycle always sees this pod on its node. Binding is an
// API call and runs in the background, like Kubernetes' binding cycle, while the next pod is tried.

import type { V1Node, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { rfc3339, RESOURCES, isNotFound, type ClientSet, type Clock, type EventRecorder, type Lister, type ResourceClient } from '../client/types.js';
import { SchedulerCache } from './cache.js';
import { fitErrorMessage, NO_NODES_AVAILABLE, podContext, runFilters, runScores, selectHost, type NodeScore } from './framework.js';
import { defaultProfile, type Profile } from './profile.js';
import { podKey, SchedulingQueue, type QueuedPod } from './queue.js';

export interface SchedulerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface SchedulerOptions {
  clock?: Clock;
  /** In [0, 1): breaks ties between equally scored nodes. Tests inject a fixed one. */
  random?: () => number;
  /** A parked (unschedulable) pod is retried after this long even if nothing changed. Default 60 s. */
  flushIntervalMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  profile?: Profile;
  logger?: SchedulerLogger;
}

export type ScheduleAttempt =
  | { result: 'scheduled'; pod: string; node: string; scores: NodeScore[]; /** Resolves true once bound, false if the binding failed. */ binding: Promise<boolean> }
  | { result: 'unschedulable'; pod: string; message: string }
  | { result: 'error'; pod: string; message: string }
  | { result: 'skipped'; pod: string };

export interface SchedulerStats {
  attempts: { scheduled: number; unschedulable: number; error: number };
  bindings: { succeeded: number; failed: number };
  queue: ReturnType<SchedulingQueue['lengths']>;
  cache: { nodes: number; boundPods: number; assumedPods: number };
}

export interface Scheduler {
  /** Tries the next pod of the active queue (after moving pods whose backoff ended); undefined if none is ready. */
  scheduleOne(): Promise<ScheduleAttempt | undefined>;
  /** Schedules until the signal aborts; waits for the informers' first sync, finishes running bindings. */
  run(signal: AbortSignal): Promise<void>;
  stats(): SchedulerStats;
  readonly queue: SchedulingQueue;
  readonly cache: SchedulerCache;
}

/** Event messages are cut to the limit of Event.note (1 kB), as Kubernetes' truncateMessage does. */
export function truncateMessage(message: string, max = 1024): string {
  if (message.length <= max) return message;
  const suffix = ' ...';
  return message.slice(0, max - suffix.length) + suffix;
}

const nullLogger: SchedulerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

const isTerminal = (p: V1Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Node changes that can make a parked pod fit; heartbeats (condition timestamps) are not among them. */
export function nodeSchedulingPropertiesChanged(oldNode: V1Node, newNode: V1Node): boolean {
  const view = (n: V1Node) =>
    JSON.stringify({
      unschedulable: n.spec?.unschedulable ?? false,
      taints: n.spec?.taints ?? [],
      labels: n.metadata?.labels ?? {},
      allocatable: n.status?.allocatable ?? {},
      conditions: (n.status?.conditions ?? []).map((c) => [c.type, c.status]),
    });
  return view(oldNode) !== view(newNode);
}

export function createScheduler(cs: ClientSet, opts: SchedulerOptions = {}): Scheduler {
  return new SchedulerImpl(cs, opts);
}

class SchedulerImpl implements Scheduler {
  readonly queue: SchedulingQueue;
  readonly cache = new SchedulerCache();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly profile: Profile;
  private readonly log: SchedulerLogger;
  private readonly pods: Lister<V1Pod & { metadata: NonNullable<V1Pod['metadata']> }>;
  private readonly nodes: Lister<V1Node & { metadata: NonNullable<V1Node['metadata']> }>;
  private readonly podClient: ResourceClient<V1Pod & { metadata: NonNullable<V1Pod['metadata']> }>;
  private readonly recorder: EventRecorder;
  private readonly bindings = new Set<Promise<boolean>>();
  private readonly counts = { scheduled: 0, unschedulable: 0, error: 0, bound: 0, bindFailed: 0 };

  constructor(
    private readonly cs: ClientSet,
    opts: SchedulerOptions,
  ) {
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.random = opts.random ?? Math.random;
    this.profile = opts.profile ?? defaultProfile;
    this.log = opts.logger ?? nullLogger;
    this.queue = new SchedulingQueue({ clock: this.clock, initialBackoffMs: opts.initialBackoffMs, maxBackoffMs: opts.maxBackoffMs, maxUnschedulableMs: opts.flushIntervalMs });
    this.podClient = cs.client(RESOURCES.pods);
    this.recorder = cs.recorder(this.profile.schedulerName);

    // One pod informer for both roles: pending pods to schedule, bound pods for node usage.
    // Finished pods free their node, so the informer leaves them out (as kube-scheduler's does).
    const podInformer = cs.informer<V1Pod & { metadata: NonNullable<V1Pod['metadata']> }>(RESOURCES.pods, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
    const nodeInformer = cs.informer<V1Node & { metadata: NonNullable<V1Node['metadata']> }>(RESOURCES.nodes);
    this.pods = podInformer.lister;
    this.nodes = nodeInformer.lister;
    nodeInformer.addHandler({
      onAdd: (n) => this.onNodeAdd(n),
      onUpdate: (o, n) => this.onNodeUpdate(o, n),
      onDelete: (n) => this.cache.removeNode(n.metadata.name ?? ''),
    });
    podInformer.addHandler({
      onAdd: (p) => this.onPodAdd(p),
      onUpdate: (o, n) => this.onPodUpdate(o, n),
      onDelete: (p) => this.onPodDelete(p),
    });
    this.resync();
  }

  /** Feeds what the listers already hold (a shared informer may have synced before we subscribed). Idempotent. */
  private resync(): void {
    for (const n of this.nodes.list()) this.cache.addNode(n);
    for (const p of this.pods.list()) this.onPodAdd(p);
  }

  // ---- informer events

  private responsibleFor(pod: V1Pod): boolean {
    return (pod.spec?.schedulerName ?? this.profile.schedulerName) === this.profile.schedulerName;
  }

  private onNodeAdd(node: V1Node): void {
    this.cache.addNode(node);
    this.queue.moveAllToActiveOrBackoff('NodeAdd');
  }

  private onNodeUpdate(oldNode: V1Node, newNode: V1Node): void {
    this.cache.addNode(newNode);
    if (nodeSchedulingPropertiesChanged(oldNode, newNode)) this.queue.moveAllToActiveOrBackoff('NodeUpdate');
  }

  private onPodAdd(pod: V1Pod): void {
    if (isTerminal(pod)) return;
    if (pod.spec?.nodeName) {
      this.cache.addPod(pod);
      return;
    }
    if (this.cache.isAssumed(pod)) return;
    if (this.responsibleFor(pod) && !pod.metadata?.deletionTimestamp) this.queue.add(pod);
  }

  private onPodUpdate(oldPod: V1Pod, newPod: V1Pod): void {
    if (isTerminal(newPod)) {
      // The informer's selector turns this into a delete; a cache without selectors sees an update.
      this.onPodDelete(oldPod);
      return;
    }
    if (newPod.spec?.nodeName) {
      if (!oldPod.spec?.nodeName) this.queue.delete(newPod);
      this.cache.addPod(newPod);
      return;
    }
    // Our own status patch or a late event about a pod already placed: the assumption stands.
    if (this.cache.isAssumed(newPod)) return;
    if (this.responsibleFor(newPod) && !newPod.metadata?.deletionTimestamp) this.queue.update(oldPod, newPod);
    else this.queue.delete(newPod);
  }

  private onPodDelete(pod: V1Pod): void {
    if (pod.spec?.nodeName) {
      this.cache.removePod(pod);
      this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
      return;
    }
    this.queue.delete(pod);
    if (this.cache.isAssumed(pod)) {
      this.cache.forgetPod(pod);
      this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
    }
  }

  // ---- the scheduling cycle

  async scheduleOne(): Promise<ScheduleAttempt | undefined> {
    this.queue.flush();
    const qp = this.queue.tryPop();
    return qp && this.attempt(qp);
  }

  private async attempt(qp: QueuedPod): Promise<ScheduleAttempt> {
    const { namespace, name } = { namespace: qp.pod.metadata?.namespace ?? '', name: qp.pod.metadata?.name ?? '' };
    // Always decide on the newest state: the queued copy may be older than the informer's.
    const pod = this.pods.get(namespace, name);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || this.cache.isAssumed(pod) || !this.responsibleFor(pod)) {
      this.queue.done(qp.key);
      return { result: 'skipped', pod: qp.key };
    }
    qp.pod = pod;
    const nodes = this.cache.snapshot();
    if (nodes.length === 0) return this.fail(qp, pod, NO_NODES_AVAILABLE, 'unschedulable');
    const ctx = podContext(pod);
    const { feasible, failures } = runFilters(this.profile.filters, ctx, nodes);
    if (feasible.length === 0) {
      // No preemption: the message is the one Kubernetes gives for a profile without PostFilter
      // plugins, with no "preemption: ..." part (it would promise victims were looked for).
      return this.fail(qp, pod, fitErrorMessage(nodes.length, failures), 'unschedulable');
    }
    // One feasible node needs no ranking (Kubernetes skips scoring then too).
    const scores = feasible.length === 1 ? [{ name: feasible[0]!.name, total: 0, byPlugin: {} }] : runScores(this.profile.scores, ctx, feasible);
    const node = selectHost(scores, this.random)!;
    const assumed: V1Pod = { ...pod, spec: { ...pod.spec!, nodeName: node } };
    this.cache.assumePod(assumed);
    this.counts.scheduled++;
    this.log.debug({ pod: qp.key, node, scores }, 'pod assumed');
    const binding = this.bind(qp, assumed, node);
    this.bindings.add(binding);
    void binding.finally(() => this.bindings.delete(binding));
    return { result: 'scheduled', pod: qp.key, node, scores, binding };
  }

  private async bind(qp: QueuedPod, assumed: V1Pod, node: string): Promise<boolean> {
    const meta = assumed.metadata!;
    try {
      await this.podClient.createSubresource(meta.namespace, meta.name!, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
    } catch (e) {
      this.counts.bindFailed++;
      // The node's capacity was held for nothing: give it back, and let parked pods look again.
      this.cache.forgetPod(assumed);
      this.queue.moveAllToActiveOrBackoff('AssignedPodDelete');
      this.log.warn({ pod: qp.key, node, err: errorMessage(e) }, 'binding failed');
      await this.fail(qp, assumed, `running Bind plugin "DefaultBinder": ${errorMessage(e)}`, 'error');
      return false;
    }
    this.counts.bound++;
    this.queue.done(qp.key);
    this.recorder.event(assumed as V1Pod & { metadata: NonNullable<V1Pod['metadata']> }, 'Normal', 'Scheduled', `Successfully assigned ${meta.namespace}/${meta.name} to ${node}`);
    this.log.info({ pod: qp.key, node }, 'pod bound');
    return true;
  }

  /**
   * Kubernetes' handleSchedulingFailure: requeue (parked when no node fits, backoff after an
   * error) unless the pod is gone or bound meanwhile, record a FailedScheduling event, and set the
   * PodScheduled=False condition with the same message.
   */
  private async fail(qp: QueuedPod, pod: V1Pod, message: string, kind: 'unschedulable' | 'error'): Promise<ScheduleAttempt> {
    this.counts[kind]++;
    const meta = pod.metadata!;
    const current = this.pods.get(meta.namespace, meta.name!);
    if (current && !current.spec?.nodeName && current.metadata.uid === meta.uid) {
      if (kind === 'unschedulable') this.queue.addUnschedulable(qp);
      else this.queue.addBackoff(qp);
    }
    this.queue.done(qp.key);
    this.log.info({ pod: qp.key, reason: message }, 'unable to schedule pod');
    const subject = (current ?? pod) as V1Pod & { metadata: NonNullable<V1Pod['metadata']> };
    this.recorder.event(subject, 'Warning', 'FailedScheduling', truncateMessage(message));
    if (current) await this.setUnschedulableCondition(current, kind === 'unschedulable' ? 'Unschedulable' : 'SchedulerError', message);
    return { result: kind, pod: qp.key, message };
  }

  private async setUnschedulableCondition(pod: V1Pod, reason: string, message: string): Promise<void> {
    const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (old && old.status === 'False' && old.reason === reason && old.message === message) return;
    const condition: V1PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null as unknown as Date,
      lastTransitionTime: old?.status === 'False' && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(this.clock.now()),
      reason,
      message,
    };
    try {
      // Strategic merge: conditions merge by type, so other conditions stay as they are.
      await this.podClient.patch(pod.metadata!.namespace, pod.metadata!.name!, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) this.log.warn({ pod: podKey(pod), err: errorMessage(e) }, 'could not update the PodScheduled condition');
    }
  }

  // ---- the loop

  async run(signal: AbortSignal): Promise<void> {
    await this.cs.waitForSync();
    this.resync();
    const onAbort = () => this.queue.close();
    signal.addEventListener('abort', onAbort, { once: true });
    const tick = setInterval(() => this.queue.flush(), 1_000);
    try {
      while (!signal.aborted) {
        const qp = await this.queue.pop();
        if (!qp) break;
        try {
          await this.attempt(qp);
        } catch (e) {
          this.log.error({ pod: qp.key, err: errorMessage(e) }, 'scheduling attempt failed');
          this.queue.addBackoff(qp);
          this.queue.done(qp.key);
        }
      }
    } finally {
      clearInterval(tick);
      signal.removeEventListener('abort', onAbort);
      await Promise.allSettled([...this.bindings]);
    }
  }

  stats(): SchedulerStats {
    const { bound, assumed } = this.cache.podCount();
    return {
      attempts: { scheduled: this.counts.scheduled, unschedulable: this.counts.unschedulable, error: this.counts.error },
      bindings: { succeeded: this.counts.bound, failed: this.counts.bindFailed },
      queue: this.queue.lengths(),
      cache: { nodes: this.cache.snapshot().length, boundPods: bound, assumedPods: assumed },
    };
  }
}
