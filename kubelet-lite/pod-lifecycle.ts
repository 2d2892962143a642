// The pod lifecycle of a simulated kubelet as a pure function: given a pod (spec, annotations, the
// status last written) and the node's clock, what status it should have now, which events that
// move produces, whether the pod is finished (the final DELETE), and when to look again.
//
// The pod's status is the machine's only memory. Every instant the machine schedules (container
// start, readiness, exit, restart after back-off, end of a graceful stop) is computed from
// timestamps in the status and metadata, so a kubelet-lite killed with -9 and restarted carries on
// where it stopped. Those timestamps have second precision on the wire, hence every scheduled
// instant is rounded up to a whole second.
//
//   first sight          startTime := now, containers waiting ContainerCreating    Pulling
//   startTime+start      containers running, podIP, PodReadyToStartContainers      Pulled Created Started
//   startedAt+ready      container ready, Ready / ContainersReady True
//   startedAt+run        exited (exit-code): Completed / Error
//                          Always, OnFailure+nonzero → restart; 1st at once, then CrashLoopBackOff
//                          10s, 20s, … 5m (kubelet's back-off)                   BackOff
//                          Never, OnFailure+zero → terminated; all done → Succeeded / Failed
//   deletionTimestamp    Killing; after min(grace, stop time) containers terminated, terminal phase,
//                          then the final DELETE (gracePeriodSeconds 0)           Killing
//
// Per-pod overrides (annotations, seconds, decimals allowed): kubelet-lite.kube-lite.io/start-delay,
// /ready-delay, /run-seconds (unset: runs forever), /exit-code (default 0), /stop-seconds.
// Simplifications: all containers of a pod share one timeline; init containers complete (exit 0)
// the moment the regular containers start; probes are simulated by the readiness delay only.

