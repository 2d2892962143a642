import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import { serverSideApply } from './apply.js';
import { defaultFieldManager, updateManagedFields, type UpdateOptions } from './managed-fields.js';
import { deploymentSchema } from './test-schemas.js';

const T0 = new Date('2024-05-01T10:00:00.000Z');
const T1 = new Date('2024-05-01T11:00:00.000Z');
const upd = (manager: string, now = T0, extra: Partial<UpdateOptions> = {}): UpdateOptions => ({ manager, operation: 'Update', schema: deploymentSchema, apiVersion: 'apps/v1', now, ...extra });

const base = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', uid: 'u1', labels: { app: 'web' } },
  spec: {
    replicas: 1,
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
  },
});
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const fieldsOf = (o: KubeObject, manager: string) => o.metadata.managedFields!.find((m) => m.manager === manager)?.fieldsV1 as unknown;

describe('managedFields of ordinary writes', () => {
  it('create: the creator owns every field; new maps and list elements are members (".")', () => {
    const obj = base();
    updateManagedFields(undefined, obj, upd('kubectl-create'));
    expect(JSON.stringify(obj.metadata.managedFields)).toBe(
      JSON.stringify([
        {
          manager: 'kubectl-create',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: '2024-05-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': {
              'f:replicas': {},
              'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {} }, 'f:type': {} },
              'f:template': {
                'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
                'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
              },
            },
          },
        },
      ]),
    );
  });

  it('an update takes the fields it changed from their owner', () => {
    const created = base();
    updateManagedFields(undefined, created, upd('kubectl-create'));
    const scaled = copy(created);
    (scaled.spec as { replicas: number }).replicas = 4;
    updateManagedFields(created, scaled, upd('kubectl-scale', T1));
    expect(fieldsOf(scaled, 'kubectl-scale')).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(JSON.stringify(fieldsOf(scaled, 'kubectl-create'))).not.toContain('f:replicas');
    // Sorted: same operation, so by time.
    expect(scaled.metadata.managedFields!.map((m) => m.manager)).toEqual(['kubectl-create', 'kubectl-scale']);
  });

  it('removed fields are lost by their owner', () => {
    const created = base();
    updateManagedFields(undefined, created, upd('kubectl-create'));
    const edited = copy(created);
    delete edited.metadata.labels;
    updateManagedFields(created, edited, upd('kubectl-edit', T1));
    expect(Object.keys(fieldsOf(edited, 'kubectl-create') as object)).toEqual(['f:spec']);
    expect(fieldsOf(edited, 'kubectl-edit')).toBeUndefined(); // it only removed: it owns nothing
  });

  it('a write that changes nothing keeps the entries and their times', () => {
    const created = base();
    updateManagedFields(undefined, created, upd('kubectl-create'));
    const same = copy(created);
    updateManagedFields(created, same, upd('kubectl-create', T1));
    expect(same.metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  it('Apply entries sort before Update entries', () => {
    const applied = serverSideApply(undefined, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1 } }, {
      manager: 'zed',
      force: false,
      schema: deploymentSchema,
      apiVersion: 'apps/v1',
      now: T1,
    });
    const edited = copy(applied);
    edited.metadata.labels = { a: 'b' };
    updateManagedFields(applied, edited, upd('alpha', T0));
    expect(edited.metadata.managedFields!.map((m) => `${m.operation}:${m.manager}`)).toEqual(['Apply:zed', 'Update:alpha']);
  });

  it('managedFields: [] in a write resets them; an untracked object stays untracked', () => {
    const created = base();
    updateManagedFields(undefined, created, upd('kubectl-create'));
    const reset = copy(created);
    reset.metadata.managedFields = [];
    (reset.spec as { replicas: number }).replicas = 2;
    updateManagedFields(created, reset, upd('kubectl-edit', T1));
    expect(reset.metadata.managedFields).toBeUndefined();
  });

  it('a subresource write keeps the live managedFields and records the subresource', () => {
    const created = base();
    updateManagedFields(undefined, created, upd('kubectl-create'));
    const scaled = copy(created);
    scaled.metadata.managedFields = [];
    (scaled.spec as { replicas: number }).replicas = 9;
    updateManagedFields(created, scaled, upd('kubectl', T1, { subresource: 'scale' }));
    const entry = scaled.metadata.managedFields!.find((m) => m.manager === 'kubectl')!;
    expect(entry.subresource).toBe('scale');
    expect(entry.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });
});

describe('defaultFieldManager', () => {
  it.each([
    ['kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b', 'kubectl'],
    ['kubectl-client-side-apply/v1.30.0 (linux/amd64)', 'kubectl-client-side-apply'],
    ['kube-controller-manager/v1.30.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:deployment-controller', 'kube-controller-manager'],
    ['', ''],
    ['bad\u0007name/1', 'badname'],
    ['x'.repeat(200), 'x'.repeat(128)],
  ])('%j → %j', (ua, manager) => {
    expect(defaultFieldManager(ua)).toBe(manager);
  });
});
