import type { V1Container } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_REQUEST, podHostPorts, podRequests, portsConflict, type HostPort } from './resources.js';
import { pod } from './test-helpers.js';

const c = (name: string, requests: Record<string, string>, restartPolicy?: string): V1Container => ({ name, image: 'x', resources: { requests }, ...(restartPolicy ? { restartPolicy } : {}) });

describe('podRequests', () => {
  it.each<{ name: string; containers: V1Container[]; init?: V1Container[]; overhead?: Record<string, string>; want: Record<string, number> }>([
    { name: 'containers add up', containers: [c('a', { cpu: '100m', memory: '1Gi' }), c('b', { cpu: '1', memory: '1Gi' })], want: { cpu: 1100, memory: 2 * 2 ** 30 } },
    {
      // Kubernetes' own example: init 2 cpu/1G and 2 cpu/3G, app 2 cpu/1G + 1 cpu/1G → 3 cpu, 3G.
      name: 'init containers: max of each init step vs the sum of the app containers',
      containers: [c('c1', { cpu: '2', memory: '1G' }), c('c2', { cpu: '1', memory: '1G' })],
      init: [c('i1', { cpu: '2', memory: '1G' }), c('i2', { cpu: '2', memory: '3G' })],
      want: { cpu: 3000, memory: 3e9 },
    },
    { name: 'a big init container dominates', containers: [c('a', { cpu: '500m' })], init: [c('i', { cpu: '2' })], want: { cpu: 2000 } },
    {
      name: 'sidecars run beside later init steps and the app',
      containers: [c('a', { cpu: '1' })],
      init: [c('side', { cpu: '500m' }, 'Always'), c('i', { cpu: '2' })],
      want: { cpu: 2500 },
    },
    { name: 'sidecar added to the app sum', containers: [c('a', { cpu: '1' })], init: [c('side', { cpu: '500m' }, 'Always')], want: { cpu: 1500 } },
    { name: 'overhead is added', containers: [c('a', { cpu: '1' })], overhead: { cpu: '250m' }, want: { cpu: 1250 } },
    { name: 'extended resources are kept, pods ignored', containers: [c('a', { 'example.com/gpu': '2', pods: '3' })], want: { 'example.com/gpu': 2 } },
  ])('$name', ({ containers, init, overhead, want }) => {
    const p = pod('p', { containers, initContainers: init });
    if (overhead) p.spec!.overhead = overhead as never;
    expect(podRequests(p)).toEqual(want);
  });

  it('non-zero requests fill absent cpu and memory only', () => {
    const p = pod('p', { containers: [c('a', {}), c('b', { cpu: '0', memory: '1Mi' })] });
    expect(podRequests(p, true)).toEqual({ cpu: 100, memory: DEFAULT_MEMORY_REQUEST + 2 ** 20 });
    expect(podRequests(p)).toEqual({ cpu: 0, memory: 2 ** 20 });
  });
});

describe('host ports', () => {
  it('defaults protocol and address, skips container-only ports', () => {
    const p = pod('p', { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }, { containerPort: 9000 }] }] });
    expect(podHostPorts(p)).toEqual([
      { hostIP: '0.0.0.0', protocol: 'TCP', port: 8080 },
      { hostIP: '10.0.0.1', protocol: 'UDP', port: 53 },
    ]);
  });

  const hp = (port: number, protocol = 'TCP', hostIP = '0.0.0.0'): HostPort => ({ port, protocol, hostIP });
  it.each([
    [hp(80), hp(80), true],
    [hp(80), hp(81), false],
    [hp(80, 'TCP'), hp(80, 'UDP'), false],
    [hp(80, 'TCP', '10.0.0.1'), hp(80, 'TCP', '10.0.0.2'), false],
    [hp(80, 'TCP', '10.0.0.1'), hp(80, 'TCP', '10.0.0.1'), true],
    [hp(80, 'TCP', '10.0.0.1'), hp(80), true],
    [hp(80), hp(80, 'TCP', '10.0.0.2'), true],
  ])('%o vs %o → %s', (a, b, want) => {
    expect(portsConflict(a, b)).toBe(want);
  });
});
