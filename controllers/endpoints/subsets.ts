// Pure pieces of the endpoints controller (Kubernetes' pkg/controller/endpoint and
// pkg/api/v1/endpoints RepackSubsets): which pods belong in a Service's Endpoints, how their ports
// resolve, and how addresses are grouped into subsets (pods offering the same ports share one).

import type { CoreV1EndpointPort as V1EndpointPort, V1EndpointAddress, V1EndpointSubset, V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';

export const LABEL_HEADLESS = 'service.kubernetes.io/headless';

/** Kubernetes' IsPodReady: the Ready condition is True. */
export function isPodReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Kubernetes' ShouldPodBeInEndpoints: not terminal, has an IP, and not terminating (unless tolerated). */
export function shouldPodBeInEndpoints(pod: V1Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** Kubernetes' FindPort: a named targetPort is looked up in the pod's containers (same protocol). */
export function findPort(pod: V1Pod, svcPort: V1ServicePort): number | undefined {
  const target = svcPort.targetPort as number | string | undefined;
  if (target === undefined || target === '') return svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = svcPort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** Does a Service's selector (a plain label map) select these labels? */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

interface Member {
  address: V1EndpointAddress;
  ready: boolean;
}

/**
 * The subsets of a Service's Endpoints for the pods its selector chose. Every eligible pod gives
 * one address per service port it resolves; addresses are then repacked so that each subset holds
 * the addresses (ready and not ready) offering exactly the same set of ports.
 */
export function buildSubsets(service: V1Service, pods: V1Pod[]): V1EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const headless = service.spec?.clusterIP === 'None';
  const svcPorts = service.spec?.ports ?? [];
  // port key → the port and the addresses offering it
  const byPort = new Map<string, { port: V1EndpointPort | undefined; members: Map<string, Member> }>();
  const add = (port: V1EndpointPort | undefined, m: Member) => {
    const key = port ? `${port.name ?? ''}/${port.port}/${port.protocol ?? ''}/${port.appProtocol ?? ''}` : '';
    let entry = byPort.get(key);
    if (!entry) byPort.set(key, (entry = { port, members: new Map() }));
    entry.members.set(`${m.address.ip}/${m.address.targetRef?.uid ?? ''}`, m);
  };

  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address: V1EndpointAddress = {
      ip: pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip ?? '',
      nodeName: pod.spec?.nodeName,
      targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
    };
    if (!address.nodeName) delete address.nodeName;
    if (pod.spec?.hostname && pod.spec.subdomain === service.metadata?.name) address.hostname = pod.spec.hostname;
    const member: Member = { address, ready: publishNotReady || isPodReady(pod) };
    if (svcPorts.length === 0) {
      // A headless service without ports still lists its pods (DNS needs them); others list nothing.
      if (headless) add(undefined, member);
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      // A named port the pod does not have: this pod is not an endpoint for that port.
      if (port === undefined) continue;
      const ep: V1EndpointPort = { name: sp.name, port, protocol: sp.protocol ?? 'TCP' };
      if (!sp.name) delete ep.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      add(ep, member);
    }
  }

  // Group ports by the exact set of addresses offering them.
  const groups = new Map<string, { members: Member[]; ports: V1EndpointPort[] }>();
  for (const { port, members } of byPort.values()) {
    const list = [...members.values()];
    const key = list.map((m) => `${m.address.ip}/${m.address.targetRef?.uid ?? ''}/${m.ready}`).sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { members: list, ports: [] }));
    if (port) g.ports.push(port);
  }

  const subsets = [...groups.values()].map(({ members, ports }) => {
    const s: V1EndpointSubset = {};
    const ready = members.filter((m) => m.ready).map((m) => m.address).sort(lessAddress);
    const notReady = members.filter((m) => !m.ready).map((m) => m.address).sort(lessAddress);
    if (ready.length > 0) s.addresses = ready;
    if (notReady.length > 0) s.notReadyAddresses = notReady;
    if (ports.length > 0) s.ports = ports.sort(lessPort);
    return s;
  });
  // Kubernetes orders subsets by a hash of their content; any stable order does, this one reads well.
  const first = (s: V1EndpointSubset) => (s.addresses ?? s.notReadyAddresses ?? [])[0];
  return subsets.sort((a, b) => lessAddress(first(a)!, first(b)!));
}

/** Kubernetes' LessEndpointAddress: by IP (as bytes), then by target uid. */
function lessAddress(a: V1EndpointAddress, b: V1EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function lessPort(a: V1EndpointPort, b: V1EndpointPort): number {
  const na = a.name ?? '';
  const nb = b.name ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.port - b.port || (a.protocol ?? '').localeCompare(b.protocol ?? '');
}

/** The labels an Endpoints object carries: the Service's, plus the headless marker. */
export function endpointsLabels(service: V1Service): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  if (service.spec?.clusterIP === 'None') labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  return labels;
}

/** Semantic equality of two subset lists (absent and empty lists alike). */
export function sameSubsets(a: V1EndpointSubset[] | undefined, b: V1EndpointSubset[] | undefined): boolean {
  const norm = (s: V1EndpointSubset[] | undefined) =>
    JSON.stringify(
      (s ?? []).map((x) => ({
        addresses: (x.addresses ?? []).map(normAddress),
        notReadyAddresses: (x.notReadyAddresses ?? []).map(normAddress),
        ports: (x.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol ?? '' })),
      })),
    );
  return norm(a) === norm(b);
}

function normAddress(a: V1EndpointAddress) {
  return { ip: a.ip, hostname: a.hostname ?? '', nodeName: a.nodeName ?? '', ref: [a.targetRef?.kind ?? '', a.targetRef?.namespace ?? '', a.targetRef?.name ?? '', a.targetRef?.uid ?? ''] };
}
