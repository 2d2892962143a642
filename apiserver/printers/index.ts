// Every built-in printer by resource plural, for the registry to attach to its strategies.
// Kinds missing here are served with defaultTable (NAME, CREATED AT), as Kubernetes does.

import type { TableSpec } from '../resources/strategy.js';
import { configmapsTable } from './configmaps.js';
import { daemonsetsTable } from './daemonsets.js';
import { deploymentsTable } from './deployments.js';
import { endpointsTable } from './endpoints.js';
import { eventsTable } from './events.js';
import { jobsTable } from './jobs.js';
import { leasesTable } from './leases.js';
import { namespacesTable } from './namespaces.js';
import { nodesTable } from './nodes.js';
import { podsTable } from './pods.js';
import { replicasetsTable } from './replicasets.js';
import { secretsTable } from './secrets.js';
import { serviceaccountsTable } from './serviceaccounts.js';
import { servicesTable } from './services.js';
import { statefulsetsTable } from './statefulsets.js';

export { defaultTable, toTable } from './table.js';

export const tablesByResource: Readonly<Record<string, TableSpec>> = {
  configmaps: configmapsTable,
  daemonsets: daemonsetsTable,
  deployments: deploymentsTable,
  endpoints: endpointsTable,
  events: eventsTable,
  jobs: jobsTable,
  leases: leasesTable,
  namespaces: namespacesTable,
  nodes: nodesTable,
  pods: podsTable,
  replicasets: replicasetsTable,
  secrets: secretsTable,
  serviceaccounts: serviceaccountsTable,
  services: servicesTable,
  statefulsets: statefulsetsTable,
};
