// The launcher end to end, as a user drives it: `cluster up --detach` on a free port block, status
// as JSON, the real kubectl through the kubeconfig it wrote, kill and start of a component, a
// store snapshot, and `cluster down` leaving no process behind. Then the foreground mode: refusals
// (busy port, running cluster, stale record) and Ctrl-C stopping everything with exit 0.

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLUSTER = resolve(import.meta.dirname, '../../dist/cluster/main.js');
const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeout = 120_000): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const cluster = (args: string[]) => run(process.execPath, [CLUSTER, ...args]);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

interface StatusJson {
  storeLeader?: string;
  nodes?: { ready: number; total: number };
  components: { name: string; pid: number; running: boolean; healthy: boolean; role?: string }[];
}

async function statusJson(dir: string): Promise<StatusJson> {
  const r = await cluster(['status', '--data-dir', dir, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `cluster up` on a random port block; another block if one of its ports is taken. */
async function upDetached(dir: string, extra: string[]): Promise<{ base: number; out: Run }> {
  for (let attempt = 0; ; attempt++) {
    const base = 11_000 + Math.floor(Math.random() * 20_000);
    const out = await cluster(['up', '--detach', '--data-dir', dir, '--port-base', String(base), ...extra]);
    if (out.code !== 0 && /is in use/.test(out.stderr) && attempt < 5) continue;
    return { base, out };
  }
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cluster-test-'));
  dirs.push(d);
  return d;
}

afterAll(async () => {
  // Whatever a failed test left running.
  for (const d of dirs) {
    if (existsSync(join(d, 'cluster.json'))) await cluster(['down', '--data-dir', d]);
    rmSync(d, { recursive: true, force: true });
  }
});

describe('cluster (3 store members, detached)', () => {
  it('comes up, serves kubectl, survives kill/start, snapshots and goes down without leftovers', async () => {
    const dir = tempDir();
    const { out } = await upDetached(dir, ['--store-members', '3']);
    expect(out.code, out.stderr + out.stdout).toBe(0);
    expect(out.stdout).toMatch(/Raft leader elected: store-\d/);
    expect(out.stdout).toContain('nodes Ready 3/3');
    expect(out.stdout).toContain(`export KUBECONFIG=${join(dir, 'kubeconfig')}`);

    const s = await statusJson(dir);
    expect(s.components.map((c) => c.name)).toEqual(['store-1', 'store-2', 'store-3', 'apiserver-1', 'controller-manager', 'scheduler', 'kubelet-lite']);
    expect(s.components.every((c) => c.running && c.healthy)).toBe(true);
    expect(s.components.filter((c) => c.role === 'leader').map((c) => c.name).sort()).toEqual(['controller-manager', 'scheduler', s.storeLeader].sort());
    expect(s.nodes).toEqual({ ready: 3, total: 3 });
    const pids = s.components.map((c) => c.pid);

    // A second `up` on the same data dir is refused while this one runs.
    const again = await cluster(['up', '--detach', '--data-dir', dir, '--port-base', '20000']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^cluster: a cluster is already running in .* \(pid \d+\)/);

    const kubeconfig = join(dir, 'kubeconfig');
    const kubectl = (args: string[]) => run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kube-cache'), ...args]);
    const created = await kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    expect(created.code, created.stderr).toBe(0);
    await eventually('3 Running pods', async () => {
      const r = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.phase}']);
      return r.stdout.split(' ').filter((p) => p === 'Running').length === 3 ? true : undefined;
    });

    // kill is SIGKILL and nothing restarts it (no --supervise); start brings it back with its flags.
    const killed = await cluster(['kill', 'controller-manager', '--data-dir', dir]);
    expect(killed.code, killed.stderr).toBe(0);
    const cmPid = s.components.find((c) => c.name === 'controller-manager')!.pid;
    expect(alive(cmPid)).toBe(false);
    expect((await statusJson(dir)).components.find((c) => c.name === 'controller-manager')).toMatchObject({ running: false });
    const started = await cluster(['start', 'controller-manager', '--data-dir', dir]);
    expect(started.code, started.stderr).toBe(0);
    const cm = (await statusJson(dir)).components.find((c) => c.name === 'controller-manager')!;
    expect(cm).toMatchObject({ running: true, healthy: true });
    expect(cm.pid).not.toBe(cmPid);
    pids.push(cm.pid);
    expect(readFileSync(join(dir, 'logs', 'controller-manager.log'), 'utf8').match(/cluster: starting controller-manager/g)).toHaveLength(2);

    // The store leader can be named as such; the others elect a new one.
    const oldLeader = s.storeLeader!;
    expect((await cluster(['kill', 'store-leader', '--data-dir', dir])).stdout).toContain(`killed ${oldLeader}`);
    const newLeader = await eventually('a new store leader', async () => {
      const l = (await statusJson(dir)).storeLeader;
      return l && l !== oldLeader ? l : undefined;
    });
    expect(newLeader).toMatch(/^store-\d$/);
    const restarted = await cluster(['start', oldLeader, '--data-dir', dir]);
    expect(restarted.code, restarted.stderr).toBe(0);
    pids.push((await statusJson(dir)).components.find((c) => c.name === oldLeader)!.pid);

    const file = join(dir, 'snap.db');
    const snap = await cluster(['snapshot', 'save', file, '--data-dir', dir]);
    expect(snap.code, snap.stderr).toBe(0);
    const bytes = readFileSync(file);
    expect(bytes.length % 512).toBe(32);
    expect(snap.stdout).toContain(`${bytes.length} bytes`);
    expect(snap.stdout).toContain(`sha256 ${createHash('sha256').update(bytes).digest('hex')}`);

    // restore needs the record of a cluster (test/cluster/restore.test.ts restores a running one).
    const restore = await cluster(['restore', file, '--data-dir', join(dir, 'none')]);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/^cluster: no cluster in .*none \(no cluster\.json\)/);

    const down = await cluster(['down', '--data-dir', dir]);
    expect(down.code, down.stderr).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(join(dir, 'cluster.json'))).toBe(false);
    expect(existsSync(join(dir, 'logs', 'apiserver-1.log'))).toBe(true);

    const purge = await cluster(['down', '--data-dir', dir, '--purge']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('cluster (1 store member, foreground)', () => {
  it('refuses a busy port, cleans a stale record, and stops everything on Ctrl-C with exit 0', async () => {
    const dir = tempDir();
    // A busy port in the plan: refused before anything starts.
    const blocker: Server = createServer();
    const busy = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    const refused = await cluster(['up', '--data-dir', dir, '--store-members', '1', '--port-base', String(busy)]);
    blocker.close();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`cluster: port ${busy} is in use: pass --port-base or stop what uses it\n`);

    // The record of a crashed run (its pid long gone) is cleaned up with a note.
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ dataDir: dir, dist: '', kubeconfig: '', upPid: 999_999_999, supervise: false, nodes: 1, components: [] }));

    const base = 11_000 + Math.floor(Math.random() * 20_000);
    const up = spawn(process.execPath, [CLUSTER, 'up', '--data-dir', dir, '--store-members', '1', '--nodes', '2', '--port-base', String(base)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    up.stdout.on('data', (d: Buffer) => (output += d.toString()));
    up.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => up.once('exit', (code) => r(code)));
    await eventually('the foreground status line', async () => (/\| nodes Ready 2\/2/.test(output) ? true : undefined));
    expect(output).toContain('note: removed the stale record');
    expect(output).toContain('Ctrl-C stops the cluster');
    const s = await statusJson(dir);
    expect(s.components.every((c) => c.healthy)).toBe(true);

    up.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped; data and logs kept');
    expect(s.components.map((c) => c.pid).filter(alive)).toEqual([]);
    expect(existsSync(join(dir, 'cluster.json'))).toBe(false);
  });
});
