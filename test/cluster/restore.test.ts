// `cluster restore` end to end, as a user drives it: a deployment made with the real kubectl, a
// snapshot, the deployment deleted, a damaged snapshot refused with the cluster left running and
// untouched, then the good one restored: the deployment is back and its pods run.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function run(cmd: string, args: string[], timeout = 180_000): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}
const cluster = (args: string[]) => run(process.execPath, [CLUSTER, ...args]);

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface StatusJson {
  components: { name: string; pid: number; running: boolean; healthy: boolean }[];
}
async function status(dir: string): Promise<StatusJson> {
  const r = await cluster(['status', '--data-dir', dir, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
}

const dir = mkdtempSync(join(tmpdir(), 'cluster-restore-'));
afterAll(async () => {
  if (existsSync(join(dir, 'cluster.json'))) await cluster(['down', '--data-dir', dir]);
  rmSync(dir, { recursive: true, force: true });
});

describe('cluster restore', () => {
  it('brings a deleted deployment back from a snapshot; a damaged file is refused with the cluster untouched', async () => {
    let up: Run | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const base = 11_000 + Math.floor(Math.random() * 20_000);
      up = await cluster(['up', '--detach', '--data-dir', dir, '--store-members', '3', '--nodes', '2', '--port-base', String(base)]);
      if (!(up.code !== 0 && /is in use/.test(up.stderr))) break;
    }
    expect(up!.code, up!.stderr + up!.stdout).toBe(0);

    const kubectl = (args: string[]) => run(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'kube-cache'), ...args]);
    const running = async () => {
      const r = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.phase}']);
      return r.stdout.split(' ').filter((p) => p === 'Running').length === 2 ? true : undefined;
    };
    expect((await kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'])).code).toBe(0);
    await eventually('2 Running pods', running);

    const file = join(dir, 'snap.db');
    const saved = await cluster(['snapshot', 'save', file, '--data-dir', dir]);
    expect(saved.code, saved.stderr).toBe(0);
    expect((await kubectl(['delete', 'deployment', 'web'])).code).toBe(0);
    expect((await kubectl(['get', 'deployment', 'web'])).stderr).toContain('NotFound');

    // A flipped byte: one line naming the file, nothing stopped, nothing moved.
    const before = await status(dir);
    const bad = join(dir, 'bad.db');
    const bytes = readFileSync(file);
    bytes[300] ^= 0x01;
    writeFileSync(bad, bytes);
    const refused = await cluster(['restore', bad, '--data-dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`cluster: ${bad}: snapshot file checksum mismatch: the file is corrupt; nothing was changed\n`);
    const same = (s: StatusJson) => s.components.map((c) => [c.name, c.pid, c.running]);
    expect(same(await status(dir))).toEqual(same(before));
    expect(readdirSync(dir).filter((f) => f.startsWith('store.before-restore'))).toEqual([]);

    const restored = await cluster(['restore', file, '--data-dir', dir]);
    expect(restored.code, restored.stderr + restored.stdout).toBe(0);
    const aside = /moved the old store data to (\S+)/.exec(restored.stdout)?.[1];
    expect(aside && existsSync(join(aside, 'store-1', 'member'))).toBe(true);
    expect(restored.stdout).toContain('restored ' + file + ' into 3 store members (store-1, store-2, store-3)');
    expect(restored.stdout).toContain('nodes Ready 2/2');

    const after = await status(dir);
    expect(after.components.every((c) => c.running && c.healthy)).toBe(true);
    expect(after.components.map((c) => c.pid).some((pid) => before.components.some((b) => b.pid === pid))).toBe(false);
    const dep = await kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']);
    expect(dep.stdout, dep.stderr).toBe('2');
    await eventually('2 Running pods after the restore', running);
    await eventually('the deployment available', async () => ((await kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}'])).stdout === '2' ? true : undefined));
    // Writes work on the restored store.
    expect((await kubectl(['scale', 'deployment', 'web', '--replicas=3'])).code).toBe(0);
    await eventually('3 pods', async () => ((await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout.trim().split('\n').length === 3 ? true : undefined));
  });
});