import type { V1Container, V1ContainerState, V1ContainerStateTerminated, V1ContainerStatus, V1Pod, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';
import { rfc3339, timeOf } from '../client/types.js';
import { containerID, goDuration, goList, imageID, imageSize, normalizeImage, podDesc } from './format.js';

export const ANNOTATION_PREFIX = 'kubelet-lite.kube-lite.io/';
export const ANNOTATIONS = {
  startDelay: `${ANNOTATION_PREFIX}start-delay`,
  readyDelay: `${ANNOTATION_PREFIX}ready-delay`,
  runSeconds: `${ANNOTATION_PREFIX}run-seconds`,
  exitCode: `${ANNOTATION_PREFIX}exit-code`,
  stopSeconds: `${ANNOTATION_PREFIX}stop-seconds`,
} as const;

/** How one pod behaves, in milliseconds. */
export interface PodTiming {
  /** From first sight to the containers running (image pull + create). */
  startDelayMs: number;
  /** From a container's start to its readiness (a readiness probe passing). */
  readyDelayMs: number;
  /** How long a container runs before it exits; undefined = forever. */
  runMs: number | undefined;
  /**
   * How long the containers of a run-to-completion pod (restartPolicy OnFailure or Never: a Job's)
   * run when no annotation says, so that `kubectl create job` completes in the simulation too.
   */
  completionRunMs?: number;
  exitCode: number;
  /** How long a container takes to stop on SIGTERM; past the grace period it is killed (137). */
  stopMs: number;
  /** The kubelet's container restart back-off: 10 s doubling to 5 min. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_TIMING: PodTiming = {
  startDelayMs: 1000,
  readyDelayMs: 1000,
  runMs: undefined,
  completionRunMs: 5000,
  exitCode: 0,
  stopMs: 1000,
  backoffBaseMs: 10_000,
  backoffMaxMs: 300_000,
};

/** The node's defaults with the pod's annotations applied (malformed values are ignored). */
export function podTiming(pod: V1Pod, defaults: PodTiming): PodTiming {
  const a = pod.metadata?.annotations ?? {};
  const seconds = (key: string): number | undefined => {
    const v = a[key];
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : undefined;
  };
  const exit = a[ANNOTATIONS.exitCode];
  const exitCode = exit !== undefined && /^\s*-?\d+\s*$/.test(exit) ? Number(exit) : defaults.exitCode;
  return {
    ...defaults,
    startDelayMs: seconds(ANNOTATIONS.startDelay) ?? defaults.startDelayMs,
    readyDelayMs: seconds(ANNOTATIONS.readyDelay) ?? defaults.readyDelayMs,
    runMs: seconds(ANNOTATIONS.runSeconds) ?? (pod.spec?.restartPolicy === 'OnFailure' || pod.spec?.restartPolicy === 'Never' ? (defaults.completionRunMs ?? defaults.runMs) : defaults.runMs),
    exitCode,
    stopMs: seconds(ANNOTATIONS.stopSeconds) ?? defaults.stopMs,
  };
}

/** Where the pod runs: the node's address and the IP the node set aside for this pod. */
export interface PodPlacement {
  hostIP: string;
  podIP: string;
}

export interface LifecycleEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /**
   * Identifies the occurrence (pod, container, attempt, reason). Some events (Killing) are implied
   * by a state that lasts several evaluations; the caller records each key once.
   */
  key: string;
}

export interface PodStep {
  /** The status the pod should have now. */
  status: V1PodStatus;
  /** status differs from what the pod carries: a status write is due. */
  changed: boolean;
  events: LifecycleEvent[];
  /** Evaluate again after this long; undefined = nothing is scheduled (wait for a change). */
  recheckInMs: number | undefined;
  /** The pod is finished on this node and being deleted: DELETE it with gracePeriodSeconds 0. */
  remove: boolean;
}

// ---- one container's timeline ----------------------------------------------------------------

interface Exit {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: number;
  finishedAt: number;
  containerID?: string;
}

/** One regular container, as the machine reasons about it; derived from and rendered to the status. */
type Rec =
  | { kind: 'creating' }
  | { kind: 'running'; attempt: number; startedAt: number; last?: Exit }
  | { kind: 'backoff'; attempt: number; last: Exit }
  | { kind: 'exited'; attempt: number; exit: Exit; last?: Exit };

const ceilSec = (ms: number): number => Math.ceil(ms / 1000) * 1000;
const floorSec = (ms: number): number => Math.floor(ms / 1000) * 1000;

/**
 * The delay before restart number `restart` (1 = the first restart), as the kubelet's back-off
 * gives it: the first restart is immediate, later ones wait 10 s, 20 s, 40 s … up to 5 min.
 */
export function restartDelayMs(restart: number, timing: Pick<PodTiming, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  if (restart <= 1) return 0;
  return ceilSec(Math.min(timing.backoffBaseMs * 2 ** (restart - 2), timing.backoffMaxMs));
}

function exitOf(t: V1ContainerStateTerminated | undefined): Exit | undefined {
  if (!t) return undefined;
  return {
    exitCode: t.exitCode,
    reason: t.reason ?? (t.exitCode === 0 ? 'Completed' : 'Error'),
    ...(t.message ? { message: t.message } : {}),
    startedAt: timeOf(t.startedAt) ?? 0,
    finishedAt: timeOf(t.finishedAt) ?? 0,
    ...(t.containerID ? { containerID: t.containerID } : {}),
  };
}

function recOf(cs: V1ContainerStatus | undefined): Rec {
  if (!cs?.state) return { kind: 'creating' };
  const last = exitOf(cs.lastState?.terminated);
  const attempt = cs.restartCount ?? 0;
  if (cs.state.running) return { kind: 'running', attempt, startedAt: timeOf(cs.state.running.startedAt) ?? 0, ...(last ? { last } : {}) };
  if (cs.state.terminated) return { kind: 'exited', attempt, exit: exitOf(cs.state.terminated)!, ...(last ? { last } : {}) };
  if (cs.state.waiting?.reason === 'CrashLoopBackOff' && last) return { kind: 'backoff', attempt, last };
  return { kind: 'creating' };
}

function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

interface Ctx {
  pod: V1Pod;
  uid: string;
  timing: PodTiming;
  policy: string;
  /** First sight (status.startTime). */
  t0: number;
  startAt: number;
  events: LifecycleEvent[];
}

function event(ctx: Ctx, c: V1Container, attempt: number, type: 'Normal' | 'Warning', reason: string, message: string): void {
  ctx.events.push({ type, reason, message, key: `${ctx.uid}/${c.name}/${attempt}/${reason}` });
}

function startEvents(ctx: Ctx, c: V1Container, attempt: number, pullMs: number): void {
  const image = c.image ?? '';
  const policy = c.imagePullPolicy ?? 'IfNotPresent';
  // The first run pulls (unless Never); a restart pulls again only under imagePullPolicy Always.
  if (policy === 'Never' || (attempt > 0 && policy !== 'Always')) {
    event(ctx, c, attempt, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
  } else {
    if (attempt > 0) event(ctx, c, attempt, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const d = goDuration(pullMs);
    event(ctx, c, attempt, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${d} (${d} including waiting). Image size: ${imageSize(image)} bytes.`);
  }
  event(ctx, c, attempt, 'Normal', 'Created', `Created container: ${c.name}`);
  event(ctx, c, attempt, 'Normal', 'Started', `Started container ${c.name}`);
}

/** Moves a container along its timeline up to time `t`; returns where it is and its next due instant. */
function advance(ctx: Ctx, c: V1Container, rec: Rec, t: number): { rec: Rec; due: number | undefined } {
  const { timing } = ctx;
  for (let guard = 0; guard < 10_000; guard++) {
    switch (rec.kind) {
      case 'creating':
        if (t < ctx.startAt) return { rec, due: ctx.startAt };
        startEvents(ctx, c, 0, ctx.startAt - ctx.t0);
        rec = { kind: 'running', attempt: 0, startedAt: ctx.startAt };
        continue;
      case 'running': {
        const readyAt = ceilSec(rec.startedAt + timing.readyDelayMs);
        const exitAt = timing.runMs === undefined ? undefined : ceilSec(rec.startedAt + timing.runMs);
        if (exitAt === undefined || t < exitAt) {
          const dues = [exitAt, readyAt > t ? readyAt : undefined].filter((d): d is number => d !== undefined);
          return { rec, due: dues.length ? Math.min(...dues) : undefined };
        }
        const code = timing.exitCode;
        const exit: Exit = { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt: rec.startedAt, finishedAt: exitAt, containerID: containerID(ctx.uid, c.name, rec.attempt) };
        if (!shouldRestart(ctx.policy, code)) {
          rec = { kind: 'exited', attempt: rec.attempt, exit, ...(rec.last ? { last: rec.last } : {}) };
          continue;
        }
        if (restartDelayMs(rec.attempt + 1, timing) === 0) {
          rec = { kind: 'running', attempt: rec.attempt + 1, startedAt: exit.finishedAt, last: exit };
          startEvents(ctx, c, rec.attempt, 0);
        } else {
          rec = { kind: 'backoff', attempt: rec.attempt, last: exit };
          const p = ctx.pod.metadata!;
          event(ctx, c, rec.attempt, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podDesc(p.name ?? '', p.namespace ?? '', ctx.uid)}`);
        }
        continue;
      }
      case 'backoff': {
        const restartAt = rec.last.finishedAt + restartDelayMs(rec.attempt + 1, timing);
        if (t < restartAt) return { rec, due: restartAt };
        rec = { kind: 'running', attempt: rec.attempt + 1, startedAt: restartAt, last: rec.last };
        startEvents(ctx, c, rec.attempt, 0);
        continue;
      }
      case 'exited':
        return { rec, due: undefined };
    }
  }
  throw new Error(`pod ${ctx.uid}: container ${c.name} did not settle`);
}

