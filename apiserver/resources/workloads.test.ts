import { describe, expect, it } from 'vitest';
import { errorText } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import type { ResourceStrategy } from './strategy.js';
import { daemonsetsStrategy } from './daemonsets.js';
import { deploymentsStrategy } from './deployments.js';
import { jobsStrategy } from './jobs.js';
import { replicasetsStrategy } from './replicasets.js';
import { STATEFULSET_UPDATE_FORBIDDEN, statefulsetsStrategy } from './statefulsets.js';

const TEMPLATE_SPEC_DEFAULTS = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};
const CONTAINER = { name: 'web', image: 'nginx:1.27' };
const DEFAULTED_CONTAINER = { ...CONTAINER, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} };

function workload(kind: string, apiVersion: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion, kind, metadata: { name: 'web', namespace: 'default', uid: 'u-1' }, spec };
}
function minimalSpec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ ...CONTAINER }] } }, ...extra };
}
function create(s: ResourceStrategy, obj: KubeObject): { obj: KubeObject; errors: string[] } {
  s.defaults(obj);
  s.prepareForCreate?.(obj);
  return { obj, errors: s.validate(obj).map(errorText) };
}
function update(s: ResourceStrategy, old: KubeObject, change: (spec: Record<string, unknown>) => void): string[] {
  const obj = structuredClone(old);
  change(obj['spec'] as Record<string, unknown>);
  s.defaults(obj);
  s.prepareForUpdate?.(obj, old);
  return [...s.validate(obj), ...(s.validateUpdate?.(obj, old) ?? [])].map(errorText);
}
const defaultedTemplate = { metadata: { labels: { app: 'web' } }, spec: { containers: [DEFAULTED_CONTAINER], ...TEMPLATE_SPEC_DEFAULTS } };

