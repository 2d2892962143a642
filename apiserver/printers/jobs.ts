// `kubectl get jobs`: NAME STATUS COMPLETIONS DURATION AGE, wide: CONTAINERS IMAGES SELECTOR.
// STATUS (since 1.30) is the first of Complete, Failed, Terminating, Suspended, FailureTarget that
// holds, else Running. DURATION runs from startTime to completionTime, or to now while running.

import type { KubeObject } from '../api/object.js';
import type { TableSpec } from '../resources/strategy.js';
import { formatLabelSelector, type LabelSelectorJson } from '../list/label-selector.js';
import { age, conditionTrue, containerCells, containersColumn, imagesColumn } from './cells.js';
import { describe } from './descriptions.js';
import { humanDuration } from './duration.js';
import { at, int, str } from './read.js';
import { ageColumn, nameColumn } from './table.js';

function completions(job: KubeObject): string {
  const succeeded = int(at(job, 'status', 'succeeded'));
  const wanted = at(job, 'spec', 'completions');
  if (typeof wanted === 'number') return `${succeeded}/${int(wanted)}`;
  // Without completions the job is done after one success, however many pods run at once.
  const parallelism = int(at(job, 'spec', 'parallelism'));
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KubeObject, now: Date): string {
  const start = Date.parse(str(at(job, 'status', 'startTime')));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(str(at(job, 'status', 'completionTime')));
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

function jobStatus(job: KubeObject): string {
  const conditions = at(job, 'status', 'conditions');
  if (conditionTrue(conditions, 'Complete')) return 'Complete';
  if (conditionTrue(conditions, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp !== undefined && job.metadata.deletionTimestamp !== null) return 'Terminating';
  if (conditionTrue(conditions, 'Suspended')) return 'Suspended';
  if (conditionTrue(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobsTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Status', type: 'string', priority: 0, description: 'Status of the job.' },
    { name: 'Completions', type: 'string', priority: 0, description: describe.jobStatusSucceeded },
    { name: 'Duration', type: 'string', priority: 0, description: 'Time required to complete the job.' },
    ageColumn,
    containersColumn,
    imagesColumn,
    { name: 'Selector', type: 'string', priority: 1, description: describe.jobSpecSelector },
  ],
  row(job, now) {
    const [names, images] = containerCells(at(job, 'spec', 'template'));
    return [
      job.metadata.name ?? '',
      jobStatus(job),
      completions(job),
      jobDuration(job, now),
      age(job, now),
      names,
      images,
      formatLabelSelector(at(job, 'spec', 'selector') as LabelSelectorJson | undefined),
    ];
  },
};
