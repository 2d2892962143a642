// Starting, probing and stopping the component processes. Each runs in its own process group
// (detached), so Ctrl-C in the terminal reaches only `cluster up`, which then stops them in order;
// and with --detach they simply outlive it.

import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ComponentRecord } from './state.js';

/** Starts the component, appending its output to its log, and returns the pid. */
export function startProcess(c: ComponentRecord, dist: string): number {
  mkdirSync(dirname(c.log), { recursive: true });
  const fd = openSync(c.log, 'a');
  try {
    writeSync(fd, `--- ${new Date().toISOString()} cluster: starting ${c.name}: node ${c.script} ${c.args.join(' ')}\n`);
    const child = spawn(process.execPath, [join(dist, c.script), ...c.args], { stdio: ['ignore', fd, fd], detached: true });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${c.name}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * Is this pid still our component? A pid can be reused after a crash, so on Linux the command line
 * must name the component's script; a zombie (exited, not yet reaped by an init that never reaps)
 * counts as gone.
 */
export function isRunning(pid: number, script?: string): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    if (script !== undefined && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script)) return false;
  } catch {
    /* no /proc (macOS): trust kill(0) */
  }
  return true;
}

/** Sends a signal to the component's process group (its own, since it was started detached). */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM every process, wait up to `graceMs`, then SIGKILL whatever is left. */
export async function stopAll(processes: readonly { pid: number; script?: string }[], graceMs = 10_000): Promise<void> {
  const alive = () => processes.filter((p) => isRunning(p.pid, p.script));
  for (const p of alive()) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive().length > 0 && Date.now() < deadline) await sleep(100);
  for (const p of alive()) signal(p.pid, 'SIGKILL');
  const hard = Date.now() + 5_000;
  while (alive().length > 0 && Date.now() < hard) await sleep(50);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