// ---- rendering -------------------------------------------------------------------------------

const wire = (ms: number): Date => rfc3339(ms);

function terminatedState(e: Exit): V1ContainerStateTerminated {
  return {
    exitCode: e.exitCode,
    reason: e.reason,
    ...(e.message ? { message: e.message } : {}),
    // A container that never ran (ContainerStatusUnknown) has no times.
    ...(e.startedAt ? { startedAt: wire(e.startedAt) } : {}),
    ...(e.finishedAt ? { finishedAt: wire(e.finishedAt) } : {}),
    ...(e.containerID ? { containerID: e.containerID } : {}),
  };
}

function renderContainer(ctx: Ctx, c: V1Container, rec: Rec, ready: boolean, waitingReason: string): V1ContainerStatus {
  const base = { name: c.name, image: c.image ?? '', imageID: '' };
  const lastState = (last: Exit | undefined): V1ContainerState => (last ? { terminated: terminatedState(last) } : {});
  switch (rec.kind) {
    case 'creating':
      return { ...base, state: { waiting: { reason: waitingReason } }, lastState: {}, ready: false, restartCount: 0, started: false };
    case 'running':
      return {
        name: c.name,
        state: { running: { startedAt: wire(rec.startedAt) } },
        lastState: lastState(rec.last),
        ready,
        restartCount: rec.attempt,
        image: normalizeImage(c.image ?? ''),
        imageID: imageID(c.image ?? ''),
        containerID: containerID(ctx.uid, c.name, rec.attempt),
        started: true,
      };
    case 'backoff': {
      const p = ctx.pod.metadata!;
      const delay = goDuration(restartDelayMs(rec.attempt + 1, ctx.timing));
      return {
        name: c.name,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay} restarting failed container=${c.name} pod=${podDesc(p.name ?? '', p.namespace ?? '', ctx.uid)}` } },
        lastState: lastState(rec.last),
        ready: false,
        restartCount: rec.attempt,
        image: normalizeImage(c.image ?? ''),
        imageID: imageID(c.image ?? ''),
        ...(rec.last.containerID ? { containerID: rec.last.containerID } : {}),
        started: false,
      };
    }
    case 'exited':
      return {
        name: c.name,
        state: { terminated: terminatedState(rec.exit) },
        lastState: lastState(rec.last),
        ready: false,
        restartCount: rec.attempt,
        image: normalizeImage(c.image ?? ''),
        imageID: imageID(c.image ?? ''),
        ...(rec.exit.containerID ? { containerID: rec.exit.containerID } : {}),
        started: false,
      };
  }
}

function renderInitContainer(ctx: Ctx, c: V1Container, started: boolean): V1ContainerStatus {
  if (!started) {
    return { name: c.name, image: c.image ?? '', imageID: '', state: { waiting: { reason: 'PodInitializing' } }, lastState: {}, ready: false, restartCount: 0, started: false };
  }
  const id = containerID(ctx.uid, c.name, 0);
  return {
    name: c.name,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: wire(ctx.startAt), finishedAt: wire(ctx.startAt), containerID: id } },
    lastState: {},
    ready: true,
    restartCount: 0,
    image: normalizeImage(c.image ?? ''),
    imageID: imageID(c.image ?? ''),
    containerID: id,
    started: false,
  };
}

interface WantedCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

/**
 * The kubelet's conditions in its order, keeping lastTransitionTime while a condition's status
 * holds; conditions owned by others (PodScheduled from the scheduler, DisruptionTarget, readiness
 * gates) are kept as they are.
 */
function mergeConditions(prev: V1PodCondition[], wanted: WantedCondition[], now: number): V1PodCondition[] {
  const out: V1PodCondition[] = wanted.map((w) => {
    const old = prev.find((p) => p.type === w.type);
    return {
      type: w.type,
      status: w.status,
      lastProbeTime: null as unknown as Date,
      lastTransitionTime: old && old.status === w.status && old.lastTransitionTime ? old.lastTransitionTime : wire(now),
      ...(w.reason ? { reason: w.reason } : {}),
      ...(w.message ? { message: w.message } : {}),
    };
  });
  const scheduled = prev.find((p) => p.type === 'PodScheduled');
  out.push(scheduled ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as Date, lastTransitionTime: wire(now) });
  for (const p of prev) if (!out.some((o) => o.type === p.type)) out.push(p);
  return out;
}

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

function phaseOf(recs: Rec[]): Phase {
  if (recs.some((r) => r.kind === 'creating')) return 'Pending';
  if (recs.some((r) => r.kind === 'running' || r.kind === 'backoff')) return 'Running';
  return recs.some((r) => r.kind === 'exited' && r.exit.exitCode !== 0) ? 'Failed' : 'Succeeded';
}

/** Stable JSON for comparing statuses regardless of key order. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

// ---- the step --------------------------------------------------------------------------------

export function nextPodStatus(pod: V1Pod, now: number, placement: PodPlacement, timing: PodTiming): PodStep {
  const prev: V1PodStatus = pod.status ?? {};
  const meta = pod.metadata ?? {};
  const uid = meta.uid ?? meta.name ?? '';
  const deleting = timeOf(meta.deletionTimestamp);
  const unchanged = (remove: boolean, recheckInMs?: number): PodStep => ({ status: prev, changed: false, events: [], recheckInMs, remove });

  // A finished pod stays as it is; once deleted it only waits for the final DELETE.
  if (prev.phase === 'Succeeded' || prev.phase === 'Failed') return unchanged(deleting !== undefined);
  const firstSight = timeOf(prev.startTime) === undefined;
  // Deleted before its containers ever ran here: nothing to stop.
  if (deleting !== undefined && firstSight) return unchanged(true);

  const t0 = timeOf(prev.startTime) ?? floorSec(now);
  const ctx: Ctx = {
    pod,
    uid,
    timing,
    policy: pod.spec?.restartPolicy ?? 'Always',
    t0,
    startAt: ceilSec(t0 + timing.startDelayMs),
    events: [],
  };
  const containers = pod.spec?.containers ?? [];
  const initContainers = pod.spec?.initContainers ?? [];

  if (firstSight) {
    for (const c of containers) {
      if ((c.imagePullPolicy ?? 'IfNotPresent') !== 'Never') event(ctx, c, 0, 'Normal', 'Pulling', `Pulling image "${c.image ?? ''}"`);
    }
  }

  // Graceful deletion: the kill began when the delete was accepted, within the second that
  // deletionTimestamp − grace names (the wire drops the fraction); count from the end of that
  // second so the stop takes at least the simulated stop time.
  const grace = meta.deletionGracePeriodSeconds ?? 0;
  const killStart = deleting === undefined ? undefined : deleting - grace * 1000 + 1000;
  const stopAt = killStart === undefined ? undefined : killStart + ceilSec(Math.min(grace * 1000, timing.stopMs));
  const horizon = killStart === undefined ? now : Math.min(now, killStart);

  const statusOf = (name: string) => prev.containerStatuses?.find((s) => s.name === name);
  const dues: number[] = [];
  let recs = containers.map((c) => {
    const r = advance(ctx, c, recOf(statusOf(c.name)), horizon);
    if (r.due !== undefined) dues.push(r.due);
    return r.rec;
  });

  let killing = false;
  let remove = false;
  if (killStart !== undefined && stopAt !== undefined) {
    dues.length = 0;
    if (recs.every((r) => r.kind === 'creating')) return { ...unchanged(true), events: ctx.events };
    if (now < stopAt) {
      killing = true;
      dues.push(stopAt);
      containers.forEach((c, i) => {
        const r = recs[i]!;
        if (r.kind === 'running') event(ctx, c, r.attempt, 'Normal', 'Killing', `Stopping container ${c.name}`);
      });
    } else {
      // Stopped within the grace period: the process exits 0 on SIGTERM; otherwise SIGKILL (137).
      const graceful = timing.stopMs <= grace * 1000;
      recs = recs.map((r, i): Rec => {
        const id = containerID(uid, containers[i]!.name, r.kind === 'creating' ? 0 : r.attempt);
        switch (r.kind) {
          case 'running':
            return { kind: 'exited', attempt: r.attempt, exit: { exitCode: graceful ? 0 : 137, reason: graceful ? 'Completed' : 'Error', startedAt: r.startedAt, finishedAt: stopAt, containerID: id }, ...(r.last ? { last: r.last } : {}) };
          case 'backoff':
          case 'creating':
            // Never (re)started: the kubelet reports such containers this way once the pod is terminal.
            return { kind: 'exited', attempt: r.kind === 'backoff' ? r.attempt : 0, exit: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: 0, finishedAt: 0 }, ...(r.kind === 'backoff' ? { last: r.last } : {}) };
          case 'exited':
            return r;
        }
      });
      remove = true;
    }
  }

  // Render.
  const phase = phaseOf(recs);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const started = now >= ctx.startAt;
  const waitingReason = initContainers.length > 0 ? 'PodInitializing' : 'ContainerCreating';
  const containerStatuses = containers.map((c, i) => {
    const r = recs[i]!;
    const ready = !killing && r.kind === 'running' && now >= ceilSec(r.startedAt + timing.readyDelayMs);
    return renderContainer(ctx, c, r, ready, waitingReason);
  });
  const initContainerStatuses = initContainers.map((c) => renderInitContainer(ctx, c, started));

  const wanted: WantedCondition[] = [];
  wanted.push({ type: 'PodReadyToStartContainers', status: started && !terminal ? 'True' : 'False' });
  if (terminal && phase === 'Succeeded') wanted.push({ type: 'Initialized', status: 'True', reason: 'PodCompleted' });
  else if (initContainers.length === 0 || started) wanted.push({ type: 'Initialized', status: 'True' });
  else wanted.push({ type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${goList(initContainers.map((c) => c.name))}` });
  let containersReady: WantedCondition;
  if (terminal) containersReady = { type: 'ContainersReady', status: 'False', reason: phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed' };
  else {
    const unready = containerStatuses.filter((s) => !s.ready).map((s) => s.name);
    containersReady = unready.length
      ? { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: ${goList(unready)}` }
      : { type: 'ContainersReady', status: 'True' };
  }
  let ready: WantedCondition = { ...containersReady, type: 'Ready' };
  if (containersReady.status === 'True') {
    const conds = prev.conditions ?? [];
    const gates = (pod.spec?.readinessGates ?? []).flatMap((g) => {
      const c = conds.find((x) => x.type === g.conditionType);
      if (!c) return [`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`];
      return c.status === 'True' ? [] : [`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`];
    });
    if (gates.length) ready = { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: gates.join(', ') };
  }
  wanted.push(ready, containersReady);

  const hostNetwork = pod.spec?.hostNetwork === true;
  const podIP = hostNetwork ? placement.hostIP : placement.podIP;
  const status: V1PodStatus = {
    ...prev,
    phase,
    conditions: mergeConditions(prev.conditions ?? [], wanted, now),
    hostIP: placement.hostIP,
    hostIPs: [{ ip: placement.hostIP }],
    startTime: wire(t0),
    ...(initContainers.length ? { initContainerStatuses } : {}),
    containerStatuses,
  };
  if (started) {
    status.podIP = prev.podIP ?? podIP;
    status.podIPs = prev.podIPs ?? [{ ip: status.podIP }];
  }

  const future = dues.filter((d) => d > now);
  return {
    status,
    changed: !sameJson(status, prev),
    events: ctx.events,
    recheckInMs: future.length ? Math.min(...future) - now : undefined,
    remove,
  };
}
