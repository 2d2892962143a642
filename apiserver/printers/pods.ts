// `kubectl get pods`: NAME READY STATUS RESTARTS AGE, wide: IP NODE NOMINATED NODE READINESS GATES.
// STATUS is not the phase: it is the most telling reason found walking init containers in order,
// then regular containers from last to first, as the kubelet reports them (CrashLoopBackOff,
// ContainerCreating, Completed, Init:1/3, Init:Error, Terminating...).

import type { KubeObject } from '../api/object.js';
import type { TableSpec } from '../resources/strategy.js';
import { age, conditionTrue } from './cells.js';
import { describe } from './descriptions.js';
import { since } from './duration.js';
import { at, int, list, rec, str, type Rec } from './read.js';
import { ageColumn, nameColumn } from './table.js';

/** The kubelet's pod status reason when a node stops answering (util/node NodeUnreachablePodReason). */
const NODE_LOST = 'NodeLost';

/** A sidecar: an init container with restartPolicy Always keeps running beside the others. */
function isRestartable(container: Rec | undefined): boolean {
  return container !== undefined && container['restartPolicy'] === 'Always';
}

/** The latest time in `current` and the container's last termination, as epoch ms (0 = none). */
function latestRestart(current: number, status: Rec): number {
  const finishedAt = str(at(status, 'lastState', 'terminated', 'finishedAt'));
  const t = finishedAt ? Date.parse(finishedAt) : NaN;
  return Number.isNaN(t) ? current : Math.max(current, t);
}

interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** Epoch ms of the newest restart, 0 when unknown. */
  lastRestart: number;
}

export function summarizePod(pod: KubeObject): PodSummary {
  const spec = rec(pod['spec']);
  const status = rec(pod['status']);
  const phase = str(status['phase']);
  const conditions = list(status['conditions']).map(rec);

  let reason = str(status['reason']) || phase;
  // A pod held back by scheduling gates says so instead of just "Pending".
  if (conditions.some((c) => c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated')) reason = 'SchedulingGated';

  const initSpecs = list(spec['initContainers']).map(rec);
  const initByName = new Map(initSpecs.map((c) => [str(c['name']), c]));
  const total = list(spec['containers']).length + initSpecs.filter(isRestartable).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;

  let initializing = false;
  const initStatuses = list(status['initContainerStatuses']).map(rec);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const sidecar = isRestartable(initByName.get(str(c['name'])));
    restarts += int(c['restartCount']);
    lastRestart = latestRestart(lastRestart, c);
    if (sidecar) {
      sidecarRestarts += int(c['restartCount']);
      lastSidecarRestart = latestRestart(lastSidecarRestart, c);
    }
    const terminated = at(c, 'state', 'terminated');
    const waitingReason = str(at(c, 'state', 'waiting', 'reason'));
    if (terminated !== undefined && int(rec(terminated)['exitCode']) === 0) continue; // finished well
    if (sidecar && c['started'] === true) {
      if (c['ready'] === true) ready++;
      continue; // a started sidecar lets initialization go on
    }
    if (terminated !== undefined) {
      const t = rec(terminated);
      if (str(t['reason'])) reason = `Init:${str(t['reason'])}`;
      else if (int(t['signal']) !== 0) reason = `Init:Signal:${int(t['signal'])}`;
      else reason = `Init:ExitCode:${int(t['exitCode'])}`;
    } else if (waitingReason && waitingReason !== 'PodInitializing') {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(conditions, 'Initialized')) {
    // Restarts of completed init containers no longer count once the pod runs; sidecars' do.
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list(status['containerStatuses']).map(rec);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += int(c['restartCount']);
      lastRestart = latestRestart(lastRestart, c);
      const waitingReason = str(at(c, 'state', 'waiting', 'reason'));
      const terminated = at(c, 'state', 'terminated');
      if (waitingReason) {
        reason = waitingReason;
      } else if (terminated !== undefined) {
        const t = rec(terminated);
        if (str(t['reason'])) reason = str(t['reason']);
        else if (int(t['signal']) !== 0) reason = `Signal:${int(t['signal'])}`;
        else reason = `ExitCode:${int(t['exitCode'])}`;
      } else if (c['ready'] === true && at(c, 'state', 'running') !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    // One container completed while another still runs: the pod as a whole is not done.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && str(status['reason']) === NODE_LOST) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  return { ready, total, reason, restarts, lastRestart };
}

/** "3" or, when the last restart time is known, "3 (5m ago)". */
function restartsCell(s: PodSummary, now: Date): string {
  if (s.restarts !== 0 && s.lastRestart !== 0) return `${s.restarts} (${since(new Date(s.lastRestart), now)} ago)`;
  return String(s.restarts);
}

/** READINESS GATES: how many of the gates' conditions are True, "<none>" without gates. */
function readinessGates(pod: KubeObject): string {
  const gates = list(at(pod, 'spec', 'readinessGates')).map(rec);
  if (gates.length === 0) return '<none>';
  const conditions = list(at(pod, 'status', 'conditions')).map(rec);
  const passing = gates.filter((g) => {
    const c = conditions.find((cond) => cond['type'] === g['conditionType']);
    return c !== undefined && c['status'] === 'True';
  }).length;
  return `${passing}/${gates.length}`;
}

export const podsTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Ready', type: 'string', priority: 0, description: 'The aggregate readiness state of this pod for accepting traffic.' },
    { name: 'Status', type: 'string', priority: 0, description: 'The aggregate status of the containers in this pod.' },
    {
      name: 'Restarts',
      type: 'string',
      priority: 0,
      description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    },
    ageColumn,
    { name: 'IP', type: 'string', priority: 1, description: describe.podStatusPodIP },
    { name: 'Node', type: 'string', priority: 1, description: describe.podSpecNodeName },
    { name: 'Nominated Node', type: 'string', priority: 1, description: describe.podStatusNominatedNodeName },
    { name: 'Readiness Gates', type: 'string', priority: 1, description: describe.podSpecReadinessGates },
  ],
  row(pod, now) {
    const s = summarizePod(pod);
    // Decoding a v1 pod makes status.podIP the first of podIPs, so podIP wins when both are set.
    const ip = str(at(pod, 'status', 'podIP')) || str(rec(list(at(pod, 'status', 'podIPs'))[0])['ip']);
    return [
      pod.metadata.name ?? '',
      `${s.ready}/${s.total}`,
      s.reason,
      restartsCell(s, now),
      age(pod, now),
      ip || '<none>',
      str(at(pod, 'spec', 'nodeName')) || '<none>',
      str(at(pod, 'status', 'nominatedNodeName')) || '<none>',
      readinessGates(pod),
    ];
  },
};
