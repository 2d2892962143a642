// `cluster restore FILE`: put the whole cluster back to a snapshot taken with `cluster snapshot save`
// (or etcdctl snapshot save). Only the store holds state, so restoring the store is restoring the
// cluster; the stateless components list and watch again and converge on what it holds.
//
// Order matters for "a bad file touches nothing": the file is verified and every member's restore
// planned (pure, store/server/restore.ts) before anything is stopped. Then: stop the cluster as
// `down` does, move <data-dir>/store aside (kept, never deleted), write each member's data dir
// with the names and peer URLs cluster.json records, and start everything as `up --detach` does.
// A cluster that was not running is restored the same way but left stopped: `cluster up` starts it.

import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SnapshotFileError } from '../store/server/grpc/snapshot-file.js';
import { planRestore, readSnapshotImage, RestoreError, writeDataDir, type FileImage, type RestorePlan } from '../store/server/restore.js';
import { planComponents } from './components.js';
import { CliError } from './errors.js';
import type { UpOptions } from './flags.js';
import { stopCluster } from './lifecycle.js';
import { planPorts } from './ports.js';
import { isRunning } from './processes.js';
import { readState, removeState, type ClusterState } from './state.js';
import { UP_SCRIPT } from './status.js';
import { up } from './up.js';

interface MemberRestore {
  name: string;
  dataDir: string;
  plan: RestorePlan;
}

export async function restore(dataDirFlag: string, file: string): Promise<void> {
  const dataDir = resolve(dataDirFlag);
  const image = verifyFile(resolve(file));
  const state = readState(dataDir);
  if (!state) throw new CliError(`no cluster in ${dataDir} (no cluster.json): restore needs the cluster's record for its members' names and URLs; start it with "cluster up --detach" first`);
  const upOptions = sameUpOptions(state);
  // A new token gives the restored cluster new member and cluster ids (as etcd advises): a member
  // of the old cluster that was somehow missed cannot talk to the new one.
  const token = `kube-lite-restore-${Date.now()}`;
  const members = planMembers(state, image, token);
  const storeDir = join(dataDir, 'store');
  for (const m of members) {
    if (!m.dataDir.startsWith(storeDir + '/')) throw new CliError(`${m.name}'s data dir ${m.dataDir} is not under ${storeDir}: not restoring a cluster laid out by hand`);
  }

  const wasRunning = isRunning(state.upPid, UP_SCRIPT) || state.components.some((c) => isRunning(c.pid, c.script));
  if (wasRunning) {
    console.log(`stopping the cluster in ${dataDir}`);
    await stopCluster(state);
  }
  removeState(dataDir);

  const aside = join(dataDir, `store.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (existsSync(storeDir)) {
    renameSync(storeDir, aside);
    console.log(`moved the old store data to ${aside}`);
  }
  try {
    for (const m of members) await writeDataDir(m.dataDir, m.plan);
  } catch (e) {
    // Put the old data back: the cluster is then exactly as before (stopped).
    rmSync(storeDir, { recursive: true, force: true });
    if (existsSync(aside)) renameSync(aside, storeDir);
    throw new CliError(`restore failed, old store data put back in ${storeDir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const p = members[0]!.plan;
  console.log(`restored ${resolve(file)} into ${members.length} store member${members.length === 1 ? '' : 's'} (${members.map((m) => m.name).join(', ')}): revision ${p.revision}, ${p.keys} keys, ${p.leases} leases; new cluster id ${p.identity.clusterId}`);

  if (!wasRunning) {
    console.log(`the cluster was not running: start it with "cluster up${upFlags(upOptions)}"`);
    return;
  }
  console.log('starting the cluster again (detached)');
  await up(upOptions);
}

/** The snapshot's image, or a one-line refusal naming the file. */
function verifyFile(file: string): FileImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read snapshot file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}; nothing was changed`);
  }
  try {
    return readSnapshotImage(bytes);
  } catch (e) {
    if (e instanceof SnapshotFileError || e instanceof RestoreError) throw new CliError(`${file}: ${e.message}; nothing was changed`);
    throw e;
  }
}

/** `--flag=value` from a recorded command line (components.ts writes them in that form). */
function argValue(args: readonly string[], flag: string): string | undefined {
  const a = args.find((x) => x.startsWith(`${flag}=`));
  return a?.slice(flag.length + 1);
}

function planMembers(state: ClusterState, image: FileImage, token: string): MemberRestore[] {
  const stores = state.components.filter((c) => c.kind === 'store');
  if (stores.length === 0) throw new CliError('cluster.json records no store members');
  return stores.map((c) => {
    const name = argValue(c.args, '--name');
    const dataDir = argValue(c.args, '--data-dir');
    const peerUrls = argValue(c.args, '--initial-advertise-peer-urls');
    const initialCluster = argValue(c.args, '--initial-cluster');
    if (!name || !dataDir || !peerUrls || !initialCluster) throw new CliError(`cluster.json's command line for ${c.name} lacks --name, --data-dir, --initial-advertise-peer-urls or --initial-cluster`);
    try {
      const plan = planRestore(image, { name, initialCluster, advertisePeerUrls: peerUrls.split(','), initialClusterToken: token });
      return { name, dataDir: resolve(dataDir), plan };
    } catch (e) {
      if (e instanceof RestoreError) throw new CliError(`${c.name}: ${e.message}`);
      throw e;
    }
  });
}

/**
 * The `up` options that plan exactly the recorded components (same ports, same command lines), so
 * the restored cluster comes back as it was. Refused before anything is touched if none does.
 */
function sameUpOptions(state: ClusterState): UpOptions {
  const count = (k: string) => state.components.filter((c) => c.kind === k).length;
  const storeMembers = count('store');
  const apiservers = count('apiserver');
  const firstStore = state.components.find((c) => c.kind === 'store');
  const recorded = JSON.stringify(state.components.map((c) => [c.name, c.args]));
  for (const portBase of [undefined, firstStore?.port]) {
    const ports = planPorts({ base: portBase, storeMembers, apiservers });
    const planned = JSON.stringify(planComponents({ dataDir: state.dataDir, nodes: state.nodes, ports }).map((c) => [c.name, c.args]));
    if (planned === recorded) return { dataDir: state.dataDir, storeMembers, apiservers, nodes: state.nodes, portBase, supervise: false, detach: true };
  }
  throw new CliError('the command lines in cluster.json are not what "cluster up" plans (edited by hand?): not restoring');
}

function upFlags(o: UpOptions): string {
  return `${o.dataDir === resolve('.cluster') ? '' : ` --data-dir ${o.dataDir}`} --store-members ${o.storeMembers} --apiservers ${o.apiservers} --nodes ${o.nodes}${o.portBase === undefined ? '' : ` --port-base ${o.portBase}`}`;
}
