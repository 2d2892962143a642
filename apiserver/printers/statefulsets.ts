// `kubectl get statefulsets`: NAME READY AGE, wide: CONTAINERS IMAGES (no SELECTOR column).

import type { TableSpec } from '../resources/strategy.js';
import { age, containerCells, containersColumn, imagesColumn } from './cells.js';
import { at, int } from './read.js';
import { ageColumn, nameColumn } from './table.js';

export const statefulsetsTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Ready', type: 'string', priority: 0, description: 'Number of the pod with ready state' },
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  row(sts, now) {
    const [names, images] = containerCells(at(sts, 'spec', 'template'));
    return [sts.metadata.name ?? '', `${int(at(sts, 'status', 'readyReplicas'))}/${int(at(sts, 'spec', 'replicas'))}`, age(sts, now), names, images];
  },
};
