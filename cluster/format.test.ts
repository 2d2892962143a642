import { describe, expect, it } from 'vitest';
import { formatLine, formatTable } from './format.js';
import { kubeconfigText } from './kubeconfig.js';
import type { ClusterStatus } from './status.js';

const status: ClusterStatus = {
  dataDir: '/d',
  kubeconfig: '/d/kubeconfig',
  server: 'http://127.0.0.1:6443',
  upPid: 0,
  supervise: false,
  storeLeader: 'store-2',
  nodes: { ready: 2, total: 3 },
  components: [
    { name: 'store-1', kind: 'store', pid: 10, running: true, address: 'http://127.0.0.1:2379', healthy: true, role: 'follower', term: 2, appliedIndex: 9, revision: 5 },
    { name: 'store-2', kind: 'store', pid: 11, running: true, address: 'http://127.0.0.1:2381', healthy: true, role: 'leader', term: 2, appliedIndex: 9, revision: 5 },
    { name: 'store-3', kind: 'store', pid: 12, running: false, address: 'http://127.0.0.1:2383', healthy: false },
    { name: 'apiserver-1', kind: 'apiserver', pid: 13, running: true, address: 'http://127.0.0.1:6443', healthy: true },
    { name: 'controller-manager', kind: 'controller-manager', pid: 14, running: true, address: 'http://127.0.0.1:10257', healthy: true, role: 'standby', holder: 'host_abc' },
    { name: 'scheduler', kind: 'scheduler', pid: 15, running: true, address: 'http://127.0.0.1:10259', healthy: true, role: 'leader' },
    { name: 'kubelet-lite', kind: 'kubelet-lite', pid: 16, running: false, address: 'http://127.0.0.1:10248', healthy: false },
  ],
};

describe('status formatting', () => {
  it('fits the cluster on one line', () => {
    expect(formatLine(status)).toBe('store 2/3 (leader store-2, term 2, rev 5) | apiserver 1/1 | controller-manager standby | scheduler leading | kubelet-lite down | nodes Ready 2/3');
  });

  it('lays out a table with roles', () => {
    const t = formatTable(status);
    expect(t).toContain('store-2              11    http://127.0.0.1:2381    healthy   leader term=2 applied=9 rev=5');
    expect(t).toMatch(/store-3 +- +http:\/\/127.0.0.1:2383 +stopped\n/);
    expect(t).toContain('standby (lease held by host_abc)');
    expect(t).toContain('nodes Ready 2/3; detached; kubeconfig /d/kubeconfig');
  });

  it('writes a kubeconfig that client-node accepts for http', () => {
    expect(kubeconfigText('http://127.0.0.1:6443')).toContain('    server: http://127.0.0.1:6443\n    insecure-skip-tls-verify: true\n');
    expect(kubeconfigText('https://h:6443')).not.toContain('insecure');
  });
});
