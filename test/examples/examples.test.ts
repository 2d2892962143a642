// The examples as a user runs them, against one cluster started with `cluster up --detach` on a free
// port block: the README tour's first steps with the real kubectl, the guestbook, the Job, the
// rolling update v1 → v2, then the scenario scripts (recovery.sh, leader-failover.sh and, once
// `cluster restore` exists, snapshot-restore.sh) to their exit 0 and final check line, and the
// node-failure walk-through of examples/node-failure/README.md (about 90 s: the grace period).
// Run after `npm run build`: npx vitest run --project process test/examples

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLUSTER = join(ROOT, 'dist/cluster/main.js');
const KUBECTL_LITE = join(ROOT, 'dist/kubectl-lite/main.js');
const REAL_KUBECTL = '/usr/bin/kubectl';
const EXAMPLES = join(ROOT, 'examples');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}, timeout = 120_000): Promise<Run> {
  // The scripts must use their defaults (kubectl-lite), whatever the caller's environment says.
  const base = { ...process.env };
  delete base['KUBECTL'];
  delete base['CLUSTER_DIR'];
  return new Promise((done) => {
    execFile(cmd, args, { cwd: ROOT, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...base, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

let dir = '';
let kubeconfig = '';
const cluster = (args: string[]) => run(process.execPath, [CLUSTER, ...args, '--data-dir', dir]);
const kl = (args: string[], timeout?: number) => run(process.execPath, [KUBECTL_LITE, '--kubeconfig', kubeconfig, ...args], {}, timeout);
const kubectl = (args: string[]) => run(REAL_KUBECTL, ['--kubeconfig', kubeconfig, ...args]);
const script = (name: string, timeout: number) => run('bash', [join(EXAMPLES, name), '--data-dir', dir], {}, timeout);

function ok(r: Run): string {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function eventually(what: string, fn: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `cluster restore` exists once the launcher's help stops calling it "not available". */
function restoreAvailable(): boolean {
  const help = execFileSync(process.execPath, [CLUSTER, '--help'], { encoding: 'utf8' });
  return /cluster restore FILE/.test(help) && !/cluster restore FILE.*not available/.test(help);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kube-lite-examples-'));
  kubeconfig = join(dir, 'kubeconfig');
  for (let attempt = 0; ; attempt++) {
    const base = 11_000 + Math.floor(Math.random() * 20_000);
    const up = await run(process.execPath, [CLUSTER, 'up', '--detach', '--data-dir', dir, '--port-base', String(base)]);
    if (up.code !== 0 && /is in use/.test(up.stderr) && attempt < 5) continue;
    ok(up);
    break;
  }
}, 120_000);

afterAll(async () => {
  if (dir && existsSync(join(dir, 'cluster.json'))) await cluster(['down', '--purge']);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('examples', () => {
  it('the tour: the real kubectl sees the nodes; kubectl-lite applies the guestbook and every pod runs', async () => {
    const nodes = ok(await kubectl(['get', 'nodes', '--no-headers']));
    expect(nodes.trim().split('\n').map((l) => l.split(/\s+/)[1])).toEqual(['Ready', 'Ready', 'Ready']);

    const applied = ok(await kl(['apply', '-f', 'examples/guestbook/']));
    for (const o of ['namespace/guestbook', 'configmap/guestbook-config', 'secret/redis-auth', 'deployment.apps/redis', 'service/redis', 'deployment.apps/frontend', 'service/frontend']) {
      expect(applied).toContain(`${o} created`);
    }
    await eventually('4 guestbook pods Running', async () => {
      const phases = (await kl(['get', 'pods', '-n', 'guestbook', '-o', 'jsonpath={.items[*].status.phase}'])).stdout.trim().split(/\s+/);
      return phases.length === 4 && phases.every((p) => p === 'Running');
    });
    const wide = ok(await kl(['get', 'pods', '-n', 'guestbook', '-o', 'wide', '--no-headers']));
    expect(wide).toMatch(/node-\d/); // every pod bound: the requests went through the scheduler
    await eventually('3 ready frontend endpoints', async () => {
      const eps = await kl(['get', 'endpoints', 'frontend', '-n', 'guestbook', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']);
      return eps.stdout.trim().split(/\s+/).filter(Boolean).length === 3;
    });

    // The same directory through the real kubectl: the two agree that nothing changed. The Secret is
    // the exception, as on any Kubernetes: its stringData is never in the live object (the apiserver
    // moves it to data), so kubectl's patch always carries it and kubectl prints "configured".
    const again = ok(await kubectl(['apply', '-f', 'examples/guestbook/']));
    const lines = again.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.filter((l) => !l.startsWith('secret/'))).toEqual(lines.filter((l) => !l.startsWith('secret/')).map((l) => l.replace(/ \w+$/, ' unchanged')));
    expect(again).not.toContain('created');
  }, 90_000);

  it('job.yaml: 3 completions, 2 at a time, completes', async () => {
    ok(await kl(['apply', '-f', 'examples/job.yaml']));
    ok(await kl(['wait', '--for=condition=complete', 'job/pi', '--timeout=60s'], 70_000));
    expect(ok(await kl(['get', 'job', 'pi', '-o', 'jsonpath={.status.succeeded}']))).toBe('3');
  }, 90_000);

  it('rolling-update: v1 then v2, followed by rollout status', async () => {
    ok(await kl(['apply', '-f', 'examples/rolling-update/v1.yaml']));
    expect(ok(await kl(['rollout', 'status', 'deployment/web', '--timeout=60s'], 70_000))).toContain('successfully rolled out');
    ok(await kl(['apply', '-f', 'examples/rolling-update/v2.yaml']));
    const status = ok(await kl(['rollout', 'status', 'deployment/web', '--timeout=90s'], 100_000));
    expect(status).toContain('new replicas have been updated');
    expect(status).toContain('deployment "web" successfully rolled out');
    const image = ok(await kl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']));
    expect(image).toMatch(/hello-app:2\.0$/);
    const rs = ok(await kl(['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.replicas}']));
    expect(rs.trim().split(/\s+/).map(Number).sort()).toEqual([0, 4]);
    expect(ok(await kl(['rollout', 'history', 'deployment/web']))).toContain('v2: hello-app 2.0');
  }, 120_000);

  it('recovery.sh: pods wait while the controller-manager and the scheduler are down, then converge', async () => {
    const r = await script('recovery.sh', 150_000);
    const out = ok(r);
    expect(out).toContain('$ cluster kill controller-manager');
    expect(out).toMatch(/look: \d+ pods Pending with no NODE/);
    expect(out.trim().split('\n').at(-1)).toBe('recovery: OK, 6/6 pods Running after the controller-manager and the scheduler were killed and restarted');
  }, 160_000);

  it('leader-failover.sh: a new leader, the old one back, every acknowledged write present', async () => {
    const before = JSON.parse(ok(await cluster(['status', '-o', 'json']))) as { storeLeader: string };
    const out = ok(await script('leader-failover.sh', 120_000));
    const last = out.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(new RegExp(`^leader-failover: OK, leader ${before.storeLeader} killed, store-\\d elected, all \\d+ acknowledged writes present`));
    const after = JSON.parse(ok(await cluster(['status', '-o', 'json']))) as { storeLeader: string; components: { name: string; healthy: boolean }[] };
    expect(after.storeLeader).not.toBe(before.storeLeader);
    expect(after.components.every((c) => c.healthy)).toBe(true);
  }, 130_000);

  it('node-failure: a node that stops heartbeating goes NotReady, its pods are replaced elsewhere, and it comes back', async () => {
    const manifest = join(EXAMPLES, 'node-failure');
    ok(await kl(['apply', '-f', manifest]));
    ok(await kl(['rollout', 'status', 'deployment/spread', '--timeout=90s'], 100_000));
    interface PodView {
      node: string;
      phase: string;
      terminating: boolean;
    }
    const pods = async (): Promise<PodView[]> => {
      const list = JSON.parse(ok(await kl(['get', 'pods', '-l', 'app=spread', '-o', 'json']))) as { items: { spec: { nodeName?: string }; status: { phase?: string }; metadata: { deletionTimestamp?: string } }[] };
      return list.items.map((p) => ({ node: p.spec.nodeName ?? '', phase: p.status.phase ?? '', terminating: !!p.metadata.deletionTimestamp }));
    };
    const onNode1 = (await pods()).filter((p) => p.node === 'node-1').length;
    expect(onNode1, 'the scheduler spreads the ReplicaSet over every node').toBeGreaterThan(0);
    const status = JSON.parse(ok(await cluster(['status', '-o', 'json']))) as { components: { name: string; pid: number }[] };
    const kubelet = status.components.find((c) => c.name === 'kubelet-lite')!.pid;

    process.kill(kubelet, 'SIGUSR1'); // node-1 stops renewing its Lease, as a crashed machine would
    const nodeReady = async (name: string) => (await kl(['get', 'node', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).stdout.trim();
    await eventually('node-1 NotReady (Unknown) after the 40 s grace period', async () => (await nodeReady('node-1')) === 'Unknown', 90_000);
    const taints = ok(await kl(['get', 'node', 'node-1', '-o', 'jsonpath={.spec.taints[*].key}']));
    expect(taints).toContain('node.kubernetes.io/unreachable');
    // Evicted after the pods' 10 s toleration, replaced on the healthy nodes.
    await eventually('6 Running replacements off node-1 and the evicted pods Terminating', async () => {
      const now = await pods();
      const running = now.filter((p) => !p.terminating && p.phase === 'Running' && p.node !== 'node-1');
      const stuck = now.filter((p) => p.node === 'node-1');
      return running.length === 6 && stuck.length === onNode1 && stuck.every((p) => p.terminating);
    }, 60_000);

    process.kill(kubelet, 'SIGUSR2'); // every failed node heartbeats again
    await eventually('node-1 Ready again', async () => (await nodeReady('node-1')) === 'True', 60_000);
    await eventually('the kubelet of node-1 finishes its Terminating pods', async () => (await pods()).every((p) => p.node !== 'node-1'), 60_000);
    expect((await pods()).filter((p) => p.phase === 'Running')).toHaveLength(6);
    ok(await kl(['delete', '-f', manifest]));
  }, 300_000);

  it('snapshot-restore.sh: the deleted guestbook comes back (or a clear message while `cluster restore` is missing)', async () => {
    const r = await script('snapshot-restore.sh', 150_000);
    if (!restoreAvailable()) {
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('`cluster restore` is not available');
      return;
    }
    const out = ok(r);
    expect(out.trim().split('\n').at(-1)).toMatch(/^snapshot-restore: OK/);
  }, 160_000);
});
