import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import { namespacesTable } from './namespaces.js';
import { defaultTable, toTable, type IncludeObject } from './table.js';

const now = new Date('2024-05-01T12:00:00Z');
const ns: KubeObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'default', resourceVersion: '12', creationTimestamp: '2024-05-01T11:59:55Z' as unknown as Date },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
};

describe('toTable', () => {
  it('builds a meta.k8s.io/v1 Table with every column definition field present', () => {
    const table = toTable(namespacesTable, [ns], { includeObject: 'Metadata', listMeta: { resourceVersion: '40', continue: 'abc' }, now });
    expect(JSON.parse(JSON.stringify(table))).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '40', continue: 'abc' },
      columnDefinitions: [
        { name: 'Name', type: 'string', format: 'name', description: namespacesTable.columns[0]!.description, priority: 0 },
        { name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0 },
        { name: 'Age', type: 'string', format: '', description: namespacesTable.columns[2]!.description, priority: 0 },
      ],
      rows: [
        {
          cells: ['default', 'Active', '5s'],
          object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: ns.metadata },
        },
      ],
    });
  });

  it.each<[IncludeObject, unknown]>([
    ['None', null],
    ['Object', ns],
    ['Metadata', { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: ns.metadata }],
  ])('includeObject=%s', (includeObject, object) => {
    const table = toTable(namespacesTable, [ns], { includeObject, listMeta: {}, now });
    expect(table.rows[0]!.object).toEqual(object);
  });

  it('omits column definitions when asked for no headers (watch events after the first)', () => {
    expect(toTable(namespacesTable, [ns], { includeObject: 'None', listMeta: {}, now, noHeaders: true }).columnDefinitions).toEqual([]);
  });

  it('an empty list has columns and no rows', () => {
    const table = toTable(namespacesTable, [], { includeObject: 'Metadata', listMeta: { resourceVersion: '7' }, now });
    expect(table.rows).toEqual([]);
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Age']);
  });
});

describe('defaultTable', () => {
  it.each<[unknown, string]>([
    ['2024-05-01T11:59:55Z', '2024-05-01T11:59:55Z'],
    ['2024-05-01T11:59:55.123Z', '2024-05-01T11:59:55Z'],
    [undefined, '0001-01-01T00:00:00Z'],
  ])('creationTimestamp %j -> %j', (ts, cell) => {
    const o: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', creationTimestamp: ts as Date } };
    expect(defaultTable.row(o, now)).toEqual(['w', cell]);
  });

  it('serves NAME and CREATED AT (a date)', () => {
    expect(defaultTable.columns.map((c) => [c.name, c.type, c.format ?? '', c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Created At', 'date', '', 0],
    ]);
    expect(defaultTable.columns[1]!.description).toMatch(/^CreationTimestamp is a timestamp/);
  });
});
