import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import { parseApplyBody, serverSideApply, type ApplyOptions } from './apply.js';
import { updateManagedFields } from './managed-fields.js';
import { PatchError } from './patch-error.js';
import { deploymentSchema } from './test-schemas.js';

const T0 = new Date('2024-05-01T10:00:00.000Z');
const T1 = new Date('2024-05-01T11:00:00.000Z');
const opts = (manager: string, extra: Partial<ApplyOptions> = {}): ApplyOptions => ({ manager, force: false, schema: deploymentSchema, apiVersion: 'apps/v1', now: T0, ...extra });

function deployment(spec: Record<string, unknown>, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels }, spec };
}
const webSpec = (replicas: number, image = 'nginx:1.25') => ({
  replicas,
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
});

function conflictOf(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

describe('server-side apply', () => {
  it('create: the object is the configuration, owned by the applier with the exact fieldsV1', () => {
    const created = serverSideApply(undefined, deployment(webSpec(2)), opts('kubectl'));
    const { managedFields, ...meta } = created.metadata;
    expect({ ...created, metadata: meta }).toEqual(deployment(webSpec(2)));
    expect(JSON.stringify(managedFields)).toBe(
      JSON.stringify([
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          time: '2024-05-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:replicas': {},
              'f:selector': {},
              'f:template': {
                'f:metadata': { 'f:labels': { 'f:app': {} } },
                'f:spec': {
                  'f:containers': {
                    'k:{"name":"web"}': {
                      '.': {},
                      'f:image': {},
                      'f:name': {},
                      'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
                    },
                  },
                },
              },
            },
          },
        },
      ]),
    );
  });

  it('re-applying the same configuration changes nothing, not even the time', () => {
    const created = serverSideApply(undefined, deployment(webSpec(2)), opts('kubectl'));
    const again = serverSideApply(created, deployment(webSpec(2)), opts('kubectl', { now: T1 }));
    expect(again).toEqual(created);
  });

  it('a change updates the object and the time', () => {
    const created = serverSideApply(undefined, deployment(webSpec(2)), opts('kubectl'));
    const scaled = serverSideApply(created, deployment(webSpec(5)), opts('kubectl', { now: T1 }));
    expect((scaled.spec as { replicas: number }).replicas).toBe(5);
    expect(JSON.stringify(scaled.metadata.managedFields![0]!.time)).toBe('"2024-05-01T11:00:00Z"');
  });

  it('a field dropped from the configuration is removed from the object', () => {
    const created = serverSideApply(undefined, deployment(webSpec(2), { app: 'web', tier: 'fe' }), opts('kubectl'));
    const { replicas: _, ...noReplicas } = webSpec(2);
    const after = serverSideApply(created, deployment(noReplicas), opts('kubectl', { now: T1 }));
    expect(after.spec).toEqual(noReplicas);
    expect(after.metadata.labels).toEqual({ app: 'web' });
  });

  it('a dropped list element is removed, the other elements stay', () => {
    const two = webSpec(1);
    two.template.spec.containers.push({ name: 'log', image: 'busybox', ports: [] as never });
    const created = serverSideApply(undefined, deployment(two), opts('kubectl'));
    const after = serverSideApply(created, deployment(webSpec(1)), opts('kubectl', { now: T1 }));
    expect(after.spec).toEqual(webSpec(1));
  });

  it('a dropped field that another manager also owns stays', () => {
    const created = serverSideApply(undefined, deployment(webSpec(2)), opts('kubectl'));
    // Another applier sets the same replicas: shared ownership, no conflict.
    const shared = serverSideApply(created, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, opts('hpa'));
    const { replicas: _, ...noReplicas } = webSpec(2);
    const after = serverSideApply(shared, deployment(noReplicas), opts('kubectl', { now: T1 }));
    expect((after.spec as { replicas: number }).replicas).toBe(2);
    const managers = after.metadata.managedFields!.map((m) => m.manager);
    expect(managers).toEqual(['hpa', 'kubectl']);
  });

  it('two managers setting different values: 409 with Kubernetes wording', () => {
    const created: KubeObject = deployment(webSpec(1));
    updateManagedFields(undefined, created, { manager: 'kubectl-client-side-apply', operation: 'Update', schema: deploymentSchema, apiVersion: 'apps/v1', now: T0 });
    const e = conflictOf(() => serverSideApply(created, deployment(webSpec(3)), opts('kubectl')));
    expect(e.code).toBe(409);
    expect(e.reason).toBe('Conflict');
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    expect(e.details).toEqual({ causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] });
  });

  it('several conflicts are listed per manager', () => {
    const created = serverSideApply(undefined, deployment(webSpec(1)), opts('alice'));
    const e = conflictOf(() => serverSideApply(created, deployment(webSpec(3, 'nginx:2')), opts('bob')));
    expect(e.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
    expect(e.details?.causes?.map((c) => c.field)).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="web"].image']);
  });

  it('force takes ownership away from the other manager', () => {
    const created = serverSideApply(undefined, deployment(webSpec(1)), opts('alice'));
    const forced = serverSideApply(created, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } }, opts('bob', { force: true, now: T1 }));
    expect((forced.spec as { replicas: number }).replicas).toBe(3);
    const byManager = Object.fromEntries(forced.metadata.managedFields!.map((m) => [m.manager, m.fieldsV1 as Record<string, unknown>]));
    expect(byManager.bob).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(JSON.stringify(byManager.alice)).not.toContain('f:replicas');
    // alice dropping replicas now does not remove them: she no longer owns them.
    const { replicas: _, ...noReplicas } = webSpec(1);
    const after = serverSideApply(forced, deployment(noReplicas), opts('alice', { now: T1 }));
    expect((after.spec as { replicas: number }).replicas).toBe(3);
  });

  it('an object that predates field tracking is owned by before-first-apply', () => {
    const legacy = deployment(webSpec(1));
    const e = conflictOf(() => serverSideApply(legacy, deployment(webSpec(4)), opts('kubectl')));
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  });

  it('list-type map elements of other managers survive an apply', () => {
    const created = serverSideApply(undefined, deployment(webSpec(1)), opts('kubectl'));
    const withSidecar = serverSideApply(
      created,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'mesh', image: 'envoy' }] } } } },
      opts('injector'),
    );
    const after = serverSideApply(withSidecar, deployment(webSpec(1, 'nginx:2')), opts('kubectl', { now: T1 }));
    const names = (after.spec as ReturnType<typeof webSpec>).template.spec.containers.map((c) => `${c.name}=${c.image}`);
    expect(names).toEqual(['web=nginx:2', 'mesh=envoy']);
  });

  it.each([
    ['another apiVersion', { ...deployment(webSpec(1)), apiVersion: 'apps/v1beta1' }, 'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1'],
    ['managedFields in the configuration', { ...deployment(webSpec(1)), metadata: { name: 'web', managedFields: [] } }, 'metadata.managedFields must be nil'],
  ])('%s is 400', (_name, applied, message) => {
    const e = conflictOf(() => serverSideApply(undefined, applied as KubeObject, opts('kubectl')));
    expect([e.code, e.message]).toEqual([400, message]);
  });

  it('a list-type map element without its key is 400', () => {
    const bad = deployment({ template: { spec: { containers: [{ image: 'x' }] } } });
    expect(conflictOf(() => serverSideApply(undefined, bad, opts('kubectl'))).code).toBe(400);
  });
});

describe('apply body', () => {
  it('accepts YAML and JSON', () => {
    expect(parseApplyBody('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(parseApplyBody('{"apiVersion":"v1"}')).toEqual({ apiVersion: 'v1' });
  });
  it('rejects a list', () => {
    expect(() => parseApplyBody('- a')).toThrow(
      'error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  });
});
