// `kubectl get services`: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, wide: SELECTOR.
// PORT(S) is `80/TCP`, or `80:30080/TCP` when a node port is allocated.

import type { KubeObject } from '../api/object.js';
import type { TableSpec } from '../resources/strategy.js';
import { formatLabels } from '../list/label-selector.js';
import { age } from './cells.js';
import { describe } from './descriptions.js';
import { at, int, list, rec, str, stringMap } from './read.js';
import { ageColumn, nameColumn } from './table.js';

/** Load-balancer ingress points (IP, else hostname), unique and sorted as Go's string set lists them. */
function loadBalancerAddresses(svc: KubeObject): string[] {
  const found = new Set<string>();
  for (const ing of list(at(svc, 'status', 'loadBalancer', 'ingress')).map(rec)) {
    const addr = str(ing['ip']) || str(ing['hostname']);
    if (addr) found.add(addr);
  }
  return [...found].sort();
}

/** EXTERNAL-IP. The server prints "wide", so load-balancer addresses are never shortened here. */
function externalIP(svc: KubeObject): string {
  const externalIPs = list(at(svc, 'spec', 'externalIPs')).map(str);
  switch (str(at(svc, 'spec', 'type'))) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc);
      if (externalIPs.length) return [...lb, ...externalIPs].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(at(svc, 'spec', 'externalName'));
    default:
      return '<unknown>';
  }
}

function ports(svc: KubeObject): string {
  const pieces = list(at(svc, 'spec', 'ports')).map((p) => {
    const port = rec(p);
    const nodePort = int(port['nodePort']);
    const proto = str(port['protocol']);
    return nodePort > 0 ? `${int(port['port'])}:${nodePort}/${proto}` : `${int(port['port'])}/${proto}`;
  });
  return pieces.length ? pieces.join(',') : '<none>';
}

export const servicesTable: TableSpec = {
  columns: [
    nameColumn,
    { name: 'Type', type: 'string', priority: 0, description: describe.serviceSpecType },
    { name: 'Cluster-IP', type: 'string', priority: 0, description: describe.serviceSpecClusterIP },
    { name: 'External-IP', type: 'string', priority: 0, description: describe.serviceSpecExternalIPs },
    { name: 'Port(s)', type: 'string', priority: 0, description: describe.serviceSpecPorts },
    ageColumn,
    { name: 'Selector', type: 'string', priority: 1, description: describe.serviceSpecSelector },
  ],
  row(svc, now) {
    // Decoding a v1 service fills clusterIPs from clusterIP, so either one names the first address.
    const clusterIP = str(list(at(svc, 'spec', 'clusterIPs'))[0]) || str(at(svc, 'spec', 'clusterIP')) || '<none>';
    return [
      svc.metadata.name ?? '',
      str(at(svc, 'spec', 'type')),
      clusterIP,
      externalIP(svc),
      ports(svc),
      age(svc, now),
      formatLabels(stringMap(at(svc, 'spec', 'selector'))),
    ];
  },
};
