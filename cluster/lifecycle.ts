// Shared by `up`, `down`, `kill` and `start`: where things live in the data dir, the build check,
// and stopping a cluster in order (what depends on the apiserver first, the store last, so the
// controller-manager and scheduler can still hand back their leases as they go).

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCRIPTS, type ComponentKind } from './components.js';
import { CliError } from './errors.js';
import { isRunning, stopAll } from './processes.js';
import type { ClusterState, ComponentRecord } from './state.js';
import { UP_SCRIPT } from './status.js';

/** dist/, where this file's compiled form lives one level down. */
export const DIST = resolve(import.meta.dirname, '..');

export function checkBuild(dist: string = DIST): void {
  for (const script of Object.values(SCRIPTS)) {
    if (!existsSync(join(dist, script))) throw new CliError(`the build is missing (dist/${script} not found): run npm run build first`);
  }
}

export function logPath(dataDir: string, name: string): string {
  return join(dataDir, 'logs', `${name}.log`);
}

/** The last lines of a component's log, to show why it failed. */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const STOP_ORDER: ComponentKind[][] = [['controller-manager', 'scheduler', 'kubelet-lite'], ['apiserver'], ['store']];

export async function stopComponents(state: ClusterState, graceMs = 10_000): Promise<void> {
  for (const kinds of STOP_ORDER) {
    const group: ComponentRecord[] = state.components.filter((c) => kinds.includes(c.kind) && c.pid > 0);
    await stopAll(group, graceMs);
  }
}

/** What `down` and `restore` do to stop a cluster: the foreground `up` first, then every component in order. */
export async function stopCluster(state: ClusterState): Promise<void> {
  // A foreground `cluster up` stops everything itself on SIGTERM (and must not restart what we stop).
  if (isRunning(state.upPid, UP_SCRIPT)) await stopAll([{ pid: state.upPid, script: UP_SCRIPT }], 20_000);
  await stopComponents(state);
  const left = state.components.filter((c) => isRunning(c.pid, c.script));
  if (left.length > 0) throw new CliError(`could not stop ${left.map((c) => `${c.name} (pid ${c.pid})`).join(', ')}`);
}

/** Finds a component by name; store-leader is resolved by the caller. */
export function findComponent(state: ClusterState, name: string): ComponentRecord {
  const c = state.components.find((x) => x.name === name);
  if (!c) throw new CliError(`no component "${name}" in this cluster (have: ${state.components.map((x) => x.name).join(', ')}, store-leader)`);
  return c;
}
