import { describe, expect, it } from 'vitest';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { deletionOrder, isComplete, isPodFailed, pastBackoffLimitOnFailure, podFailureBackoffMs, podFromTemplate, wantActive } from './pods.js';

const T = '2026-01-01T00:00:00Z' as unknown as Date;
const job = (spec: Partial<NonNullable<V1Job['spec']>> = {}): V1Job => ({ metadata: { name: 'pi', namespace: 'ns', uid: 'u1' }, spec: { template: {}, ...spec } });
const pod = (name: string, o: { phase?: string; node?: string; ready?: boolean; deleting?: boolean; created?: string; restarts?: number } = {}): V1Pod => ({
  metadata: { name, creationTimestamp: (o.created ?? '2026-01-01T00:00:00Z') as unknown as Date, ...(o.deleting ? { deletionTimestamp: T } : {}) },
  spec: { nodeName: o.node, containers: [] },
  status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }], containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: o.restarts ?? 0 }] },
});

describe('wantActive / isComplete', () => {
  it.each([
    ['completions 5, parallelism 2, none done', { completions: 5, parallelism: 2 }, 0, 0, 2],
    ['completions 5, parallelism 2, 4 done', { completions: 5, parallelism: 2 }, 4, 2, 1],
    ['completions 5, all done', { completions: 5, parallelism: 2 }, 5, 1, 0],
    ['more successes than completions', { completions: 1, parallelism: 1 }, 3, 0, 0],
    ['work queue (no completions), nothing done', { parallelism: 3 }, 0, 1, 3],
    ['work queue, one success: keep what runs', { parallelism: 3 }, 1, 2, 2],
  ] as const)('%s', (_n, spec, succeeded, active, want) => expect(wantActive(job({ template: {}, ...spec }), succeeded, active)).toBe(want));

  it.each([
    [{ completions: 3 }, 3, 0, true],
    [{ completions: 3 }, 3, 1, false],
    [{ completions: 3 }, 2, 0, false],
    [{ parallelism: 2 }, 1, 0, true],
    [{ parallelism: 2 }, 1, 1, false],
    [{ parallelism: 2 }, 0, 0, false],
  ] as const)('isComplete(%j, succeeded %d, active %d) = %s', (spec, s, a, want) => expect(isComplete(job({ template: {}, ...spec }), s, a)).toBe(want));
});

describe('isPodFailed', () => {
  it.each([
    ['Failed', pod('a', { phase: 'Failed' }), {}, true],
    ['Running', pod('a'), {}, false],
    ['deleted while running', pod('a', { deleting: true }), {}, true],
    ['deleted after success', pod('a', { phase: 'Succeeded', deleting: true }), {}, false],
    ['deleted while running, podReplacementPolicy Failed', pod('a', { deleting: true }), { podReplacementPolicy: 'Failed' }, false],
  ] as const)('%s', (_n, p, spec, want) => expect(isPodFailed(p, job({ template: {}, ...spec }))).toBe(want));
});

describe('deletionOrder', () => {
  it('unscheduled, pending, not ready, most restarts, newest first', () => {
    const pods = [
      pod('ready-old', { node: 'n', ready: true, created: '2026-01-01T00:00:00Z' }),
      pod('ready-new', { node: 'n', ready: true, created: '2026-01-01T00:01:00Z' }),
      pod('notready', { node: 'n' }),
      pod('restarts', { node: 'n', restarts: 3 }),
      pod('pending', { node: 'n', phase: 'Pending' }),
      pod('unscheduled', { phase: 'Pending' }),
    ];
    expect(pods.sort(deletionOrder).map((p) => p.metadata!.name)).toEqual(['unscheduled', 'pending', 'restarts', 'notready', 'ready-new', 'ready-old']);
  });
});

describe('backoff', () => {
  it.each([
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [6, 320_000],
    [7, 360_000],
    [20, 360_000],
  ])('%d failures → %d ms', (n, ms) => expect(podFailureBackoffMs(n)).toBe(ms));

  it('OnFailure restarts count against the backoff limit', () => {
    const j = job({ backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [] } } });
    expect(pastBackoffLimitOnFailure(j, [pod('a', { restarts: 1 })])).toBe(false);
    expect(pastBackoffLimitOnFailure(j, [pod('a', { restarts: 1 }), pod('b', { restarts: 1 })])).toBe(true);
    expect(pastBackoffLimitOnFailure(job({ backoffLimit: 2, template: {} }), [pod('a', { restarts: 5 })])).toBe(false);
  });
});

describe('podFromTemplate', () => {
  it('generateName, labels, tracking finalizer and a controller reference', () => {
    const p = podFromTemplate(job({ template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } }));
    expect(p.metadata).toEqual({
      generateName: 'pi-',
      name: undefined,
      namespace: 'ns',
      labels: { 'batch.kubernetes.io/controller-uid': 'u1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u1', 'job-name': 'pi', app: 'pi' },
      finalizers: ['batch.kubernetes.io/job-tracking'],
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'u1', controller: true, blockOwnerDeletion: true }],
    });
    expect(p.spec).toEqual({ restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] });
  });
});
