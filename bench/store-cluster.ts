// 1- or 3-member store clusters of either program (etcd 3.4 or our store-server) for the store
// benchmarks, started with the very same etcd flags on fresh ports. Members can be killed with
// SIGKILL and restarted on their data dir and ports; every process is a processes.ts Child, so
// nothing outlives the benchmark.

import { existsSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { Child, freePort, makeTempDir, removeTempDir, sleep } from './processes.js';

// dist/bench/*.js -> the repository root.
const ROOT = resolve(import.meta.dirname, '../..');
export const STORE_SERVER = join(ROOT, 'dist/store/server/main.js');
export const ETCD = process.env['ETCD_BIN'] ?? '/usr/bin/etcd';
export const ETCDCTL = process.env['ETCDCTL_BIN'] ?? '/usr/bin/etcdctl';

export type Program = 'etcd' | 'store-server';

export function programsAvailable(): Program[] {
  return existsSync(ETCD) ? ['etcd', 'store-server'] : ['store-server'];
}

export interface StoreClusterOptions {
  members: number;
  heartbeatMs?: number;
  electionMs?: number;
  /** Extra node flags for store-server (e.g. --cpu-prof), before the script. */
  nodeArgs?: (memberIndex: number) => string[];
  extraArgs?: string[];
}

export class StoreMember {
  child: Child | undefined;
  constructor(
    readonly cluster: StoreCluster,
    readonly index: number,
    readonly clientPort: number,
    readonly peerPort: number,
    readonly dataDir: string,
  ) {}

  get name(): string {
    return `m${this.index}`;
  }
  get clientUrl(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }
  get endpoint(): string {
    return `127.0.0.1:${this.clientPort}`;
  }
  get alive(): boolean {
    return this.child?.alive ?? false;
  }

  start(): void {
    const c = this.cluster;
    const o = c.options;
    const args = [
      `--name=${this.name}`,
      `--data-dir=${this.dataDir}`,
      `--listen-client-urls=${this.clientUrl}`,
      `--advertise-client-urls=${this.clientUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${this.peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${this.peerPort}`,
      `--initial-cluster=${c.initialCluster}`,
      '--initial-cluster-state=new',
      '--initial-cluster-token=bench',
      `--heartbeat-interval=${o.heartbeatMs ?? 100}`,
      `--election-timeout=${o.electionMs ?? 1000}`,
      ...(o.extraArgs ?? []),
    ];
    this.child =
      c.program === 'etcd'
        ? new Child(`etcd ${this.name}`, ETCD, args)
        : new Child(`store-server ${this.name}`, process.execPath, [...(o.nodeArgs?.(this.index) ?? []), STORE_SERVER, ...args]);
  }

  async kill9(): Promise<void> {
    await this.child?.stop();
  }

  /** SIGTERM and wait (store-server writes its --cpu-prof profile on a clean exit). */
  async terminate(timeoutMs = 10_000): Promise<void> {
    await this.child?.terminate(timeoutMs);
  }

  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child && !this.child.alive) throw new Error(`${this.child.name} exited:\n${this.child.tail()}`);
      try {
        const r = await fetch(`${this.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
        if (r.ok && ((await r.json()) as { health?: string }).health === 'true') return;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`${this.name} not healthy after ${timeoutMs} ms:\n${this.child?.tail()}`);
      await sleep(100);
    }
  }

  /** Is this member the leader, by its own maintenance status (over the JSON gateway)? */
  async isLeader(): Promise<boolean> {
    try {
      const r = await fetch(`${this.clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(1000) });
      const j = (await r.json()) as { header?: { member_id?: string }; leader?: string };
      return j.header?.member_id !== undefined && j.header.member_id === j.leader;
    } catch {
      return false;
    }
  }
}

export class StoreCluster {
  readonly members: StoreMember[] = [];
  readonly root: string;
  initialCluster = '';

  private constructor(
    readonly program: Program,
    readonly options: StoreClusterOptions,
  ) {
    this.root = makeTempDir(`bench-${program}-`);
  }

  static async start(program: Program, options: StoreClusterOptions): Promise<StoreCluster> {
    const c = new StoreCluster(program, options);
    for (let i = 0; i < options.members; i++) c.members.push(new StoreMember(c, i, await freePort(), await freePort(), join(c.root, `m${i}`)));
    c.initialCluster = c.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
    for (const m of c.members) m.start();
    await Promise.all(c.members.map((m) => m.waitHealthy()));
    return c;
  }

  get endpoints(): string {
    return this.members.map((m) => m.endpoint).join(',');
  }

  async leader(timeoutMs = 10_000): Promise<StoreMember> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const m of this.members) if (m.alive && (await m.isLeader())) return m;
      if (Date.now() > deadline) throw new Error(`${this.program}: no leader after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.kill9()));
    removeTempDir(this.root);
  }
}

/** A keep-alive agent per endpoint for the gateway puts. */
export function agent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/** One put over the JSON gateway (works for both programs); resolves true on a 200 with a header. */
export function gatewayPut(ag: http.Agent, port: number, key: Buffer, value: Buffer, timeoutMs: number): Promise<boolean> {
  const body = JSON.stringify({ key: key.toString('base64'), value: value.toString('base64') });
  return new Promise((res) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v3/kv/put', agent: ag, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => res(r.statusCode === 200 && text.includes('"header"') && !text.includes('"error"')));
        r.on('error', () => res(false));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', () => res(false));
    req.end(body);
  });
}
