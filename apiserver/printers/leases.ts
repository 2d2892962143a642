// `kubectl get leases`: NAME HOLDER AGE.

import type { TableSpec } from '../resources/strategy.js';
import { age } from './cells.js';
import { describe } from './descriptions.js';
import { at, str } from './read.js';
import { ageColumn, nameColumn } from './table.js';

export const leasesTable: TableSpec = {
  columns: [nameColumn, { name: 'Holder', type: 'string', priority: 0, description: describe.leaseSpecHolderIdentity }, ageColumn],
  row: (lease, now) => [lease.metadata.name ?? '', str(at(lease, 'spec', 'holderIdentity')), age(lease, now)],
};
