// `cluster up`: checks (build, data dir, ports), then starts the cluster in dependency order,
// printing a line as each part comes up: store members healthy and a Raft leader, apiservers
// ready, controller-manager and scheduler leading, nodes Ready. Then either returns (--detach) or
// stays in the foreground (see foreground.ts).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { planComponents, url } from './components.js';
import { CliError } from './errors.js';
import type { UpOptions } from './flags.js';
import { runForeground } from './foreground.js';
import { kubeconfigText } from './kubeconfig.js';
import { checkBuild, DIST, logPath, logTail, stopComponents } from './lifecycle.js';
import { allPorts, planPorts } from './ports.js';
import { portFree } from './ports-free.js';
import { apiGet, identityFromLog, leaseHolder, memberStatus, nodesReady, probeHealth } from './probes.js';
import { isRunning, sleep, startProcess } from './processes.js';
import { readState, removeState, writeState, type ClusterState, type ComponentRecord } from './state.js';
import { UP_SCRIPT } from './status.js';

const STAGE_TIMEOUT_MS = 60_000;

export async function up(options: UpOptions): Promise<void> {
  const dataDir = resolve(options.dataDir);
  checkBuild();
  refuseRunningCluster(dataDir);
  const ports = planPorts({ base: options.portBase, storeMembers: options.storeMembers, apiservers: options.apiservers });
  for (const port of allPorts(ports)) {
    if (!(await portFree(port))) throw new CliError(`port ${port} is in use: pass --port-base or stop what uses it`);
  }

  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const kubeconfig = join(dataDir, 'kubeconfig');
  const state: ClusterState = {
    dataDir,
    dist: DIST,
    kubeconfig,
    upPid: options.detach ? 0 : process.pid,
    supervise: options.supervise,
    nodes: options.nodes,
    components: planComponents({ dataDir, nodes: options.nodes, ports }).map((spec) => ({ ...spec, pid: 0, log: logPath(dataDir, spec.name), startedAt: '' })),
  };
  writeState(state);

  // Ctrl-C while starting stops what has started so far.
  let aborted = false;
  const abort = () => {
    aborted = true;
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  const start = (c: ComponentRecord) => {
    c.pid = startProcess(c, DIST);
    c.startedAt = new Date().toISOString();
    writeState(state);
  };
  /** Polls `check` until true; fails if a component of `watch` exits or the stage times out. */
  const waitFor = async (what: string, watch: ComponentRecord[], check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + STAGE_TIMEOUT_MS;
    for (;;) {
      if (aborted) throw new Interrupted();
      for (const c of watch) {
        if (!isRunning(c.pid, c.script)) throw new StartupError(`${c.name} exited while starting; the end of ${c.log}:\n${logTail(c.log)}`);
      }
      if (await check()) return;
      if (Date.now() > deadline) throw new StartupError(`timed out after ${STAGE_TIMEOUT_MS / 1000}s waiting for ${what}; see the logs in ${join(dataDir, 'logs')}`);
      await sleep(200);
    }
  };

  try {
    const stores = state.components.filter((c) => c.kind === 'store');
    const apis = state.components.filter((c) => c.kind === 'apiserver');
    const byKind = (k: ComponentRecord['kind']) => state.components.find((c) => c.kind === k)!;
    const [cm, scheduler, kubelet] = [byKind('controller-manager'), byKind('scheduler'), byKind('kubelet-lite')];

    console.log(`starting a cluster in ${dataDir} (logs in ${join(dataDir, 'logs')})`);
    stores.forEach(start);
    const healthy = new Set<string>();
    await waitFor('the store members to be healthy', stores, async () => {
      for (const c of stores) {
        if (!healthy.has(c.name) && (await probeHealth(c.port, c.healthPath))) {
          healthy.add(c.name);
          console.log(`  store: ${c.name} healthy at ${url(c.port)} (${healthy.size}/${stores.length})`);
        }
      }
      return healthy.size === stores.length;
    });
    await waitFor('a Raft leader', stores, async () => {
      const all = await Promise.all(stores.map(async (c) => ({ c, s: await memberStatus(c.port) })));
      const leader = all.find((x) => x.s && x.s.leaderId !== '0' && x.s.leaderId === x.s.memberId);
      if (leader) console.log(`  store: Raft leader elected: ${leader.c.name} (term ${leader.s!.raftTerm})`);
      return leader !== undefined;
    });

    apis.forEach(start);
    for (const c of apis) {
      // Ready, and the system namespaces it creates right after start exist.
      await waitFor(`${c.name} to be ready`, [c], async () => (await probeHealth(c.port, c.healthPath)) && (await apiGet(c.port, '/api/v1/namespaces/default')) !== undefined);
      console.log(`  ${c.name}: ready at ${url(c.port)}`);
    }
    writeFileSync(kubeconfig, kubeconfigText(url(apis[0]!.port)));

    [cm, scheduler, kubelet].forEach(start);
    const api = apis[0]!.port;
    const noted = new Set<string>();
    const leading = async (c: ComponentRecord, lease: string) => {
      const holder = await leaseHolder(api, lease);
      const identity = identityFromLog(c.log);
      if (holder !== undefined && identity !== undefined && holder.holder !== identity && !noted.has(c.name)) {
        // A process that was killed earlier still holds the lease until it expires (15s).
        noted.add(c.name);
        console.log(`  ${c.name}: waiting for the lease of a previous holder (${holder.holder}) to expire`);
      }
      return holder !== undefined && !holder.expired && holder.holder === identity;
    };
    await waitFor('the controller-manager to lead', [cm], () => leading(cm, 'kube-controller-manager'));
    console.log('  controller-manager: leading (Lease kube-system/kube-controller-manager)');
    await waitFor('the scheduler to lead', [scheduler], () => leading(scheduler, 'kube-scheduler'));
    console.log('  scheduler: leading (Lease kube-system/kube-scheduler)');
    let shown = -1;
    await waitFor(`${options.nodes} nodes to be Ready`, [kubelet], async () => {
      const n = await nodesReady(api);
      const ready = n?.ready ?? 0;
      if (ready !== shown) {
        shown = ready;
        console.log(`  nodes Ready ${ready}/${options.nodes}`);
      }
      return ready >= options.nodes;
    });
  } catch (e) {
    if (e instanceof Interrupted || e instanceof StartupError) {
      console.error(e instanceof Interrupted ? 'interrupted: stopping what has started' : `cluster up failed: ${e.message}`);
      await stopComponents(state, 5_000);
      removeState(dataDir);
      process.exit(e instanceof Interrupted ? 130 : 1);
    }
    throw e;
  }
  process.off('SIGINT', abort);
  process.off('SIGTERM', abort);

  console.log(`
the cluster is up. To use it:
  export KUBECONFIG=${kubeconfig}
  kubectl get nodes
Then: cluster status | cluster kill <component> | cluster start <component> | cluster down${options.dataDir === '.cluster' ? '' : ` (with --data-dir ${options.dataDir})`}`);
  if (options.detach) {
    console.log('detached: the components keep running; stop them with `cluster down`.');
    return;
  }
  console.log(`Ctrl-C stops the cluster${options.supervise ? '; crashed components are restarted (--supervise)' : ''}.\n`);
  await runForeground(dataDir, options.supervise);
}

/** A live cluster in the data dir is refused; the record of one that crashed is cleaned up. */
function refuseRunningCluster(dataDir: string): void {
  const old = readState(dataDir);
  if (!old) return;
  const live = old.components.find((c) => isRunning(c.pid, c.script));
  const upAlive = isRunning(old.upPid, UP_SCRIPT);
  if (live || upAlive) {
    const pid = live?.pid ?? old.upPid;
    throw new CliError(`a cluster is already running in ${dataDir} (pid ${pid}): use it, or stop it with "cluster down --data-dir ${dataDir}"`);
  }
  console.log(`note: removed the stale record of a cluster that did not stop cleanly (${join(dataDir, 'cluster.json')})`);
  removeState(dataDir);
}

class Interrupted extends Error {}
class StartupError extends Error {}
