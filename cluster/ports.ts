// Which port each component listens on. Two plans:
//  - the default: the ports everyone knows, so `etcdctl` and `kubectl --server` work without
//    looking anything up: store-i client 2379+2(i-1), peer 2380+2(i-1) (store-1 = etcd's
//    2379/2380); apiserver-j 6443+(j-1); controller-manager 10257, scheduler 10259 and
//    kubelet-lite 10248 (their own defaults) for /healthz and /metrics;
//  - --port-base B: one contiguous block from B, so two clusters (or a test) never collide:
//    store-i client B+2(i-1), peer B+2(i-1)+1; then the apiservers; then controller-manager,
//    scheduler, kubelet-lite.

export interface StorePorts {
  client: number;
  peer: number;
}

export interface PortPlan {
  store: StorePorts[];
  apiservers: number[];
  controllerManager: number;
  scheduler: number;
  kubelet: number;
}

export function planPorts(options: { base: number | undefined; storeMembers: number; apiservers: number }): PortPlan {
  const { base, storeMembers, apiservers } = options;
  const range = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);
  if (base === undefined) {
    return {
      store: range(storeMembers, 0).map((i) => ({ client: 2379 + 2 * i, peer: 2380 + 2 * i })),
      apiservers: range(apiservers, 6443),
      controllerManager: 10257,
      scheduler: 10259,
      kubelet: 10248,
    };
  }
  const afterStore = base + 2 * storeMembers;
  const afterApi = afterStore + apiservers;
  return {
    store: range(storeMembers, 0).map((i) => ({ client: base + 2 * i, peer: base + 2 * i + 1 })),
    apiservers: range(apiservers, afterStore),
    controllerManager: afterApi,
    scheduler: afterApi + 1,
    kubelet: afterApi + 2,
  };
}

/** Every port of the plan, in start order (checked for being free before anything starts). */
export function allPorts(plan: PortPlan): number[] {
  return [...plan.store.flatMap((s) => [s.client, s.peer]), ...plan.apiservers, plan.controllerManager, plan.scheduler, plan.kubelet];
}
