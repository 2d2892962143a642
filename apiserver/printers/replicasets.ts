// `kubectl get replicasets`: NAME DESIRED CURRENT READY AGE, wide: CONTAINERS IMAGES SELECTOR.

import type { TableSpec } from '../resources/strategy.js';
import { formatLabelSelector, type LabelSelectorJson } from '../list/label-selector.js';
import { age, containerCells, containersColumn, imagesColumn } from './cells.js';
import { describe } from './descriptions.js';
import { at, int } from './read.js';
import { ageColumn, nameColumn } from './table.js';

export const replicasetsTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Desired', type: 'integer', priority: 0, description: describe.replicaSetSpecReplicas },
    { name: 'Current', type: 'integer', priority: 0, description: describe.replicaSetStatusReplicas },
    { name: 'Ready', type: 'integer', priority: 0, description: describe.replicaSetStatusReadyReplicas },
    ageColumn,
    containersColumn,
    imagesColumn,
    { name: 'Selector', type: 'string', priority: 1, description: describe.replicaSetSpecSelector },
  ],
  row(rs, now) {
    const [names, images] = containerCells(at(rs, 'spec', 'template'));
    return [
      rs.metadata.name ?? '',
      int(at(rs, 'spec', 'replicas')),
      int(at(rs, 'status', 'replicas')),
      int(at(rs, 'status', 'readyReplicas')),
      age(rs, now),
      names,
      images,
      formatLabelSelector(at(rs, 'spec', 'selector') as LabelSelectorJson | undefined),
    ];
  },
};
