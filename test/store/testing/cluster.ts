// Start a real 1- or 3-member cluster as separate OS processes, of either program: the real etcd
// or our store-server, with the very same flags (a script that starts etcd starts store-server by
// swapping the program name). Members can be killed (any signal), restarted on the same data dir
// and ports, and the whole cluster stopped. Used by differential and fault tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { etcdBinary, freePort } from '../../../store/client/testing/etcd-process.js';

export type Program = 'etcd' | 'store-server';

/** The built store-server (npm test builds before running tests). */
export const STORE_SERVER = resolve(import.meta.dirname, '../../../dist/store/server/main.js');

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export interface ClusterOptions {
  program: Program;
  members: number;
  /** Extra flags for every member. */
  extraArgs?: string[];
  heartbeatMs?: number;
  electionMs?: number;
  /**
   * The peer URL a member advertises (in its --initial-advertise-peer-urls and everyone's
   * --initial-cluster) instead of the one it listens on: a fault-injecting proxy in front of it.
   */
  advertisePeerUrl?: (member: ClusterMember) => Promise<string>;
  /** Output lines to count across restarts (ClusterMember.countLines), e.g. a log message. */
  countLines?: string[];
}

/** How a member joins: the founders start with the cluster's --initial-cluster and state new. */
export interface JoinOptions {
  initialCluster: string;
  state: 'new' | 'existing';
}

export class ClusterMember {
  proc: ChildProcess | undefined;
  output = '';
  /** Lines of output counted across every process of this member (see countLines). */
  private readonly lineCounts = new Map<string, number>();
  private partialLine = '';

  /** How many output lines, over every start of this member, contained `text` (one of the cluster's `countLines`). */
  countLines(text: string): number {
    return this.lineCounts.get(text) ?? 0;
  }

  /** Set for a member added later (etcdctl member add prints what it must start with). */
  join: JoinOptions | undefined;

  constructor(
    readonly cluster: TestCluster,
    readonly name: string,
    readonly clientPort: number,
    readonly peerPort: number,
    readonly dataDir: string,
  ) {}

  /** What the other members dial: the listen URL, unless a proxy stands in front of it. */
  advertisedPeerUrl = '';

  /** The OS process id while it runs. */
  get pid(): number | undefined {
    return this.running ? this.proc?.pid : undefined;
  }

  get clientUrl(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  get peerUrl(): string {
    return `http://127.0.0.1:${this.peerPort}`;
  }

  /** host:port, for etcdctl --endpoints (see ARCHITECTURE: scheme-less endpoints). */
  get endpoint(): string {
    return `127.0.0.1:${this.clientPort}`;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  start(): void {
    const o = this.cluster.options;
    const args = [
      `--name=${this.name}`,
      `--data-dir=${this.dataDir}`,
      `--listen-client-urls=${this.clientUrl}`,
      `--advertise-client-urls=${this.clientUrl}`,
      `--listen-peer-urls=${this.peerUrl}`,
      `--initial-advertise-peer-urls=${this.advertisedPeerUrl || this.peerUrl}`,
      `--initial-cluster=${this.join?.initialCluster ?? this.cluster.initialCluster}`,
      `--initial-cluster-state=${this.join?.state ?? 'new'}`,
      '--initial-cluster-token=test-cluster',
      `--heartbeat-interval=${o.heartbeatMs ?? 50}`,
      `--election-timeout=${o.electionMs ?? 500}`,
      ...(o.extraArgs ?? []),
    ];
    const [cmd, argv] = o.program === 'etcd' ? [etcdBinary(), args] : [process.execPath, [STORE_SERVER, ...args]];
    const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.output = '';
    this.partialLine = '';
    for (const text of o.countLines ?? []) if (!this.lineCounts.has(text)) this.lineCounts.set(text, 0);
    const keep = (b: Buffer) => {
      const s = b.toString();
      this.output = (this.output + s).slice(-200_000);
      if (this.lineCounts.size > 0) {
        const lines = (this.partialLine + s).split('\n');
        this.partialLine = lines.pop()!.slice(-10_000);
        for (const line of lines) for (const [text, n] of this.lineCounts) if (line.includes(text)) this.lineCounts.set(text, n + 1);
      }
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    live.add(proc);
    this.expectExit = false;
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      // A member that dies on its own is the first thing to know when a test then times out.
      if (!this.expectExit) {
        process.stderr.write(`[cluster] ${o.program} ${this.name} exited unexpectedly (code ${code}, signal ${signal}); last output:\n${this.output.slice(-4000)}\n`);
      }
    });
    this.proc = proc;
  }

  /** Set before we stop a member on purpose. */
  private expectExit = false;

  /** Send a signal; for SIGKILL and SIGTERM wait until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (!p || !this.running) return;
    const ends = signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT';
    // Only for a signal that ends it: a SIGSTOP/SIGCONT waiter would stay registered until the exit.
    const gone = ends ? new Promise<void>((r) => p.once('exit', () => r())) : undefined;
    if (ends) this.expectExit = true;
    p.kill(signal);
    await gone;
  }

  exitCode(): number | null {
    return this.proc?.exitCode ?? null;
  }

  /** A member expected to stop by itself (e.g. removed from the cluster): its exit code. */
  async waitExit(timeoutMs = 20_000): Promise<number | null> {
    const p = this.proc;
    if (!p) throw new Error(`${this.name} was never started`);
    this.expectExit = true;
    if (!this.running) return p.exitCode;
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} still running after ${timeoutMs} ms:\n${this.output.slice(-3000)}`)), timeoutMs);
      p.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc && !this.running) throw new Error(`${this.name} exited (${this.proc.exitCode ?? this.proc.signalCode}):\n${this.output.slice(-3000)}`);
      try {
        const res = await fetch(`${this.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (res.ok && body.health === 'true') return;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`${this.name} not healthy after ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export class TestCluster {
  readonly members: ClusterMember[] = [];
  readonly root: string;
  initialCluster = '';

  private constructor(readonly options: ClusterOptions) {
    this.root = mkdtempSync(join(tmpdir(), `${options.program}-cluster-`));
  }

  static async start(options: ClusterOptions): Promise<TestCluster> {
    const c = new TestCluster(options);
    for (let i = 0; i < options.members; i++) {
      c.members.push(new ClusterMember(c, `m${i + 1}`, await freePort(), await freePort(), join(c.root, `m${i + 1}`)));
    }
    for (const m of c.members) m.advertisedPeerUrl = options.advertisePeerUrl ? await options.advertisePeerUrl(m) : m.peerUrl;
    c.initialCluster = c.members.map((m) => `${m.name}=${m.advertisedPeerUrl}`).join(',');
    for (const m of c.members) m.start();
    try {
      await Promise.all(c.members.map((m) => m.waitHealthy()));
    } catch (err) {
      // A member that cannot start fails the test; its siblings must not outlive it.
      await c.stop();
      throw err;
    }
    return c;
  }

  /**
   * A member on new ports and a new data dir, not started: add it (etcdctl member add), set its
   * `join` from what that printed, then start it. stop() stops it with the others.
   */
  async newMember(name: string): Promise<ClusterMember> {
    const m = new ClusterMember(this, name, await freePort(), await freePort(), join(this.root, name));
    this.members.push(m);
    return m;
  }

  /** Comma-separated host:port client endpoints. */
  get endpoints(): string {
    return this.members.map((m) => m.endpoint).join(',');
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.kill('SIGKILL')));
    rmSync(this.root, { recursive: true, force: true });
  }
}
