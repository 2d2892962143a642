import { describe, expect, it } from 'vitest';
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { buildSubsets, endpointsLabels, findPort, sameSubsets, shouldPodBeInEndpoints } from './subsets.js';

const T = '2026-01-01T00:00:00Z' as unknown as Date;

function pod(name: string, ip: string | undefined, opts: { ready?: boolean; ports?: { name: string; containerPort: number; protocol?: string }[]; phase?: string; deleting?: boolean; node?: string } = {}): V1Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: T } : {}) },
    spec: { nodeName: opts.node ?? 'n1', containers: [{ name: 'c', image: 'i', ports: opts.ports }] },
    status: { phase: opts.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}
function service(ports: V1ServicePort[], extra: Partial<V1Service['spec']> = {}): V1Service {
  return { metadata: { name: 'web', namespace: 'ns', labels: { team: 'a' } }, spec: { selector: { app: 'web' }, ports, clusterIP: '10.0.0.1', ...extra } };
}
const ref = (name: string) => ({ kind: 'Pod', namespace: 'ns', name, uid: `uid-${name}` });

describe('findPort', () => {
  const p = pod('a', '1.1.1.1', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
  it.each([
    [{ port: 80, targetPort: 'http' }, 8080],
    [{ port: 80, targetPort: 9090 }, 9090],
    [{ port: 80 }, 80],
    [{ port: 80, targetPort: 'nope' }, undefined],
    [{ port: 53, targetPort: 'dns', protocol: 'UDP' }, 53],
    [{ port: 53, targetPort: 'dns', protocol: 'TCP' }, undefined],
  ] as [V1ServicePort, number | undefined][])('%j → %s', (sp, want) => expect(findPort(p, sp)).toBe(want));
});

describe('shouldPodBeInEndpoints', () => {
  it.each([
    ['running with IP', pod('a', '1.1.1.1'), false, true],
    ['no IP yet', pod('a', undefined), false, false],
    ['succeeded', pod('a', '1.1.1.1', { phase: 'Succeeded' }), false, false],
    ['failed', pod('a', '1.1.1.1', { phase: 'Failed' }), true, false],
    ['terminating', pod('a', '1.1.1.1', { deleting: true }), false, false],
    ['terminating, publishNotReadyAddresses', pod('a', '1.1.1.1', { deleting: true }), true, true],
  ] as const)('%s', (_n, p, incl, want) => expect(shouldPodBeInEndpoints(p, incl)).toBe(want));
});

describe('buildSubsets', () => {
  it('ready and not-ready pods with the same ports share a subset, sorted by IP', () => {
    const subsets = buildSubsets(service([{ name: 'http', port: 80, targetPort: 8080 as never, protocol: 'TCP' }]), [
      pod('b', '10.0.0.2'),
      pod('a', '10.0.0.1'),
      pod('c', '10.0.0.3', { ready: false }),
      pod('d', undefined),
      pod('e', '10.0.0.5', { deleting: true }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: '10.0.0.1', nodeName: 'n1', targetRef: ref('a') },
          { ip: '10.0.0.2', nodeName: 'n1', targetRef: ref('b') },
        ],
        notReadyAddresses: [{ ip: '10.0.0.3', nodeName: 'n1', targetRef: ref('c') }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('pods resolving a named port differently end up in different subsets', () => {
    const svc = service([{ name: 'http', port: 80, targetPort: 'http' as never }]);
    const subsets = buildSubsets(svc, [
      pod('a', '10.0.0.1', { ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('b', '10.0.0.2', { ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('c', '10.0.0.3', { ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('d', '10.0.0.4', { ports: [] }),
    ]);
    expect(subsets.map((s) => [s.addresses!.map((a) => a.ip), s.ports!.map((p) => p.port)])).toEqual([
      [['10.0.0.1', '10.0.0.3'], [8080]],
      [['10.0.0.2'], [9090]],
    ]);
  });

  it('subsets group ports by the exact set of addresses offering them (RepackSubsets)', () => {
    const svc = service([
      { name: 'http', port: 80, targetPort: 'http' as never },
      { name: 'metrics', port: 9100, targetPort: 9100 as never },
    ]);
    const subsets = buildSubsets(svc, [pod('a', '10.0.0.1', { ports: [{ name: 'http', containerPort: 8080 }] }), pod('b', '10.0.0.2')]);
    expect(subsets.map((s) => [s.addresses!.map((a) => a.ip), s.ports!.map((p) => `${p.name}:${p.port}`)])).toEqual([
      [['10.0.0.1'], ['http:8080']],
      [['10.0.0.1', '10.0.0.2'], ['metrics:9100']],
    ]);
  });

  it('publishNotReadyAddresses lists every pod as ready', () => {
    const subsets = buildSubsets(service([{ port: 80 }], { publishNotReadyAddresses: true }), [pod('a', '10.0.0.1', { ready: false })]);
    expect(subsets).toEqual([{ addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: ref('a') }], ports: [{ port: 80, protocol: 'TCP' }] }]);
  });

  it('headless without ports lists addresses with no ports; hostname when subdomain matches', () => {
    const p = pod('a', '10.0.0.1');
    p.spec!.hostname = 'a0';
    p.spec!.subdomain = 'web';
    expect(buildSubsets(service([], { clusterIP: 'None' }), [p])).toEqual([{ addresses: [{ ip: '10.0.0.1', nodeName: 'n1', hostname: 'a0', targetRef: ref('a') }] }]);
    expect(buildSubsets(service([]), [p])).toEqual([]);
  });

  it('no pods, no subsets', () => expect(buildSubsets(service([{ port: 80 }]), [])).toEqual([]));
});

describe('labels and comparison', () => {
  it('copies service labels and marks headless services', () => {
    expect(endpointsLabels(service([]))).toEqual({ team: 'a' });
    expect(endpointsLabels(service([], { clusterIP: 'None' }))).toEqual({ team: 'a', 'service.kubernetes.io/headless': '' });
  });
  it('treats absent and empty lists alike, and sees a changed IP', () => {
    expect(sameSubsets(undefined, [])).toBe(true);
    expect(sameSubsets([{ addresses: [{ ip: '1' }], ports: [{ port: 80 }] }], [{ addresses: [{ ip: '1' }], notReadyAddresses: [], ports: [{ port: 80, protocol: 'TCP' }] }])).toBe(true);
    expect(sameSubsets([{ addresses: [{ ip: '1' }] }], [{ addresses: [{ ip: '2' }] }])).toBe(false);
  });
});
