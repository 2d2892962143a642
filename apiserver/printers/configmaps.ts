// `kubectl get configmaps`: NAME DATA AGE (DATA counts keys of data and binaryData together).

import type { TableSpec } from '../resources/strategy.js';
import { age } from './cells.js';
import { describe } from './descriptions.js';
import { rec } from './read.js';
import { ageColumn, nameColumn } from './table.js';

export const configmapsTable: TableSpec = {
  columns: [nameColumn, { name: 'Data', type: 'string', priority: 0, description: describe.configMapData }, ageColumn],
  row: (cm, now) => [cm.metadata.name ?? '', Object.keys(rec(cm['data'])).length + Object.keys(rec(cm['binaryData'])).length, age(cm, now)],
};
