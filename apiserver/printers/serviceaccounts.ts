// `kubectl get serviceaccounts`: NAME SECRETS AGE.

import type { TableSpec } from '../resources/strategy.js';
import { age } from './cells.js';
import { describe } from './descriptions.js';
import { list } from './read.js';
import { ageColumn, nameColumn } from './table.js';

export const serviceaccountsTable: TableSpec = {
  columns: [nameColumn, { name: 'Secrets', type: 'string', priority: 0, description: describe.serviceAccountSecrets }, ageColumn],
  row: (sa, now) => [sa.metadata.name ?? '', list(sa['secrets']).length, age(sa, now)],
};
