// Cell texts several printers share.

import type { KubeObject } from '../api/object.js';
import type { TableColumn } from '../resources/strategy.js';
import { since } from './duration.js';
import { at, list, rec, str } from './read.js';

/** The AGE cell: time since metadata.creationTimestamp. */
export function age(obj: KubeObject, now: Date): string {
  return since(obj.metadata.creationTimestamp as string | Date | undefined, now);
}

/** CONTAINERS and IMAGES of a pod template: every container's name and image, comma-joined. */
export function containerCells(podTemplate: unknown): [names: string, images: string] {
  const containers = list(at(podTemplate, 'spec', 'containers')).map(rec);
  return [containers.map((c) => str(c['name'])).join(','), containers.map((c) => str(c['image'])).join(',')];
}

/** The wide CONTAINERS, IMAGES columns of the workload printers. */
export const containersColumn: TableColumn = { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' };
export const imagesColumn: TableColumn = { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' };

/** Is condition `type` present with status "True"? (The first condition of that type decides.) */
export function conditionTrue(conditions: unknown, type: string): boolean {
  const c = list(conditions).map(rec).find((cond) => cond['type'] === type);
  return c !== undefined && c['status'] === 'True';
}
