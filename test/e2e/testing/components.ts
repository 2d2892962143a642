// The stateless components as real processes (controller-manager, scheduler, kubelet-lite) next to a
// ControlPlane (store + apiserver), for end-to-end tests that kill and restart them.

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const DIST = resolve(import.meta.dirname, '../../../dist');
export const BINS = {
  'controller-manager': `${DIST}/controllers/main.js`,
  scheduler: `${DIST}/scheduler/main.js`,
  'kubelet-lite': `${DIST}/kubelet-lite/main.js`,
} as const;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class ComponentProcess {
  proc: ChildProcess | undefined;
  output = '';

  constructor(
    readonly bin: keyof typeof BINS,
    readonly args: string[],
  ) {}

  start(): void {
    const proc = spawn(process.execPath, [BINS[this.bin], ...this.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.proc = proc;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (!p || !this.running) return;
    const gone = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill(signal);
    await gone;
  }

  /** Sends a signal without waiting (kubelet-lite's SIGUSR1/SIGUSR2 fail and recover nodes). */
  signal(signal: NodeJS.Signals): void {
    this.proc?.kill(signal);
  }
}
