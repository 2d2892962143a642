// Every kind the apiserver serves, in discovery order (core first, then by group), each with its
// table printer (apiserver/printers/) attached: the strategy says what a kind is, the printer how
// `kubectl get` shows it.

import { tablesByResource } from '../printers/index.js';
import type { ResourceStrategy } from './strategy.js';
import { configmapsStrategy } from './configmaps.js';
import { daemonsetsStrategy } from './daemonsets.js';
import { deploymentsStrategy } from './deployments.js';
import { endpointsStrategy } from './endpoints.js';
import { eventsStrategy } from './events.js';
import { jobsStrategy } from './jobs.js';
import { leasesStrategy } from './leases.js';
import { namespacesStrategy } from './namespaces.js';
import { nodesStrategy } from './nodes.js';
import { podsStrategy } from './pods.js';
import { replicasetsStrategy } from './replicasets.js';
import { secretsStrategy } from './secrets.js';
import { serviceaccountsStrategy } from './serviceaccounts.js';
import { servicesStrategy } from './services.js';
import { statefulsetsStrategy } from './statefulsets.js';

const KINDS: readonly ResourceStrategy[] = [
  namespacesStrategy,
  podsStrategy,
  nodesStrategy,
  servicesStrategy,
  endpointsStrategy,
  configmapsStrategy,
  secretsStrategy,
  eventsStrategy,
  serviceaccountsStrategy,
  deploymentsStrategy,
  replicasetsStrategy,
  daemonsetsStrategy,
  statefulsetsStrategy,
  jobsStrategy,
  leasesStrategy,
];

export const ALL_STRATEGIES: readonly ResourceStrategy[] = KINDS.map((s) => {
  const table = tablesByResource[s.plural];
  return table ? { ...s, table } : s;
});

/** The strategy of `plural` in `group` ('' = core), or undefined for a resource not served. */
export function findStrategy(group: string, plural: string): ResourceStrategy | undefined {
  return ALL_STRATEGIES.find((s) => s.group === group && s.plural === plural);
}
