// kubectl describe service: type, cluster IPs, ports with their target ports and the ready
// endpoints behind each (kubectl 1.32 reads EndpointSlices, which this control plane does not
// serve; kubectl-lite reads the core Endpoints the endpoints controller keeps, in the same format).

import type { KObj } from '../objects.js';
import { DescribeWriter } from '../tabwriter.js';
import { describeEvents, get, printAnnotations, printLabels, type EventItem } from './common.js';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

interface Subset {
  addresses?: { ip: string }[];
  ports?: { name?: string; port: number }[];
}

/** "ip:port,ip:port,ip:port + 2 more..." for the ready addresses serving one service port. */
export function formatEndpoints(endpoints: KObj | undefined, portName: string): string {
  const list: string[] = [];
  for (const subset of (get(endpoints, 'subsets') ?? []) as Subset[]) {
    for (const port of subset.ports ?? []) {
      if ((port.name ?? '') !== portName) continue;
      for (const a of subset.addresses ?? []) list.push(`${a.ip}:${port.port}`);
    }
  }
  if (list.length === 0) return '<none>';
  const shown = list.slice(0, 3).join(',');
  return list.length > 3 ? `${shown} + ${list.length - 3} more...` : shown;
}

export function describeService(svc: KObj, endpoints: KObj | undefined, events: EventItem[] | undefined): string {
  const w = new DescribeWriter();
  const spec = (svc.spec ?? {}) as { selector?: Record<string, string>; type?: string; ipFamilyPolicy?: string; ipFamilies?: string[]; clusterIP?: string; clusterIPs?: string[]; externalIPs?: string[]; externalName?: string; ports?: ServicePort[]; sessionAffinity?: string; externalTrafficPolicy?: string; internalTrafficPolicy?: string };
  w.write(0, `Name:\t${svc.metadata.name}\n`);
  w.write(0, `Namespace:\t${svc.metadata.namespace ?? ''}\n`);
  printLabels(w, 'Labels', svc.metadata.labels);
  printAnnotations(w, 'Annotations', svc.metadata.annotations);
  const selector = Object.keys(spec.selector ?? {}).sort().map((k) => `${k}=${spec.selector![k]}`).join(',');
  w.write(0, `Selector:\t${selector || '<none>'}\n`);
  w.write(0, `Type:\t${spec.type ?? ''}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${(spec.ipFamilies ?? []).length > 0 ? spec.ipFamilies!.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
  w.write(0, `IPs:\t${(spec.clusterIPs ?? []).length > 0 ? spec.clusterIPs!.join(',') : '<none>'}\n`);
  if ((spec.externalIPs ?? []).length > 0) w.write(0, `External IPs:\t${spec.externalIPs!.join(',')}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    const protocol = p.protocol ?? 'TCP';
    w.write(0, `Port:\t${name}\t${p.port}/${protocol}\n`);
    w.write(0, `TargetPort:\t${p.targetPort ?? p.port}/${protocol}\n`);
    if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpoints(endpoints, p.name ?? '')}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? ''}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  describeEvents(w, events);
  return w.toString();
}
