// Runs a real single-member etcd for tests: free ports, a temporary data dir, readiness by
// polling /health, stop and restart on the same data dir and ports. The tests that use it
// are the proof that our .proto files and client speak etcd's actual wire format.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The etcd binary: $ETCD_BIN, else the first `etcd` on PATH. Fails loudly: these tests must not skip. */
export function etcdBinary(): string {
  const fromEnv = process.env['ETCD_BIN'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`ETCD_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'etcd');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    'etcd binary not found on PATH (nor ETCD_BIN). These tests run against a real etcd: ' +
      'install it (Debian: apt-get install etcd-server etcd-client) and run again.',
  );
}

/**
 * A port that is free now, for a server a test is about to start. It is picked below Linux's
 * ephemeral range (32768-60999), where the OS never hands out ports for outgoing connections:
 * a port from `listen(0)` comes from that range, and in the moment between closing the probe and
 * the server's own listen, any new outgoing socket (a client, a peer connection) could take it.
 * Ports handed out by this process are not handed out twice.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 15_000 + Math.floor(Math.random() * 17_000);
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found below the ephemeral range');
}

const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

// If a test process dies without running afterAll, take its etcd members with it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export interface EtcdProcessOptions {
  /** Extra command-line flags, e.g. ['--experimental-watch-progress-notify-interval=500ms']. */
  extraArgs?: string[];
}

export class EtcdProcess {
  private proc: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly dataDir: string,
    readonly clientPort: number,
    readonly peerPort: number,
    private readonly options: EtcdProcessOptions,
  ) {}

  static async start(options: EtcdProcessOptions = {}): Promise<EtcdProcess> {
    etcdBinary();
    const dataDir = await mkdtemp(join(tmpdir(), 'kube-lite-etcd-'));
    const e = new EtcdProcess(dataDir, await freePort(), await freePort(), options);
    await e.launch();
    return e;
  }

  get clientUrl(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  get peerUrl(): string {
    return `http://127.0.0.1:${this.peerPort}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts etcd on this data dir and these ports, and waits until it answers /health. */
  async launch(timeoutMs = 15_000): Promise<void> {
    if (this.proc) throw new Error('etcd already running');
    const args = [
      '--name=t',
      `--data-dir=${this.dataDir}`,
      `--listen-client-urls=${this.clientUrl}`,
      `--advertise-client-urls=${this.clientUrl}`,
      `--listen-peer-urls=${this.peerUrl}`,
      `--initial-advertise-peer-urls=${this.peerUrl}`,
      `--initial-cluster=t=${this.peerUrl}`,
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=warn',
      ...(this.options.extraArgs ?? []),
    ];
    const proc = spawn(etcdBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    live.add(proc);
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-8192);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    let exited: string | undefined;
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      exited = `etcd exited (code ${code}, signal ${signal})`;
      if (this.proc === proc) this.proc = undefined;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${exited} before becoming ready:\n${this.output}`);
      try {
        const res = await fetch(`${this.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (body.health === 'true') return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.stop();
    throw new Error(`etcd not ready after ${timeoutMs} ms:\n${this.output}`);
  }

  /** Stops etcd (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. Keeps the data dir. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
      this.proc = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.proc = undefined;
  }

  /** Stops etcd and removes its data dir. */
  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** The last few KiB etcd printed, for failure messages. */
  get log(): string {
    return this.output;
  }
}
