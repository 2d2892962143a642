// `kubectl get secrets`: NAME TYPE DATA AGE.

import type { TableSpec } from '../resources/strategy.js';
import { age } from './cells.js';
import { describe } from './descriptions.js';
import { rec, str } from './read.js';
import { ageColumn, nameColumn } from './table.js';

export const secretsTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Type', type: 'string', priority: 0, description: describe.secretType },
    { name: 'Data', type: 'string', priority: 0, description: describe.secretData },
    ageColumn,
  ],
  row: (secret, now) => [secret.metadata.name ?? '', str(secret['type']), Object.keys(rec(secret['data'])).length, age(secret, now)],
};
