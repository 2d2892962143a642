import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../client/types.js';
import { identityMatches, newStatefulSetPod, parentAndOrdinal, revisionTemplateFromPod, updateRevisionName, type Pod, type StatefulSet } from './identity.js';
import { planStatefulSet, type Step } from './plan.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

function sts(replicas: number, extra: Record<string, unknown> = {}, image = 'web:1'): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 1 },
    spec: {
      replicas,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'web' } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
      ...extra,
    },
  } as StatefulSet;
}

/** A pod of the set at `rev` ('new' = the set's update revision) in a state. */
function pod(set: StatefulSet, ordinal: number, state: 'ready' | 'pending' | 'failed' | 'terminating' = 'ready', rev = 'new'): Pod {
  const p = newStatefulSetPod(set, set.spec!.template, rev === 'new' ? updateRevisionName(set) : rev, ordinal);
  p.metadata.uid = `uid-${p.metadata.name}`;
  if (state === 'terminating') p.metadata.deletionTimestamp = rfc3339(NOW);
  p.status = {
    phase: state === 'failed' ? 'Failed' : state === 'pending' ? 'Pending' : 'Running',
    conditions: [{ type: 'Ready', status: state === 'ready' || state === 'terminating' ? 'True' : 'False', lastTransitionTime: rfc3339(NOW - 60_000) }],
  };
  return p;
}

const describeSteps = (phases: Step[][]) =>
  phases.flat().map((s) => (s.kind === 'delete' ? `delete ${s.pod.metadata.name} (${s.why})` : s.kind === 'recreate' ? `recreate ${s.old.metadata.name}` : `${s.kind} ${s.pod.metadata.name}`));

describe('identity', () => {
  it.each([
    ['web-0', 'web', 0],
    ['my-web-12', 'my-web', 12],
    ['web', '', -1],
    ['web-x', '', -1],
    ['web-99999999999', '', -1],
  ] as const)('parentAndOrdinal(%s)', (name, parent, ordinal) => {
    expect(parentAndOrdinal(name)).toEqual({ parent, ordinal });
  });

  it('a new pod has the stable name, identity labels, hostname/subdomain and controller ref', () => {
    const set = sts(3);
    const p = newStatefulSetPod(set, set.spec!.template, 'web-abc', 2);
    expect(p.metadata.name).toBe('web-2');
    expect(p.metadata.labels).toEqual({ app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2', 'controller-revision-hash': 'web-abc' });
    expect(p.spec).toMatchObject({ hostname: 'web-2', subdomain: 'nginx' });
    expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    expect(identityMatches(set, p)).toBe(true);
    expect(identityMatches(set, { ...p, metadata: { ...p.metadata, labels: { app: 'web' } } })).toBe(false);
    expect(revisionTemplateFromPod({ ...p, spec: { ...p.spec!, nodeName: 'n1' } })).toEqual({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'web:1' }] } });
  });

  it('the revision name is "<set>-<hash>" and follows the template', () => {
    expect(updateRevisionName(sts(1))).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(updateRevisionName(sts(1))).toBe(updateRevisionName(sts(5)));
    expect(updateRevisionName(sts(1, {}, 'web:2'))).not.toBe(updateRevisionName(sts(1)));
  });
});

