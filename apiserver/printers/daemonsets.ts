// `kubectl get daemonsets`: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE,
// wide: CONTAINERS IMAGES SELECTOR.

import type { TableSpec } from '../resources/strategy.js';
import { formatLabels, formatLabelSelector, type LabelSelectorJson } from '../list/label-selector.js';
import { age, containerCells, containersColumn, imagesColumn } from './cells.js';
import { describe } from './descriptions.js';
import { at, int, stringMap } from './read.js';
import { ageColumn, nameColumn } from './table.js';

export const daemonsetsTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Desired', type: 'integer', priority: 0, description: describe.daemonSetStatusDesiredNumberScheduled },
    { name: 'Current', type: 'integer', priority: 0, description: describe.daemonSetStatusCurrentNumberScheduled },
    { name: 'Ready', type: 'integer', priority: 0, description: describe.daemonSetStatusNumberReady },
    { name: 'Up-to-date', type: 'integer', priority: 0, description: describe.daemonSetStatusUpdatedNumberScheduled },
    { name: 'Available', type: 'integer', priority: 0, description: describe.daemonSetStatusNumberAvailable },
    { name: 'Node Selector', type: 'string', priority: 0, description: describe.podSpecNodeSelector },
    ageColumn,
    containersColumn,
    imagesColumn,
    { name: 'Selector', type: 'string', priority: 1, description: describe.daemonSetSpecSelector },
  ],
  row(ds, now) {
    const [names, images] = containerCells(at(ds, 'spec', 'template'));
    return [
      ds.metadata.name ?? '',
      int(at(ds, 'status', 'desiredNumberScheduled')),
      int(at(ds, 'status', 'currentNumberScheduled')),
      int(at(ds, 'status', 'numberReady')),
      int(at(ds, 'status', 'updatedNumberScheduled')),
      int(at(ds, 'status', 'numberAvailable')),
      formatLabels(stringMap(at(ds, 'spec', 'template', 'spec', 'nodeSelector'))),
      age(ds, now),
      names,
      images,
      formatLabelSelector(at(ds, 'spec', 'selector') as LabelSelectorJson | undefined),
    ];
  },
};
