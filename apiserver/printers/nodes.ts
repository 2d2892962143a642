// `kubectl get nodes`: NAME STATUS ROLES AGE VERSION,
// wide: INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME.

import type { KubeObject } from '../api/object.js';
import type { TableSpec } from '../resources/strategy.js';
import { age } from './cells.js';
import { describe } from './descriptions.js';
import { at, list, rec, str } from './read.js';
import { ageColumn, nameColumn } from './table.js';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

/** Ready / NotReady / Unknown from the Ready condition, plus SchedulingDisabled when cordoned. */
function nodeStatus(node: KubeObject): string {
  // With several Ready conditions, the last one wins (Go fills a map in order).
  const ready = list(at(node, 'status', 'conditions')).map(rec).filter((c) => c['type'] === 'Ready').pop();
  const status = [ready === undefined ? 'Unknown' : ready['status'] === 'True' ? 'Ready' : 'NotReady'];
  if (at(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the legacy `kubernetes.io/role=<role>`. */
function roles(node: KubeObject): string {
  const found = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_LABEL_PREFIX)) {
      const role = k.slice(ROLE_LABEL_PREFIX.length);
      if (role) found.add(role);
    } else if (k === LEGACY_ROLE_LABEL && v !== '') {
      found.add(v);
    }
  }
  return found.size ? [...found].sort().join(',') : '<none>';
}

function address(node: KubeObject, type: string): string {
  const a = list(at(node, 'status', 'addresses')).map(rec).find((addr) => addr['type'] === type);
  return a === undefined ? '<none>' : str(a['address']);
}

export const nodesTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Status', type: 'string', priority: 0, description: 'The status of the node' },
    { name: 'Roles', type: 'string', priority: 0, description: 'The roles of the node' },
    ageColumn,
    { name: 'Version', type: 'string', priority: 0, description: describe.nodeSystemInfoKubeletVersion },
    { name: 'Internal-IP', type: 'string', priority: 1, description: describe.nodeStatusAddresses },
    { name: 'External-IP', type: 'string', priority: 1, description: describe.nodeStatusAddresses },
    { name: 'OS-Image', type: 'string', priority: 1, description: describe.nodeSystemInfoOsImage },
    { name: 'Kernel-Version', type: 'string', priority: 1, description: describe.nodeSystemInfoKernelVersion },
    { name: 'Container-Runtime', type: 'string', priority: 1, description: describe.nodeSystemInfoContainerRuntimeVersion },
  ],
  row(node, now) {
    const info = (field: string): string => str(at(node, 'status', 'nodeInfo', field));
    return [
      node.metadata.name ?? '',
      nodeStatus(node),
      roles(node),
      age(node, now),
      info('kubeletVersion'),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info('osImage') || '<unknown>',
      info('kernelVersion') || '<unknown>',
      info('containerRuntimeVersion') || '<unknown>',
    ];
  },
};
