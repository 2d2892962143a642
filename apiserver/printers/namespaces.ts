// `kubectl get namespaces`: NAME STATUS AGE (STATUS is the phase: Active or Terminating).

import type { TableSpec } from '../resources/strategy.js';
import { age } from './cells.js';
import { at, str } from './read.js';
import { ageColumn, nameColumn } from './table.js';

export const namespacesTable: TableSpec = {
  columns: [nameColumn, { name: 'Status', type: 'string', priority: 0, description: 'The status of the namespace' }, ageColumn],
  row: (ns, now) => [ns.metadata.name ?? '', str(at(ns, 'status', 'phase')), age(ns, now)],
};
