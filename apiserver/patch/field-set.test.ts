import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../api/object.js';
import { pathToString } from './field-path.js';
import { FieldSet } from './field-set.js';
import { deploymentSchema } from './test-schemas.js';

const fields: JsonObject = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} }, 'k:{"name":"a"}': { '.': {} } },
    'f:finalizers': { 'v:"b"': {}, 'v:"a"': {} },
    'f:replicas': {},
  },
};

describe('FieldSet', () => {
  it('reads fieldsV1 and writes it back sorted as structured-merge-diff sorts', () => {
    const out = FieldSet.fromFieldsV1(fields).toFieldsV1();
    expect(JSON.stringify(out)).toBe(
      JSON.stringify({
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:containers': { 'k:{"name":"a"}': {}, 'k:{"name":"web"}': { '.': {}, 'f:image': {} } },
          'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} },
          'f:replicas': {},
        },
      }),
    );
  });

  it('lists paths members first, then children', () => {
    const paths = FieldSet.fromFieldsV1(fields).paths().map(pathToString);
    expect(paths).toEqual([
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.replicas',
      '.spec.containers[name="a"]',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].image',
      '.spec.finalizers[="a"]',
      '.spec.finalizers[="b"]',
    ]);
  });

  it('difference, intersection and union', () => {
    const a = FieldSet.of([{ field: 'spec' }, { field: 'replicas' }], [{ field: 'spec' }, { field: 'paused' }]);
    const b = FieldSet.of([{ field: 'spec' }, { field: 'replicas' }], [{ field: 'metadata' }, { field: 'name' }]);
    expect(a.difference(b).toFieldsV1()).toEqual({ 'f:spec': { 'f:paused': {} } });
    expect(a.intersection(b).toFieldsV1()).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(Object.keys(a.union(b).toFieldsV1())).toEqual(['f:metadata', 'f:spec']);
    expect(a.difference(a).isEmpty()).toBe(true);
  });

  it('named struct fields that parent owned fields count as owned; map keys do not', () => {
    const s = FieldSet.of([{ field: 'spec' }, { field: 'template' }, { field: 'metadata' }, { field: 'labels' }, { field: 'app' }]);
    const paths = s.withNamedFieldsAsMembers(deploymentSchema).paths().map(pathToString);
    expect(paths).toEqual(['.spec', '.spec.template', '.spec.template.metadata', '.spec.template.metadata.labels', '.spec.template.metadata.labels.app']);
  });
});