describe('defaults of the controller kinds', () => {
  it.each([
    [
      deploymentsStrategy,
      'Deployment',
      {
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      {},
    ],
    [replicasetsStrategy, 'ReplicaSet', { replicas: 1 }, { replicas: 0 }],
    [
      daemonsetsStrategy,
      'DaemonSet',
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 },
      { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
    ],
    [
      statefulsetsStrategy,
      'StatefulSet',
      {
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        replicas: 1,
        revisionHistoryLimit: 10,
      },
      { availableReplicas: 0, replicas: 0 },
    ],
  ])('%s', (s, kind, specDefaults, status) => {
    const { obj, errors } = create(s, { ...workload(kind as string, 'apps/v1', minimalSpec()), status: { replicas: 9 } });
    expect(errors).toEqual([]);
    expect(obj['spec']).toEqual({ selector: { matchLabels: { app: 'web' } }, template: defaultedTemplate, ...specDefaults });
    expect(obj['status']).toEqual(status);
  });

  it('a Recreate deployment gets no rollingUpdate', () => {
    const { obj } = create(deploymentsStrategy, workload('Deployment', 'apps/v1', minimalSpec({ strategy: { type: 'Recreate' } })));
    expect((obj['spec'] as Record<string, unknown>)['strategy']).toEqual({ type: 'Recreate' });
  });
});

describe('validation of the controller kinds', () => {
  it.each([
    [
      deploymentsStrategy,
      'selector and template disagree',
      minimalSpec({ selector: { matchLabels: { app: 'api' } } }),
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      deploymentsStrategy,
      'no selector',
      minimalSpec({ selector: undefined }),
      ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      deploymentsStrategy,
      'an empty selector',
      minimalSpec({ selector: {} }),
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
    ],
    [deploymentsStrategy, 'negative replicas', minimalSpec({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      replicasetsStrategy,
      'a template that restarts never',
      minimalSpec({ template: { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Never', containers: [CONTAINER] } } }),
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    [
      daemonsetsStrategy,
      'a deadline',
      minimalSpec({ template: { metadata: { labels: { app: 'web' } }, spec: { activeDeadlineSeconds: 5, containers: [CONTAINER] } } }),
      ['spec.template.spec.activeDeadlineSeconds: Invalid value: 5: activeDeadlineSeconds must be nil for daemons'],
    ],
    [
      statefulsetsStrategy,
      'a bad pod management policy',
      minimalSpec({ podManagementPolicy: 'Random' }),
      ['spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\''],
    ],
  ])('%s: %s', (s, _name, spec, expected) => {
    const kind = s.kind;
    expect(create(s, workload(kind, 'apps/v1', spec)).errors).toEqual(expected);
  });
});

describe('updates of the controller kinds', () => {
  it.each([deploymentsStrategy, replicasetsStrategy, daemonsetsStrategy])('%s: the selector is immutable', (s) => {
    const old = create(s, workload(s.kind, 'apps/v1', minimalSpec())).obj;
    expect(
      update(s, old, (spec) => {
        spec['selector'] = { matchLabels: { app: 'web', tier: 'x' } };
        ((spec['template'] as { metadata: { labels: Record<string, string> } }).metadata.labels)['tier'] = 'x';
      }),
    ).toEqual(['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);
    expect(update(s, old, (spec) => ((spec['template'] as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image = 'nginx:2'))).toEqual([]);
  });

  it('a statefulset may change its template and replicas, not its service', () => {
    const old = create(statefulsetsStrategy, workload('StatefulSet', 'apps/v1', minimalSpec({ serviceName: 'web' }))).obj;
    expect(update(statefulsetsStrategy, old, (spec) => (spec['replicas'] = 3))).toEqual([]);
    expect(update(statefulsetsStrategy, old, (spec) => (spec['serviceName'] = 'other'))).toEqual([`spec: Forbidden: ${STATEFULSET_UPDATE_FORBIDDEN}`]);
  });
});

describe('scale subresource', () => {
  it.each([
    [{ matchLabels: { app: 'web', a: 'b' } }, 'a=b,app=web'],
    [{ matchLabels: { z: '1' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'x', operator: 'DoesNotExist' }] }, 'tier in (a,b),!x,z=1'],
    [{}, ''],
  ])('selector %j is %j', (selector, text) => {
    const obj = workload('Deployment', 'apps/v1', { selector, replicas: 3 });
    const scale = deploymentsStrategy.subresources.scale!;
    expect(scale.selector(obj)).toBe(text);
    expect(scale.specReplicas(obj)).toBe(3);
    expect(scale.statusReplicas(obj)).toBe(0);
  });
});

describe('jobs', () => {
  const job = (spec: Record<string, unknown>): KubeObject => workload('Job', 'batch/v1', spec);
  const jobSpec = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5' }] } },
    ...extra,
  });

  it('gets Kubernetes defaults and a generated selector', () => {
    const { obj, errors } = create(jobsStrategy, job(jobSpec()));
    expect(errors).toEqual([]);
    const labels = { app: 'pi', 'batch.kubernetes.io/controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'web', 'controller-uid': 'u-1', 'job-name': 'web' };
    expect(obj['spec']).toEqual({
      template: {
        metadata: { labels },
        spec: { ...TEMPLATE_SPEC_DEFAULTS, restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }] },
      },
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } },
    });
    expect(obj.metadata.labels).toEqual({ app: 'pi' });
    expect(obj['status']).toEqual({});
  });

  it('parallelism alone leaves completions unset', () => {
    const { obj } = create(jobsStrategy, job(jobSpec({ parallelism: 3 })));
    expect((obj['spec'] as Record<string, unknown>)['completions']).toBeUndefined();
  });

  it('a template without restartPolicy is refused', () => {
    const spec = jobSpec();
    delete ((spec['template'] as { spec: Record<string, unknown> }).spec)['restartPolicy'];
    expect(create(jobsStrategy, job(spec)).errors).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  });

  it('the template is immutable, the parallelism is not', () => {
    const old = create(jobsStrategy, job(jobSpec())).obj;
    expect(update(jobsStrategy, old, (spec) => (spec['parallelism'] = 2))).toEqual([]);
    const errs = update(jobsStrategy, old, (spec) => ((spec['template'] as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image = 'perl:6'));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^spec\.template: Invalid value: .*: field is immutable$/);
  });

  it('deletes orphaning its pods by default, and selects on succeeded', () => {
    expect(jobsStrategy.defaultPropagation).toBe('Orphan');
    expect(jobsStrategy.selectableFields?.({ ...job({}), status: { succeeded: 2 } })).toEqual({ 'status.successful': '2' });
  });
});