describe('planStatefulSet', () => {
  const table: [string, StatefulSet, (s: StatefulSet) => Pod[], string[]][] = [
    ['OrderedReady: creates web-0 first', sts(3), () => [], ['create web-0']],
    ['OrderedReady: web-1 waits for web-0 to be Running and Ready', sts(3), (s) => [pod(s, 0, 'pending')], []],
    ['OrderedReady: web-1 once web-0 is ready', sts(3), (s) => [pod(s, 0)], ['create web-1']],
    ['OrderedReady: a missing middle pod is recreated with its name', sts(3), (s) => [pod(s, 0), pod(s, 2)], ['create web-1']],
    ['OrderedReady: a failed pod is recreated', sts(3), (s) => [pod(s, 0), pod(s, 1, 'failed'), pod(s, 2)], ['recreate web-1']],
    ['OrderedReady: waits for a terminating pod to be gone', sts(3), (s) => [pod(s, 0, 'terminating'), pod(s, 1)], []],
    ['Parallel: creates every missing pod at once', sts(3, { podManagementPolicy: 'Parallel' }), () => [], ['create web-0', 'create web-1', 'create web-2']],
    ['OrderedReady scale-down: highest first, one at a time', sts(1), (s) => [pod(s, 0), pod(s, 1), pod(s, 2)], ['delete web-2 (scale-down)']],
    ['OrderedReady scale-down waits for the terminating one', sts(1), (s) => [pod(s, 0), pod(s, 1), pod(s, 2, 'terminating')], []],
    ['OrderedReady scale-down waits for unhealthy replicas', sts(1), (s) => [pod(s, 0, 'pending'), pod(s, 1)], []],
    ['OrderedReady scale-down: the first unhealthy condemned pod may go', sts(1), (s) => [pod(s, 0), pod(s, 1, 'pending')], ['delete web-1 (scale-down)']],
    ['Parallel scale-down: all at once', sts(1, { podManagementPolicy: 'Parallel' }), (s) => [pod(s, 0), pod(s, 1), pod(s, 2)], ['delete web-2 (scale-down)', 'delete web-1 (scale-down)']],
    ['fixes missing identity labels', sts(1), (s) => [{ ...pod(s, 0), metadata: { ...pod(s, 0).metadata, labels: { app: 'web', 'controller-revision-hash': updateRevisionName(s) } } }], ['identity web-0']],
    ['rolling update: deletes the highest old pod', sts(3), (s) => [pod(s, 0, 'ready', 'web-old'), pod(s, 1, 'ready', 'web-old'), pod(s, 2, 'ready', 'web-old')], ['delete web-2 (update)']],
    ['rolling update: waits for the updated pod above to be healthy', sts(3), (s) => [pod(s, 0, 'ready', 'web-old'), pod(s, 1, 'ready', 'web-old'), pod(s, 2, 'pending')], []],
    ['rolling update: continues below a healthy updated pod', sts(3), (s) => [pod(s, 0, 'ready', 'web-old'), pod(s, 1, 'ready', 'web-old'), pod(s, 2)], ['delete web-1 (update)']],
    ['rolling update: stops at the partition', sts(3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }), (s) => [pod(s, 0, 'ready', 'web-old'), pod(s, 1, 'ready', 'web-old'), pod(s, 2)], []],
    ['OnDelete: no deletions for the update', sts(2, { updateStrategy: { type: 'OnDelete' } }), (s) => [pod(s, 0, 'ready', 'web-old'), pod(s, 1, 'ready', 'web-old')], []],
    ['deleting set: nothing', { ...sts(3), metadata: { ...sts(3).metadata, deletionTimestamp: rfc3339(NOW) } }, () => [], []],
  ];
  it.each(table)('%s', (_name, set, pods, want) => {
    expect(describeSteps(planStatefulSet(set, pods(set), NOW).phases)).toEqual(want);
  });

  it('below the partition a recreated pod keeps the current revision and its template (taken from a live pod)', () => {
    const old = sts(3, {}, 'web:1');
    const oldRev = updateRevisionName(old);
    const set = { ...sts(3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, 'web:2'), status: { currentRevision: oldRev } } as StatefulSet;
    const plan = planStatefulSet(set, [pod(old, 0), pod(set, 2)], NOW);
    const step = plan.phases.flat()[0]!;
    expect(step.kind).toBe('create');
    expect(step.pod.metadata.name).toBe('web-1');
    expect(step.pod.metadata.labels?.['controller-revision-hash']).toBe(oldRev);
    expect(step.pod.spec?.containers[0]?.image).toBe('web:1');
    expect(plan.currentRevision).toBe(oldRev);
    expect(plan.status).toMatchObject({ replicas: 2, currentReplicas: 1, updatedReplicas: 1, currentRevision: oldRev, updateRevision: updateRevisionName(set) });
  });

  it('status: counts, and the update revision becomes current once all pods are updated and ready', () => {
    const set = { ...sts(2), status: { currentRevision: 'web-old' } } as StatefulSet;
    const mid = planStatefulSet(set, [pod(set, 0, 'ready', 'web-old'), pod(set, 1)], NOW).status;
    expect(mid).toEqual({ observedGeneration: 1, replicas: 2, readyReplicas: 2, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 2, currentRevision: 'web-old', updateRevision: updateRevisionName(set), collisionCount: 0 });
    const done = planStatefulSet(set, [pod(set, 0), pod(set, 1)], NOW).status;
    expect(done).toMatchObject({ currentReplicas: 2, updatedReplicas: 2, currentRevision: updateRevisionName(set) });
  });
});
