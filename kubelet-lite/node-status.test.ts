import { describe, expect, it } from 'vitest';
import { goDuration, normalizeImage } from './format.js';
import { buildNode, cidrHosts, internalIP, IpPool, microTime, nodeLease, nodeStatus, parseLabels, parseTaints, podCIDR, quantityBytes, type NodeConfig } from './node-status.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const cfg: NodeConfig = {
  name: 'node-1', index: 1, cpu: '4', memory: '8Gi', ephemeralStorage: '100Gi', maxPods: 110,
  labels: { zone: 'a' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
  arch: 'amd64', kubeletVersion: 'v1.32.0', bootID: 'b1',
};

describe('addresses', () => {
  it.each([
    [1, '172.18.0.2', '10.244.1.0/24'],
    [2, '172.18.0.3', '10.244.2.0/24'],
    [255, '172.18.1.0', '10.244.255.0/24'],
    [256, '172.18.1.1', '10.245.0.0/24'],
  ])('node %i: %s, %s', (i, ip, cidr) => {
    expect(internalIP(i)).toBe(ip);
    expect(podCIDR(i)).toBe(cidr);
  });

  it('hands out .2 to .254, one per pod, reusing released ones', () => {
    expect(cidrHosts('10.244.1.0/24')).toEqual({ first: (10 * 2 ** 24) + (244 << 16) + (1 << 8) + 2, last: (10 * 2 ** 24) + (244 << 16) + (1 << 8) + 254 });
    const pool = new IpPool('10.244.1.0/24');
    expect(pool.acquire('a')).toBe('10.244.1.2');
    expect(pool.acquire('b')).toBe('10.244.1.3');
    expect(pool.acquire('a')).toBe('10.244.1.2');
    // After a restart, a pod keeps the address its status shows.
    expect(pool.acquire('c', '10.244.1.9')).toBe('10.244.1.9');
    // … unless another pod holds it.
    expect(pool.acquire('d', '10.244.1.9')).toBe('10.244.1.4');
    pool.release('b');
    expect(pool.size).toBe(3);
    // 253 addresses (.2–.254), 3 held: 250 left.
    for (let i = 0; i < 250; i++) pool.acquire(`x${i}`);
    expect(() => pool.acquire('full')).toThrow('no pod IP left');
  });
});

describe('quantities, labels, taints', () => {
  it.each([
    ['8Gi', 8 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1G', 1e9],
    ['1000', 1000],
    ['1.5Gi', 1.5 * 2 ** 30],
  ])('%s = %i bytes', (q, n) => expect(quantityBytes(q)).toBe(n));

  it('refuses nonsense', () => expect(() => quantityBytes('lots')).toThrow('invalid quantity'));

  it.each([
    ['', []],
    ['a=b:NoSchedule', [{ key: 'a', value: 'b', effect: 'NoSchedule' }]],
    ['gpu:NoExecute,x=y:PreferNoSchedule', [{ key: 'gpu', effect: 'NoExecute' }, { key: 'x', value: 'y', effect: 'PreferNoSchedule' }]],
  ])('taints %j', (s, want) => expect(parseTaints(s)).toEqual(want));

  it('refuses a taint without a valid effect', () => expect(() => parseTaints('a=b:Sometimes')).toThrow('invalid taint'));
  it('parses labels', () => expect(parseLabels('a=1, b=two')).toEqual({ a: '1', b: 'two' }));
  it('refuses a label without =', () => expect(() => parseLabels('a')).toThrow('invalid label'));
});

describe('the Node a kubelet registers', () => {
  const node = buildNode(cfg, T0);

  it('has the well-known labels, the kubelet annotations, its CIDR and taints', () => {
    expect(node.metadata!.name).toBe('node-1');
    expect(node.metadata!.labels).toEqual({
      'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux', zone: 'a',
    });
    expect(node.metadata!.annotations).toEqual({ 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' });
    expect(node.spec).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
  });

  it('reports capacity, allocatable, addresses, endpoints and nodeInfo', () => {
    const s = node.status!;
    expect(s.capacity).toEqual({ cpu: '4', 'ephemeral-storage': '104857600Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8388608Ki', pods: '110' });
    expect(s.allocatable).toMatchObject({ cpu: '4', memory: '8286208Ki', pods: '110', 'ephemeral-storage': String(Math.floor(100 * 2 ** 30 * 0.9)) });
    expect(s.addresses).toEqual([{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'node-1' }]);
    expect(s.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(s.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'containerd://1.7.24', kubeProxyVersion: '' });
    expect(s.nodeInfo!.machineID).toMatch(/^[0-9a-f]{32}$/);
    expect(s.nodeInfo!.systemUUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(buildNode({ ...cfg, bootID: 'b2' }, T0).status!.nodeInfo!.bootID).not.toBe(s.nodeInfo!.bootID);
  });

  it('posts the four kubelet conditions', () => {
    expect(node.status!.conditions!.map((c) => [c.type, c.status, c.reason, c.message, c.lastHeartbeatTime, c.lastTransitionTime])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    ]);
  });

  it('moves the heartbeat, keeps transitions, and transitions again after Unknown', () => {
    const later = nodeStatus(cfg, node.status, T0 + 60_000);
    const ready = later.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.lastHeartbeatTime).toBe('2026-01-01T00:01:00Z');
    expect(ready.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    const unknown = { ...later, conditions: later.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c)) };
    const back = nodeStatus(cfg, unknown, T0 + 120_000).conditions!.find((c) => c.type === 'Ready')!;
    expect(back).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: '2026-01-01T00:02:00Z' });
  });
});

describe('the node Lease', () => {
  it('is held by the node for 40 s, renewed in MicroTime, owned by the Node', () => {
    expect(microTime(T0 + 123)).toBe('2026-01-01T00:00:00.123000Z');
    expect(nodeLease('node-1', 'uid-1', T0 + 5)).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'uid-1' }] },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.005000Z' },
    });
  });
});

describe('format', () => {
  it.each([
    [0, '0s'], [512, '512ms'], [1000, '1s'], [1500, '1.5s'], [10_000, '10s'], [80_000, '1m20s'], [300_000, '5m0s'], [3_600_000, '1h0m0s'],
  ])('goDuration(%i) = %s', (ms, s) => expect(goDuration(ms)).toBe(s));

  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['ghcr.io/a/b:v1', 'ghcr.io/a/b:v1'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['nginx@sha256:abc', 'docker.io/library/nginx@sha256:abc'],
  ])('normalizeImage(%s) = %s', (image, want) => expect(normalizeImage(image)).toBe(want));
});
