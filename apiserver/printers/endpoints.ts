// `kubectl get endpoints`: NAME ENDPOINTS AGE. ENDPOINTS shows at most three `ip:port` pairs and
// counts the rest: `10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...`.

import type { KubeObject } from '../api/object.js';
import type { TableSpec } from '../resources/strategy.js';
import { age } from './cells.js';
import { describe } from './descriptions.js';
import { int, list, rec, str } from './read.js';
import { ageColumn, nameColumn } from './table.js';

const SHOWN = 3;

/** net.JoinHostPort: IPv6 addresses are bracketed. */
function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function formatEndpoints(ep: KubeObject): string {
  const subsets = list(ep['subsets']).map(rec);
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = list(subset['addresses']).map((a) => str(rec(a)['ip']));
    const ports = list(subset['ports']).map(rec);
    if (ports.length === 0) {
      // A headless service without ports lists bare addresses.
      count += addresses.length;
      for (const ip of addresses) if (shown.length < SHOWN) shown.push(ip);
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const ip of addresses) if (shown.length < SHOWN) shown.push(hostPort(ip, int(port['port'])));
    }
  }
  const text = shown.join(',');
  return count > SHOWN ? `${text} + ${count - SHOWN} more...` : text;
}

export const endpointsTable: TableSpec = {
  columns: [nameColumn, { name: 'Endpoints', type: 'string', priority: 0, description: describe.endpointsSubsets }, ageColumn],
  row: (ep, now) => [ep.metadata.name ?? '', formatEndpoints(ep), age(ep, now)],
};
