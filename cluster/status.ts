// Gathers the state of a running cluster: per component its process, health and role. Roles come
// from the components themselves: a store member's Raft view through Maintenance.Status, and the
// controller-manager's and scheduler's Lease holder through the apiserver, matched to the process
// by the identity it logged.

import { url } from './components.js';
import { identityFromLog, leaseHolder, memberStatus, nodesReady, probeHealth, type MemberStatus, type NodeCount } from './probes.js';
import { isRunning } from './processes.js';
import type { ClusterState, ComponentRecord } from './state.js';

/** How the foreground `cluster up` process is recognised in /proc (see isRunning). */
export const UP_SCRIPT = 'cluster/main.js';

export interface ComponentStatus {
  name: string;
  kind: ComponentRecord['kind'];
  pid: number;
  running: boolean;
  address: string;
  healthy: boolean;
  /** store: leader | follower | learner; controller-manager, scheduler: leader | standby. */
  role?: string;
  /** store members */
  term?: number;
  appliedIndex?: number;
  revision?: number;
  /** controller-manager, scheduler: the Lease holder when it is not this process. */
  holder?: string;
}

export interface ClusterStatus {
  dataDir: string;
  kubeconfig: string;
  server: string;
  upPid: number;
  supervise: boolean;
  storeLeader?: string;
  nodes?: NodeCount;
  components: ComponentStatus[];
}

const LEASES: Partial<Record<ComponentRecord['kind'], string>> = {
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
};

export async function gatherStatus(state: ClusterState): Promise<ClusterStatus> {
  const base = await Promise.all(
    state.components.map(async (c): Promise<ComponentStatus> => {
      const running = isRunning(c.pid, c.script);
      return { name: c.name, kind: c.kind, pid: c.pid, running, address: url(c.port), healthy: running && (await probeHealth(c.port, c.healthPath)) };
    }),
  );
  // The store: each member's own Status; the leader's member id names one of them.
  const stores = state.components.filter((c) => c.kind === 'store');
  const statuses = new Map<string, MemberStatus>();
  await Promise.all(
    stores.map(async (c) => {
      const s = base.find((b) => b.name === c.name)!;
      if (!s.running) return;
      const ms = await memberStatus(c.port);
      if (ms) statuses.set(c.name, ms);
    }),
  );
  const idToName = new Map([...statuses].map(([name, s]) => [s.memberId, name]));
  let storeLeader: string | undefined;
  for (const [name, ms] of statuses) {
    const s = base.find((b) => b.name === name)!;
    s.role = ms.isLearner ? 'learner' : ms.leaderId === ms.memberId ? 'leader' : 'follower';
    s.term = ms.raftTerm;
    s.appliedIndex = ms.appliedIndex;
    s.revision = ms.revision;
    if (s.role === 'leader') storeLeader = name;
    else if (!storeLeader && ms.leaderId !== '0') storeLeader = idToName.get(ms.leaderId);
  }
  // The apiserver side: the first healthy apiserver answers for the leases and nodes.
  const api = state.components.find((c) => c.kind === 'apiserver' && base.find((b) => b.name === c.name)!.healthy);
  let nodes: NodeCount | undefined;
  if (api) {
    nodes = await nodesReady(api.port);
    await Promise.all(
      state.components.map(async (c) => {
        const leaseName = LEASES[c.kind];
        const s = base.find((b) => b.name === c.name)!;
        if (!leaseName || !s.running) return;
        const lease = await leaseHolder(api.port, leaseName);
        const identity = identityFromLog(c.log);
        if (!lease) s.role = 'standby';
        else if (identity !== undefined && lease.holder === identity && !lease.expired) s.role = 'leader';
        else {
          s.role = 'standby';
          s.holder = lease.expired ? `${lease.holder} (expired)` : lease.holder;
        }
      }),
    );
  }
  const server = state.components.find((c) => c.kind === 'apiserver');
  return {
    dataDir: state.dataDir,
    kubeconfig: state.kubeconfig,
    server: server ? url(server.port) : '',
    upPid: isRunning(state.upPid, UP_SCRIPT) ? state.upPid : 0,
    supervise: state.supervise,
    ...(storeLeader ? { storeLeader } : {}),
    ...(nodes ? { nodes } : {}),
    components: base,
  };
}
