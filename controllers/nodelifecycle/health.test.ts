import { describe, expect, it } from 'vitest';
import type { V1NodeCondition, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { desiredTaints, evictionTime, markConditionsUnknown, observeHeartbeat, tolerates, withDefaultTolerations } from './health.js';

const t = (s: string) => s as unknown as Date;
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('observeHeartbeat', () => {
  it.each([
    ['first sight gives a full grace period', undefined, 'r1', 'h1', { probeMs: 100, leaseRenewTime: 'r1', readyHeartbeat: 'h1' }],
    ['no change keeps the old probe time', { probeMs: 5, leaseRenewTime: '2026-01-01T00:00:01Z', readyHeartbeat: 'h1' }, '2026-01-01T00:00:01Z', 'h1', { probeMs: 5, leaseRenewTime: '2026-01-01T00:00:01Z', readyHeartbeat: 'h1' }],
    ['a renewed lease counts at local time', { probeMs: 5, leaseRenewTime: '2026-01-01T00:00:01Z' }, '2026-01-01T00:00:11Z', undefined, { probeMs: 100, leaseRenewTime: '2026-01-01T00:00:11Z' }],
    ['an older renewTime (lease went back) does not count', { probeMs: 5, leaseRenewTime: '2026-01-01T00:00:11Z' }, '2026-01-01T00:00:01Z', undefined, { probeMs: 5, leaseRenewTime: '2026-01-01T00:00:11Z' }],
    ['a new status heartbeat counts', { probeMs: 5, readyHeartbeat: 'h1' }, undefined, 'h2', { probeMs: 100, readyHeartbeat: 'h2' }],
  ] as const)('%s', (_n, prev, renew, hb, want) => {
    expect(observeHeartbeat(prev ? { ...prev } : undefined, renew, hb, 100)).toEqual(want);
  });
});

describe('markConditionsUnknown', () => {
  it('turns monitored conditions Unknown, keeps heartbeats, adds missing ones as never updated', () => {
    const conds: V1NodeCondition[] = [
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t('2025-12-31T23:59:00Z'), lastTransitionTime: t('2025-12-31T00:00:00Z') },
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'x' },
      { type: 'DiskPressure', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' },
    ];
    const out = markConditionsUnknown(conds, T0)!;
    expect(out[0]).toEqual({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: '2025-12-31T23:59:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' });
    expect(out[1]).toMatchObject({ type: 'MemoryPressure', status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(out[2]).toBe(conds[2]);
    expect(out[3]).toMatchObject({ type: 'PIDPressure', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    expect(markConditionsUnknown(out, T0 + 1000)).toBeUndefined();
  });
});

describe('desiredTaints', () => {
  const ready = (status: string): V1NodeCondition[] => [{ type: 'Ready', status }];
  const unreachableNE: V1Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: t('2025-12-31T00:00:00Z') };
  const unreachableNS: V1Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };
  const user: V1Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const cases: [string, V1Taint[] | undefined, V1NodeCondition[] | undefined, boolean, V1Taint[] | undefined][] = [
    ['ready node, no taints: nothing to do', undefined, ready('True'), false, undefined],
    ['unknown: unreachable NoExecute (timeAdded now) + NoSchedule', [user], ready('Unknown'), false, [user, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: t('2026-01-01T00:00:00Z') }, unreachableNS]],
    ['unknown and already tainted: unchanged (timeAdded kept)', [unreachableNE, unreachableNS], ready('Unknown'), false, undefined],
    ['false: not-ready replaces unreachable', [unreachableNE, unreachableNS], ready('False'), false, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: t('2026-01-01T00:00:00Z') }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]],
    ['ready again: our taints go, the user\'s stay', [unreachableNE, user, unreachableNS], ready('True'), false, [user]],
    ['memory pressure and unschedulable', undefined, [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'True' }], true, [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]],
    ['no Ready condition: NoExecute taints left alone', [unreachableNE], [], false, undefined],
  ];
  it.each(cases)('%s', (_n, taints, conds, unsched, want) => expect(desiredTaints(taints, conds, unsched, T0)).toEqual(want));
});

describe('tolerations and eviction time', () => {
  const taint: V1Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: t('2026-01-01T00:00:00Z') };
  it.each([
    [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, true],
    [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ key: 'node.kubernetes.io/unreachable', operator: 'Equal', value: 'x' }, false],
    [{ key: 'node.kubernetes.io/unreachable', value: '' }, true],
    [{ value: '' }, false],
  ] as [V1Toleration, boolean][])('tolerates(%j) = %s', (tol, want) => expect(tolerates(tol, taint)).toBe(want));

  it('default tolerations are added only where the pod has none', () => {
    expect(withDefaultTolerations(undefined, 300)).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const own: V1Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 };
    expect(withDefaultTolerations([own], 300)).toEqual([own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
    expect(withDefaultTolerations([{ operator: 'Exists' }], 300)).toEqual([{ operator: 'Exists' }]);
  });

  const cases: [string, V1Taint[], V1Toleration[], 'now' | 'never' | number][] = [
    ['no NoExecute taint', [{ key: 'a', effect: 'NoSchedule' }], [], 'never'],
    ['not tolerated: now', [taint], [], 'now'],
    ['tolerated forever', [taint], [{ key: taint.key, operator: 'Exists', effect: 'NoExecute' }], 'never'],
    ['tolerated 300 s from timeAdded', [taint], withDefaultTolerations([], 300), T0 + 300_000],
    ['the smallest tolerationSeconds wins', [taint], [{ operator: 'Exists', tolerationSeconds: 60 }, { key: taint.key, operator: 'Exists', tolerationSeconds: 10 }], T0 + 10_000],
    ['one of two taints untolerated: now', [taint, { key: 'x', effect: 'NoExecute' }], withDefaultTolerations([], 300), 'now'],
    ['negative seconds count as zero', [taint], [{ operator: 'Exists', tolerationSeconds: -5 }], T0],
    ['no timeAdded: counted from when first seen', [{ key: taint.key, effect: 'NoExecute' }], [{ operator: 'Exists', tolerationSeconds: 1 }], 7 + 1000],
  ];
  it.each(cases)('%s', (_n, taints, tols, want) => expect(evictionTime(taints, tols, 7)).toEqual(want));
});
