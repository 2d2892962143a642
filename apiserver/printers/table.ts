// The meta.k8s.io/v1 Table that `kubectl get` asks for (Accept: application/json;as=Table;v=v1;
// g=meta.k8s.io). The server decides the columns; kubectl only lays them out, hiding priority>0
// columns unless `-o wide`. Rows always carry every column: the server prints "wide".
// Each row also carries the object itself (includeObject=Object), only its metadata as a
// PartialObjectMetadata (Metadata, kubectl's default: enough for --show-labels and sorting), or
// nothing (None, the object field is null).

import type { KubeObject, ListMeta, ObjectMeta } from '../api/object.js';
import type { TableColumn, TableSpec } from '../resources/strategy.js';
import { describe } from './descriptions.js';

export type IncludeObject = 'None' | 'Object' | 'Metadata';

export interface TableOptions {
  includeObject: IncludeObject;
  /** resourceVersion, continue, remainingItemCount of the list (or the object's resourceVersion). */
  listMeta: ListMeta;
  now: Date;
  /** TableOptions.noHeaders: watch events after the first omit the column definitions. */
  noHeaders?: boolean;
}

/** metav1.TableColumnDefinition on the wire: every field present, as Go writes them. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: unknown[];
  object: KubeObject | PartialObjectMetadata | null;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

function columnDefinition(c: TableColumn): ColumnDefinition {
  return { name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority };
}

function rowObject(obj: KubeObject, include: IncludeObject): TableRow['object'] {
  switch (include) {
    case 'Object':
      return obj;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
    case 'None':
      return null;
  }
}

/** Builds the Table for one object (a GET) or a list's items. */
export function toTable(spec: TableSpec, objects: readonly KubeObject[], opts: TableOptions): Table {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.listMeta,
    columnDefinitions: opts.noHeaders ? [] : spec.columns.map(columnDefinition),
    rows: objects.map((obj) => ({ cells: spec.row(obj, opts.now), object: rowObject(obj, opts.includeObject) })),
  };
}

/** NAME: the first column of every printer. */
export const nameColumn: TableColumn = { name: 'Name', type: 'string', format: 'name', description: describe.objectMetaName, priority: 0 };
/** AGE: a HumanDuration since creation. */
export const ageColumn: TableColumn = { name: 'Age', type: 'string', description: describe.objectMetaCreationTimestamp, priority: 0 };

/** RFC 3339 in UTC without fractions, as Go's time.RFC3339 formats a metav1.Time. */
function rfc3339(timestamp: unknown): string {
  const t = typeof timestamp === 'string' || timestamp instanceof Date ? new Date(timestamp) : new Date(NaN);
  // An unset time is Go's zero time.
  if (Number.isNaN(t.getTime())) return '0001-01-01T00:00:00Z';
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * What Kubernetes serves for kinds without a printer (custom resources without
 * additionalPrinterColumns, for one): the name and the creation time as a date, which kubectl
 * then shows as AGE.
 */
export const defaultTable: TableSpec = {
  columns: [nameColumn, { name: 'Created At', type: 'date', description: describe.objectMetaCreationTimestamp, priority: 0 }],
  row: (obj) => [obj.metadata.name ?? '', rfc3339(obj.metadata.creationTimestamp)],
};
