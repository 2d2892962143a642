// NodePorts: a host port (protocol, port, address) can be claimed by one pod per node.

import type { FilterPlugin } from '../framework.js';
import { portsConflict } from '../resources.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePortsFilter: FilterPlugin = {
  name: 'NodePorts',
  filter(ctx, ni) {
    if (ctx.ports.length === 0) return [];
    const used = ni.usedPorts();
    return ctx.ports.some((want) => used.some((u) => portsConflict(want, u))) ? [ERR_REASON_PORTS] : [];
  },
};
