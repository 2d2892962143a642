import { describe, expect, it } from 'vitest';
import { planComponents } from './components.js';
import { planPorts } from './ports.js';

describe('planComponents', () => {
  const specs = planComponents({ dataDir: '/d', nodes: 5, ports: planPorts({ base: 40000, storeMembers: 2, apiservers: 1 }) });

  it('starts store members with etcd flags naming the whole initial cluster', () => {
    const s1 = specs[0]!;
    expect(s1.name).toBe('store-1');
    expect(s1.args).toContain('--initial-cluster=store-1=http://127.0.0.1:40001,store-2=http://127.0.0.1:40003');
    expect(s1.args).toContain('--data-dir=/d/store/store-1');
    expect(s1.args).toContain('--listen-client-urls=http://127.0.0.1:40000');
    expect(s1.healthPath).toBe('/health');
  });

  it('points the apiserver at every member and the rest at the apiserver', () => {
    const api = specs.find((s) => s.name === 'apiserver-1')!;
    expect(api.args).toEqual(['--store-endpoints', 'http://127.0.0.1:40000,http://127.0.0.1:40002', '--port', '40004']);
    const kubelet = specs.find((s) => s.name === 'kubelet-lite')!;
    expect(kubelet.args).toEqual(['--server', 'http://127.0.0.1:40004', '--nodes', '5', '--port', '40007']);
    expect(specs.map((s) => s.name)).toEqual(['store-1', 'store-2', 'apiserver-1', 'controller-manager', 'scheduler', 'kubelet-lite']);
  });
});
