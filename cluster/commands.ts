// The small subcommands: status, kill, start, down (restore is in restore.ts). Each reads <data-dir>/cluster.json.

import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './errors.js';
import { formatTable } from './format.js';
import { findComponent, logTail, stopCluster } from './lifecycle.js';
import { memberStatus, probeHealth } from './probes.js';
import { isRunning, signal, sleep, startProcess } from './processes.js';
import { readState, removeState, updateComponent, type ClusterState, type ComponentRecord } from './state.js';
import { gatherStatus, UP_SCRIPT } from './status.js';

export function loadState(dataDir: string): ClusterState {
  const state = readState(resolve(dataDir));
  if (!state) throw new CliError(`no cluster in ${resolve(dataDir)} (no cluster.json): start one with "cluster up"`);
  return state;
}

export async function status(dataDir: string, output: 'text' | 'json'): Promise<void> {
  const s = await gatherStatus(loadState(dataDir));
  process.stdout.write(output === 'json' ? JSON.stringify(s, null, 2) + '\n' : formatTable(s));
}

/** store-leader names whichever member currently leads (asked of the members themselves). */
async function resolveName(state: ClusterState, name: string): Promise<ComponentRecord> {
  if (name !== 'store-leader') return findComponent(state, name);
  for (const c of state.components.filter((x) => x.kind === 'store' && isRunning(x.pid, x.script))) {
    const s = await memberStatus(c.port);
    if (s && s.leaderId !== '0' && s.leaderId === s.memberId) return c;
  }
  throw new CliError('no store member reports itself as leader right now');
}

export async function kill(dataDir: string, name: string): Promise<void> {
  const state = loadState(dataDir);
  const c = await resolveName(state, name);
  if (!isRunning(c.pid, c.script)) throw new CliError(`${c.name} is not running`);
  signal(c.pid, 'SIGKILL');
  const deadline = Date.now() + 5_000;
  while (isRunning(c.pid, c.script) && Date.now() < deadline) await sleep(50);
  console.log(`killed ${c.name} (pid ${c.pid}, SIGKILL)${state.supervise && isRunning(state.upPid, UP_SCRIPT) ? '; the supervisor will restart it' : ''}`);
}

export async function start(dataDir: string, name: string): Promise<void> {
  const state = loadState(dataDir);
  const c = await resolveName(state, name);
  if (isRunning(c.pid, c.script)) throw new CliError(`${c.name} is already running (pid ${c.pid})`);
  const pid = startProcess(c, state.dist);
  updateComponent(state.dataDir, c.name, { pid, startedAt: new Date().toISOString() });
  // Wait for its health endpoint, so a script can go on using it.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!isRunning(pid, c.script)) throw new CliError(`${c.name} exited right after starting; the end of ${c.log}:\n${logTail(c.log)}`);
    if (await probeHealth(c.port, c.healthPath)) break;
    if (Date.now() > deadline) throw new CliError(`${c.name} (pid ${pid}) started but is not healthy after 30s; see ${c.log}`);
    await sleep(200);
  }
  console.log(`started ${c.name} (pid ${pid}), healthy at http://127.0.0.1:${c.port}${c.healthPath}; log appended to ${c.log}`);
}

export async function down(dataDir: string, purge: boolean): Promise<void> {
  const dir = resolve(dataDir);
  const state = readState(dir);
  if (state) {
    await stopCluster(state);
    removeState(dir);
    console.log(`stopped ${state.components.length} components`);
  } else if (!purge) {
    throw new CliError(`no cluster in ${dir} (no cluster.json): nothing to stop`);
  }
  if (purge) {
    // Only a directory that looks like ours: --purge on a mistyped path must not wipe it.
    if (!existsSync(dir)) return;
    if (!existsSync(join(dir, 'logs')) && !existsSync(join(dir, 'store'))) throw new CliError(`${dir} does not look like a cluster data dir (no logs/ or store/): not removing it`);
    rmSync(dir, { recursive: true, force: true });
    console.log(`removed ${dir}`);
  } else if (state) {
    console.log(`data and logs kept in ${dir} (cluster down --purge removes them)`);
  }
}
