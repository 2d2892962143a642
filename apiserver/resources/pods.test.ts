import { describe, expect, it } from 'vitest';
import { errorText } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import { podsStrategy as s } from './pods.js';
import { POD_UPDATE_FORBIDDEN } from '../admission/validation/pod-update.js';

function pod(spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec, ...extra };
}

/** What the registry does on create, short of storing. */
function create(obj: KubeObject): { obj: KubeObject; errors: string[] } {
  s.defaults(obj);
  s.prepareForCreate?.(obj);
  return { obj, errors: s.validate(obj).map(errorText) };
}

describe('pods: defaults and prepareForCreate', () => {
  it('a minimal pod gets exactly Kubernetes defaults', () => {
    const { obj, errors } = create(pod({ containers: [{ name: 'web', image: 'nginx' }] }, { status: { phase: 'Running' } }));
    expect(errors).toEqual([]);
    expect(obj['spec']).toEqual({
      containers: [
        {
          name: 'web',
          image: 'nginx',
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
    });
    expect(obj['status']).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v1', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
  ])('image %s pulls %s', (image, policy) => {
    const { obj } = create(pod({ containers: [{ name: 'c', image }] }));
    expect((obj['spec'] as { containers: { imagePullPolicy: string }[] }).containers[0]!.imagePullPolicy).toBe(policy);
  });

  it.each([
    [{}, 'BestEffort'],
    [{ requests: { cpu: '100m' } }, 'Burstable'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }, 'Burstable'],
    // Equal amounts written two ways (in floating point 700 × 0.001 is not 0.7).
    [{ limits: { cpu: '0.7', memory: '1Gi' }, requests: { cpu: '700m', memory: '1Gi' } }, 'Guaranteed'],
  ])('resources %j give QoS %s', (resources, qos) => {
    const { obj } = create(pod({ containers: [{ name: 'c', image: 'x:1', resources }] }));
    expect((obj['status'] as { qosClass: string }).qosClass).toBe(qos);
  });

  it('ports default to TCP; hostNetwork turns container ports into host ports', () => {
    const { obj } = create(pod({ hostNetwork: true, containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 80 }] }] }));
    expect((obj['spec'] as { containers: { ports: unknown[] }[] }).containers[0]!.ports).toEqual([{ containerPort: 80, protocol: 'TCP', hostPort: 80 }]);
  });

  it('scheduling gates start the pod SchedulingGated', () => {
    const { obj } = create(pod({ schedulingGates: [{ name: 'g' }], containers: [{ name: 'c', image: 'x:1' }] }));
    expect((obj['status'] as { conditions: { reason: string }[] }).conditions[0]!.reason).toBe('SchedulingGated');
  });
});

describe('pods: validation', () => {
  it.each([
    [{ containers: [] }, ['spec.containers: Required value']],
    [{ containers: [{ name: 'a', image: '' }] }, ['spec.containers[0].image: Required value']],
    [
      { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] },
      ['spec.containers[1].name: Duplicate value: "a"'],
    ],
    [{ containers: [{ name: 'A', image: 'x' }] }, [expect.stringMatching(/^spec\.containers\[0\]\.name: Invalid value: "A": a lowercase RFC 1123 label/)]],
    [{ restartPolicy: 'Sometimes', containers: [{ name: 'a', image: 'x' }] }, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    [{ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] }, ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    [{ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }, ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    [{ activeDeadlineSeconds: 0, containers: [{ name: 'a', image: 'x' }] }, ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
  ])('%j', (spec, expected) => {
    expect(create(pod(spec)).errors).toEqual(expected);
  });
});

describe('pods: update', () => {
  function update(change: (spec: Record<string, unknown>) => void): string[] {
    const old = create(pod({ nodeName: 'n1', containers: [{ name: 'a', image: 'x:1' }], tolerations: [{ key: 'k', operator: 'Exists' }] })).obj;
    const obj = structuredClone(old);
    change(obj['spec'] as Record<string, unknown>);
    s.defaults(obj);
    s.prepareForUpdate?.(obj, old);
    return [...s.validate(obj), ...(s.validateUpdate?.(obj, old) ?? [])].map(errorText);
  }
  it.each([
    ['an image change', (sp: Record<string, unknown>) => ((sp['containers'] as { image: string }[])[0]!.image = 'x:2'), []],
    ['an added toleration', (sp: Record<string, unknown>) => (sp['tolerations'] as unknown[]).push({ key: 'j', operator: 'Exists' }), []],
    ['setting activeDeadlineSeconds', (sp: Record<string, unknown>) => (sp['activeDeadlineSeconds'] = 10), []],
    ['a moved pod', (sp: Record<string, unknown>) => (sp['nodeName'] = 'n2'), [`spec: Forbidden: ${POD_UPDATE_FORBIDDEN}`]],
    ['a removed toleration', (sp: Record<string, unknown>) => (sp['tolerations'] = []), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']],
  ])('%s', (_name, change, expected) => {
    expect(update(change)).toEqual(expected);
  });
});

describe('pods: deletion and field selectors', () => {
  it.each([
    [{ nodeName: 'n1', terminationGracePeriodSeconds: 5 }, {}, 5],
    [{ nodeName: 'n1' }, {}, 30],
    [{}, {}, 0],
    [{ nodeName: 'n1' }, { phase: 'Succeeded' }, 0],
  ])('spec %j status %j: grace %d', (spec, status, grace) => {
    expect(s.gracePeriodSeconds?.(pod(spec, { status }))).toBe(grace);
  });

  it('selectable fields', () => {
    expect(s.selectableFields?.(pod({ nodeName: 'n1', restartPolicy: 'Always' }, { status: { phase: 'Running', podIPs: [{ ip: '10.0.0.1' }] } }))).toEqual({
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': '',
      'spec.serviceAccountName': '',
      'spec.hostNetwork': 'false',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.1',
      'status.nominatedNodeName': '',
    });
  });
});
