// Pure pieces of node lifecycle (Kubernetes' pkg/controller/nodelifecycle and its taint eviction):
// when a node's heartbeat was last seen, how its conditions go Unknown, which taints its conditions
// call for, and when a pod on a NoExecute-tainted node is due for eviction.

import type { V1NodeCondition, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { rfc3339, timeOf } from '../../client/types.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Condition (status) → NoSchedule taint key, as Kubernetes' nodeConditionToTaintKeyStatusMap. */
const NO_SCHEDULE_BY_CONDITION: { type: string; status: string; key: string }[] = [
  { type: 'Ready', status: 'False', key: TAINT_NOT_READY },
  { type: 'Ready', status: 'Unknown', key: TAINT_UNREACHABLE },
  { type: 'MemoryPressure', status: 'True', key: 'node.kubernetes.io/memory-pressure' },
  { type: 'DiskPressure', status: 'True', key: 'node.kubernetes.io/disk-pressure' },
  { type: 'NetworkUnavailable', status: 'True', key: 'node.kubernetes.io/network-unavailable' },
  { type: 'PIDPressure', status: 'True', key: 'node.kubernetes.io/pid-pressure' },
];
const CONTROLLED_NO_SCHEDULE = new Set([...NO_SCHEDULE_BY_CONDITION.map((c) => c.key), TAINT_UNSCHEDULABLE]);

/** The conditions the controller turns Unknown when the kubelet goes silent. */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** What the controller remembers of a node's heartbeats: local time of the last change it saw. */
export interface NodeHealth {
  /** Local clock (ms) when a heartbeat last changed: the grace period counts from here. */
  probeMs: number;
  leaseRenewTime?: string;
  readyHeartbeat?: string;
}

/**
 * Kubernetes measures silence on its own clock: a heartbeat counts when it *changes*, at the time
 * the controller sees it change, so a kubelet whose clock is off neither hides nor fakes a failure.
 * A controller that (re)starts gives every node a full grace period.
 */
export function observeHeartbeat(prev: NodeHealth | undefined, leaseRenewTime: string | undefined, readyHeartbeat: string | undefined, nowMs: number): NodeHealth {
  if (!prev) return { probeMs: nowMs, leaseRenewTime, readyHeartbeat };
  const renewed = leaseRenewTime !== undefined && leaseRenewTime !== prev.leaseRenewTime && (timeOf(leaseRenewTime) ?? 0) >= (timeOf(prev.leaseRenewTime) ?? 0);
  const posted = readyHeartbeat !== undefined && readyHeartbeat !== prev.readyHeartbeat;
  return renewed || posted ? { probeMs: nowMs, leaseRenewTime, readyHeartbeat } : prev;
}

/**
 * The node's conditions once the kubelet stopped posting: every monitored condition Unknown
 * (reason NodeStatusUnknown), or added as Unknown if the kubelet never posted it. Undefined when
 * they already say so.
 */
export function markConditionsUnknown(conditions: V1NodeCondition[] | undefined, nowMs: number): V1NodeCondition[] | undefined {
  const out = [...(conditions ?? [])];
  const now = rfc3339(nowMs);
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const i = out.findIndex((c) => c.type === type);
    if (i < 0) {
      out.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: now, lastTransitionTime: now });
      changed = true;
    } else if (out[i]!.status !== 'Unknown') {
      out[i] = { ...out[i]!, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now };
      changed = true;
    }
  }
  return changed ? out : undefined;
}

/**
 * The taints the node's state calls for, keeping every taint the controller does not own:
 *   NoExecute  not-ready (Ready False) or unreachable (Ready Unknown), with timeAdded; none when Ready
 *   NoSchedule one per condition in Kubernetes' map, and unschedulable for spec.unschedulable
 * Undefined when the taints are already right (a kept taint keeps its timeAdded).
 */
export function desiredTaints(
  taints: V1Taint[] | undefined,
  conditions: V1NodeCondition[] | undefined,
  unschedulable: boolean,
  nowMs: number,
): V1Taint[] | undefined {
  const current = taints ?? [];
  const status = (type: string) => conditions?.find((c) => c.type === type)?.status;
  const ready = status('Ready');

  const noExecute = ready === 'False' ? TAINT_NOT_READY : ready === 'Unknown' ? TAINT_UNREACHABLE : undefined;
  const noSchedule = new Set(NO_SCHEDULE_BY_CONDITION.filter((c) => status(c.type) === c.status).map((c) => c.key));
  if (unschedulable) noSchedule.add(TAINT_UNSCHEDULABLE);

  const isOurs = (t: V1Taint) =>
    (t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE)) || (t.effect === 'NoSchedule' && CONTROLLED_NO_SCHEDULE.has(t.key));
  // No Ready condition at all (a node that never posted): NoExecute taints are left alone, as Kubernetes does.
  const keep = (t: V1Taint) => !isOurs(t) || (t.effect === 'NoExecute' ? ready === undefined || t.key === noExecute : noSchedule.has(t.key));
  const next = current.filter(keep);
  if (noExecute && !next.some((t) => t.effect === 'NoExecute' && t.key === noExecute)) {
    next.push({ key: noExecute, effect: 'NoExecute', timeAdded: rfc3339(nowMs) });
  }
  for (const key of noSchedule) if (!next.some((t) => t.effect === 'NoSchedule' && t.key === key)) next.push({ key, effect: 'NoSchedule' });
  const same = next.length === current.length && next.every((t, i) => t === current[i]);
  return same ? undefined : next;
}

/** Kubernetes' Toleration.ToleratesTaint. */
export function tolerates(t: V1Toleration, taint: V1Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * The tolerations a pod has once the DefaultTolerationSeconds admission plugin would have run: it
 * adds not-ready and unreachable NoExecute tolerations for `seconds` unless the pod has its own.
 */
export function withDefaultTolerations(tolerations: V1Toleration[] | undefined, seconds: number): V1Toleration[] {
  const out = [...(tolerations ?? [])];
  for (const key of [TAINT_NOT_READY, TAINT_UNREACHABLE]) {
    const probe: V1Taint = { key, effect: 'NoExecute' };
    if (!out.some((t) => tolerates(t, probe))) out.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  return out;
}

/**
 * When a pod on a node with these taints is due for eviction (Kubernetes' taint manager):
 * 'now' if one NoExecute taint is not tolerated, 'never' if none is set or the tolerations set no
 * tolerationSeconds, else the latest taint's timeAdded (or `sinceMs`) plus the smallest tolerationSeconds.
 */
export function evictionTime(taints: V1Taint[] | undefined, tolerations: V1Toleration[], sinceMs: number): 'now' | 'never' | number {
  const noExecute = (taints ?? []).filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return 'never';
  const used: V1Toleration[] = [];
  for (const taint of noExecute) {
    const matching = tolerations.filter((t) => t.effect === 'NoExecute' || !t.effect).filter((t) => tolerates(t, taint));
    if (matching.length === 0) return 'now';
    used.push(...matching);
  }
  const seconds = used.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
  if (seconds.length === 0) return 'never';
  const min = Math.max(0, Math.min(...seconds));
  const start = Math.max(...noExecute.map((t) => timeOf(t.timeAdded) ?? sinceMs));
  return start + min * 1000;
}
