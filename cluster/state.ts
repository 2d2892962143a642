// <data-dir>/cluster.json: what is running and how it was started, so that `status`, `kill`,
// `start` and `down` (separate invocations) find the processes. Written whole through a rename,
// so a reader never sees half a file even while the supervisor and `cluster start` both write.

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentSpec } from './components.js';

export interface ComponentRecord extends ComponentSpec {
  /** 0 while not started. */
  pid: number;
  log: string;
  startedAt: string;
}

export interface ClusterState {
  dataDir: string;
  /** The built dist/ directory the scripts are relative to. */
  dist: string;
  kubeconfig: string;
  /** The foreground `cluster up` (it supervises and stops everything on Ctrl-C); 0 with --detach. */
  upPid: number;
  supervise: boolean;
  nodes: number;
  components: ComponentRecord[];
}

export function statePath(dataDir: string): string {
  return join(dataDir, 'cluster.json');
}

export function readState(dataDir: string): ClusterState | undefined {
  const file = statePath(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}

export function writeState(state: ClusterState): void {
  const file = statePath(state.dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Re-reads the file and changes one component, so concurrent writers lose nothing of each other's. */
export function updateComponent(dataDir: string, name: string, change: Partial<ComponentRecord>): void {
  const state = readState(dataDir);
  const c = state?.components.find((x) => x.name === name);
  if (!state || !c) return;
  Object.assign(c, change);
  writeState(state);
}

export function removeState(dataDir: string): void {
  rmSync(statePath(dataDir), { force: true });
}
