// `kubectl get deployments`: NAME READY UP-TO-DATE AVAILABLE AGE, wide: CONTAINERS IMAGES SELECTOR.

import type { TableSpec } from '../resources/strategy.js';
import { fromLabelSelector, LabelSelectorError, selectorString, type LabelSelectorJson } from '../list/label-selector.js';
import { age, containerCells, containersColumn, imagesColumn } from './cells.js';
import { describe } from './descriptions.js';
import { at, int, rec } from './read.js';
import { ageColumn, nameColumn } from './table.js';

/** The deployment printer prints the selector itself: `<invalid>` rather than FormatLabelSelector's `<error>`. */
function selectorCell(selector: unknown): string {
  try {
    return selectorString(fromLabelSelector(selector === undefined ? undefined : (rec(selector) as LabelSelectorJson)));
  } catch (e) {
    if (e instanceof LabelSelectorError) return '<invalid>';
    throw e;
  }
}

export const deploymentsTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Ready', type: 'string', priority: 0, description: 'Number of the pod with ready state' },
    { name: 'Up-to-date', type: 'string', priority: 0, description: describe.deploymentStatusUpdatedReplicas },
    { name: 'Available', type: 'string', priority: 0, description: describe.deploymentStatusAvailableReplicas },
    ageColumn,
    containersColumn,
    imagesColumn,
    { name: 'Selector', type: 'string', priority: 1, description: describe.deploymentSpecSelector },
  ],
  row(d, now) {
    const [names, images] = containerCells(at(d, 'spec', 'template'));
    return [
      d.metadata.name ?? '',
      `${int(at(d, 'status', 'readyReplicas'))}/${int(at(d, 'spec', 'replicas'))}`,
      int(at(d, 'status', 'updatedReplicas')),
      int(at(d, 'status', 'availableReplicas')),
      age(d, now),
      names,
      images,
      selectorCell(at(d, 'spec', 'selector')),
    ];
  },
};
