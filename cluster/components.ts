// What `cluster up` starts: one spec per OS process, with the exact command line, so that
// `cluster start <name>` can later restart a component with the very same flags.

import { join } from 'node:path';
import type { PortPlan } from './ports.js';

export type ComponentKind = 'store' | 'apiserver' | 'controller-manager' | 'scheduler' | 'kubelet-lite';

export interface ComponentSpec {
  /** store-1, apiserver-1, controller-manager, scheduler, kubelet-lite */
  name: string;
  kind: ComponentKind;
  /** The built entry point, relative to dist/ (e.g. "store/server/main.js"). */
  script: string;
  args: string[];
  /** The port whose health endpoint answers for this component. */
  port: number;
  /** Path probed on `port`: /health for store members, /readyz for apiservers, /healthz otherwise. */
  healthPath: string;
  /** Store members only. */
  peerPort?: number;
}

/** The entry point of each kind, relative to dist/. */
export const SCRIPTS: Record<ComponentKind, string> = {
  store: 'store/server/main.js',
  apiserver: 'apiserver/main.js',
  'controller-manager': 'controllers/main.js',
  scheduler: 'scheduler/main.js',
  'kubelet-lite': 'kubelet-lite/main.js',
};

const HOST = '127.0.0.1';

export function url(port: number): string {
  return `http://${HOST}:${port}`;
}

export function planComponents(options: { dataDir: string; nodes: number; ports: PortPlan }): ComponentSpec[] {
  const { dataDir, nodes, ports } = options;
  const initialCluster = ports.store.map((p, i) => `store-${i + 1}=${url(p.peer)}`).join(',');
  const store: ComponentSpec[] = ports.store.map((p, i) => ({
    name: `store-${i + 1}`,
    kind: 'store',
    script: SCRIPTS.store,
    args: [
      `--name=store-${i + 1}`,
      `--data-dir=${join(dataDir, 'store', `store-${i + 1}`)}`,
      `--listen-client-urls=${url(p.client)}`,
      `--advertise-client-urls=${url(p.client)}`,
      `--listen-peer-urls=${url(p.peer)}`,
      `--initial-advertise-peer-urls=${url(p.peer)}`,
      `--initial-cluster=${initialCluster}`,
      '--initial-cluster-state=new',
      '--initial-cluster-token=kube-lite',
    ],
    port: p.client,
    peerPort: p.peer,
    healthPath: '/health',
  }));
  const endpoints = ports.store.map((p) => url(p.client)).join(',');
  const apiservers: ComponentSpec[] = ports.apiservers.map((port, j) => ({
    name: `apiserver-${j + 1}`,
    kind: 'apiserver',
    script: SCRIPTS.apiserver,
    args: ['--store-endpoints', endpoints, '--port', String(port)],
    port,
    healthPath: '/readyz',
  }));
  // The stateless components talk to the first apiserver, as the kubeconfig does.
  const server = url(ports.apiservers[0]!);
  const stateless: ComponentSpec[] = [
    { name: 'controller-manager', kind: 'controller-manager', script: SCRIPTS['controller-manager'], args: ['--server', server, '--port', String(ports.controllerManager)], port: ports.controllerManager, healthPath: '/healthz' },
    { name: 'scheduler', kind: 'scheduler', script: SCRIPTS.scheduler, args: ['--server', server, '--port', String(ports.scheduler)], port: ports.scheduler, healthPath: '/healthz' },
    { name: 'kubelet-lite', kind: 'kubelet-lite', script: SCRIPTS['kubelet-lite'], args: ['--server', server, '--nodes', String(nodes), '--port', String(ports.kubelet)], port: ports.kubelet, healthPath: '/healthz' },
  ];
  return [...store, ...apiservers, ...stateless];
}
