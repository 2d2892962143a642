// kubectl-lite against a whole cluster as processes (store, apiserver, controller-manager,
// scheduler, kubelet-lite with 3 nodes), side by side with the real kubectl where both should
// print the same thing.

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane, type KubectlResult } from '../apiserver/testing/control-plane.js';
import { ComponentProcess } from '../e2e/testing/components.js';

const LITE = resolve(import.meta.dirname, '../../dist/kubectl-lite/main.js');

let cp: ControlPlane;
let components: ComponentProcess[] = [];
let dir: string;

function lite(args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [LITE, '--kubeconfig', cp.kubeconfig, ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await lite(args, input);
  if (r.code !== 0) throw new Error(`kubectl-lite ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

const header = (out: string) => out.split('\n')[0]!.split(/\s{2,}/);

/**
 * kubectl describe and kubectl-lite describe print the same bytes. Ages tick and node Leases renew
 * between two runs, so runs are retried until both fall in the same second.
 */
async function describedAlike(args: string[], mask: (s: string) => string = (s) => s): Promise<string> {
  const norm = (s: string) => mask(s).replace(/^(  RenewTime:\s+).*$/m, '$1<renewed>');
  let mine = '';
  let theirs = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    [mine, theirs] = await Promise.all([ok(['describe', ...args]), cp.kubectl(['describe', ...args]).then((r) => r.stdout)]);
    if (norm(mine) === norm(theirs)) break;
  }
  expect(norm(mine), `describe ${args.join(' ')}`).toBe(norm(theirs));
  return mine;
}

const deployment = (name: string, image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}${extra}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: main
        image: ${image}
`;

beforeAll(async () => {
  cp = await ControlPlane.start();
  dir = mkdtempSync(join(tmpdir(), 'kubectl-lite-'));
  const server = ['--server', cp.url];
  components = [
    new ComponentProcess('controller-manager', [...server, '--port', '0', '--leader-elect=false']),
    new ComponentProcess('scheduler', [...server, '--port', '0', '--leader-elect=false']),
    new ComponentProcess('kubelet-lite', [...server, '--port', '0', '--nodes', '3', '--start-delay', '200ms', '--ready-delay', '200ms']),
  ];
  for (const c of components) c.start();
  const deadline = Date.now() + 60_000;
  while (!/(\bReady\b[\s\S]*){3}/.test((await lite(['get', 'nodes'])).stdout)) {
    if (Date.now() > deadline) throw new Error('3 nodes never became Ready');
    await new Promise((r) => setTimeout(r, 300));
  }
}, 90_000);

afterAll(async () => {
  await Promise.all(components.map((c) => c.kill()));
  await cp?.stop();
});

describe('kubectl-lite against a cluster', () => {
  it('version, api-resources and config match what kubectl reads', async () => {
    expect(await ok(['version'])).toMatch(/^Client Version: .*\nServer Version: v1\.32/);
    const mine = await ok(['api-resources']);
    expect(header(mine)).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(mine).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(await ok(['config', 'get-contexts'])).toBe((await cp.kubectl(['config', 'get-contexts'])).stdout);
    expect(await ok(['config', 'current-context'])).toBe('test\n');
    for (const form of [[], ['-o', 'json'], ['-o', 'yaml'], ['--minify'], ['--raw', '-o', 'json']]) {
      expect(await ok(['config', 'view', ...form])).toBe((await cp.kubectl(['config', 'view', ...form])).stdout);
    }
  });

  it('get prints the server\'s columns as kubectl does, and "No resources found" on stderr', async () => {
    const empty = await lite(['get', 'pods']);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe('No resources found in default namespace.\n');
    expect(empty.stderr).toBe((await cp.kubectl(['get', 'pods'])).stderr);
    for (const args of [['get', 'nodes'], ['get', 'nodes', '-o', 'wide'], ['get', 'ns'], ['get', 'no', 'node-1', '-o', 'name']]) {
      const mine = await ok(args);
      const theirs = (await cp.kubectl(args)).stdout;
      // Ages may tick between the two commands: compare everything else.
      const strip = (s: string) => s.replace(/\b\d+(s|m\d*s?|h\d*m?|d)\b/g, 'AGE');
      // kubectl-lite's wide node listing adds three allocation columns at the end.
      const cells = (s: string, drop = 0) => strip(s).trimEnd().split('\n').map((l) => l.split(/\s{2,}/).slice(0, l.split(/\s{2,}/).length - drop));
      if (args.includes('wide')) expect(cells(mine, 3)).toEqual(cells(theirs));
      else expect(strip(mine)).toBe(strip(theirs));
    }
  });

  it('apply creates, leaves unchanged, configures (dropping removed fields) and the Deployment rolls out', async () => {
    const file = join(dir, 'web.yaml');
    writeFileSync(file, deployment('web', 'nginx:1.27', ', tier: front') + '---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n');
    expect(await ok(['apply', '-f', file])).toBe('deployment.apps/web created\nservice/web created\n');
    expect(await ok(['apply', '-f', file])).toBe('deployment.apps/web unchanged\nservice/web unchanged\n');
    expect((await cp.kubectl(['apply', '-f', file])).stdout).toBe('deployment.apps/web unchanged\nservice/web unchanged\n');
    writeFileSync(file, deployment('web', 'nginx:1.28'));
    expect(await ok(['apply', '-f', file])).toBe('deployment.apps/web configured\n');
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.labels}'])).toBe('{"app":"web"}');
    // The real kubectl agrees that nothing is left to change.
    expect((await cp.kubectl(['apply', '-f', file])).stdout).toBe('deployment.apps/web unchanged\n');
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('deployment "web" successfully rolled out\n');

    const pods = await ok(['get', 'pods', '-l', 'app=web']);
    expect(header(pods)).toEqual(header((await cp.kubectl(['get', 'pods', '-l', 'app=web'])).stdout));
    expect(pods.trim().split('\n')).toHaveLength(3);
    expect(await ok(['get', 'deploy', '-o', 'name'])).toBe((await cp.kubectl(['get', 'deploy', '-o', 'name'])).stdout);
    expect(await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'])).toBe((await cp.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'])).stdout);
  });

  it('apply from stdin, --dry-run and --server-side', async () => {
    const yaml = deployment('api', 'busybox:1');
    expect(await ok(['apply', '-f', '-', '--dry-run=client'], yaml)).toBe('deployment.apps/api created (dry run)\n');
    expect(await ok(['apply', '-f', '-', '--dry-run=server'], yaml)).toBe('deployment.apps/api created (server dry run)\n');
    expect((await lite(['get', 'deploy', 'api'])).stderr).toBe('Error from server (NotFound): deployments.apps "api" not found\n');
    expect(await ok(['apply', '--server-side', '-f', '-'], yaml)).toBe('deployment.apps/api serverside-applied\n');
    expect(await ok(['get', 'deploy', 'api', '-o', 'jsonpath={.metadata.managedFields[0].manager}'])).toBe('kubectl');
  });

  it('errors are one line with exit code 1; a bad file names its line', async () => {
    const missing = await lite(['get', 'deployments.apps', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe((await cp.kubectl(['get', 'deployments.apps', 'nope'])).stderr);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n');
    const r = await lite(['apply', '-f', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: error parsing ${bad}: error converting YAML to JSON: yaml: line \\d+: .*\\n$`));
    // Broken in the ways people break YAML: the same file:line and words as kubectl.
    const broken = [
      'apiVersion: v1\nkind: ConfigMap\n  metadata:\n  name: a\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "a\ndata:\n  k: v\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\n  metadata:\n  name: b\n',
    ];
    for (const text of broken) {
      writeFileSync(bad, text);
      const theirs = (await cp.kubectl(['apply', '-f', bad, '--dry-run=client'])).stderr.split('\n').find((l) => l.includes('error parsing'));
      expect((await lite(['apply', '-f', bad, '--dry-run=client'])).stderr.trim()).toBe(theirs?.startsWith('error: ') ? theirs : `error: ${theirs}`);
    }
    expect((await lite(['get', 'widgets'])).stderr).toBe('error: the server doesn\'t have a resource type "widgets"\n');
  });

  it('scale, set image, label, annotate, patch and rollout undo', async () => {
    expect(await ok(['scale', 'deploy/web', '--replicas=3'])).toBe('deployment.apps/web scaled\n');
    expect(await ok(['label', 'deploy', 'web', 'team=a'])).toBe('deployment.apps/web labeled\n');
    expect(await ok(['annotate', 'deploy', 'web', 'note=x'])).toBe('deployment.apps/web annotated\n');
    expect(await ok(['patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":1}}'])).toBe('deployment.apps/web patched\n');
    expect(await ok(['patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":1}}'])).toBe('deployment.apps/web patched (no change)\n');
    expect(await ok(['set', 'image', 'deploy/web', 'main=nginx:1.29'])).toBe('deployment.apps/web image updated\n');
    await ok(['rollout', 'status', 'deploy/web', '--timeout=60s']);
    expect(await ok(['rollout', 'history', 'deploy/web'])).toMatch(/REVISION   CHANGE-CAUSE\n1 +<none>\n2 +<none>\n3 +<none>\n/);
    expect(await ok(['rollout', 'undo', 'deploy/web'])).toBe('deployment.apps/web rolled back\n');
    await ok(['rollout', 'status', 'deploy/web', '--timeout=60s']);
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('nginx:1.28');
    expect(await ok(['wait', '--for=condition=Available', 'deploy/web', '--timeout=30s'])).toBe('deployment.apps/web condition met\n');
  });

  it('get -w streams rows from a watch', async () => {
    const child = spawn(process.execPath, [LITE, '--kubeconfig', cp.kubeconfig, 'get', 'configmaps', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await new Promise((r) => setTimeout(r, 1000));
      await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\ndata: {a: "1"}\n');
      const deadline = Date.now() + 10_000;
      while (!/^watched\s+1\s+\d+s$/m.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/^watched\s+1\s+\d+s$/m);
    } finally {
      child.kill();
    }
  });

  it('describe node, pod, deployment, replicaset and service print what kubectl prints; get nodes -o wide adds what the pods request', async () => {
    const manifest = join(dir, 'requests.yaml');
    writeFileSync(manifest, deployment('req', 'nginx:1.27').replace('image: nginx:1.27', 'image: nginx:1.27\n        resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {memory: 128Mi}}'));
    await ok(['apply', '-f', manifest]);
    const deadline = Date.now() + 60_000;
    let nodes: string[] = [];
    while (nodes.length < 2) {
      if (Date.now() > deadline) throw new Error('the req pods were never scheduled');
      nodes = (await ok(['get', 'pods', '-l', 'app=req', '-o', 'jsonpath={.items[*].spec.nodeName}'])).split(' ').filter(Boolean);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const node of new Set(nodes)) {
      const mine = await describedAlike(['node', node]);
      expect(mine).toMatch(/^Allocated resources:\n  \(Total limits may be over 100 percent, i\.e\., overcommitted\.\)\n/m);
      // The same totals in the wide listing of nodes.
      const cpu = /^  cpu\s+(\S+ \(\d+%\))/m.exec(mine)![1]!;
      const memory = /^  memory\s+(\S+ \(\d+%\))/m.exec(mine)![1]!;
      const pods = /^Non-terminated Pods:\s+\((\d+) in total\)/m.exec(mine)![1]!;
      const wide = await ok(['get', 'nodes', '-o', 'wide']);
      expect(header(wide).slice(-3)).toEqual(['CPU REQUESTS', 'MEMORY REQUESTS', 'PODS']);
      const row = wide.split('\n').find((l) => l.startsWith(node + ' '))!.split(/\s{2,}/);
      expect(row.slice(-3)).toEqual([cpu, memory, `${pods}/110`]);
    }
    const pod = (await ok(['get', 'pods', '-l', 'app=req', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const rs = (await ok(['get', 'rs', '-l', 'app=req', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    await describedAlike(['pod', pod]);
    await describedAlike(['deployment', 'req']);
    await describedAlike(['rs', rs]);
    expect((await cp.kubectl(['create', 'service', 'clusterip', 'req', '--tcp=80:8080'])).stderr).toBe('');
    // kubectl 1.32 reads endpoints from EndpointSlices (not served here: it prints <none>);
    // kubectl-lite reads the core Endpoints.
    await describedAlike(['service', 'req'], (s) => s.replace(/^(Endpoints:\s+).*$/m, '$1<endpoints>'));
    await ok(['delete', 'service', 'req']);
    await ok(['delete', '-f', manifest]);
  });

  it('apply -f of a directory applies what it can read, then reports each broken file as kubectl does', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'kubectl-lite-broken-'));
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
    writeFileSync(join(tree, 'a.yaml'), `${cm('good-one')}---\n${cm('good-two')}---\n${cm('bad')}  labels: [x\n---\n${cm('after-bad')}`);
    writeFileSync(join(tree, 'b.yaml'), cm('from-b'));
    writeFileSync(join(tree, 'c.yaml'), 'apiVersion: v1\nmetadata:\n  name: no-kind\n');
    const theirs = await cp.kubectl(['apply', '-f', tree, '--dry-run=client']);
    const mine = await lite(['apply', '-f', tree, '--dry-run=client']);
    expect(mine).toEqual(theirs);
    expect(mine.stdout).toBe('configmap/good-one created (dry run)\nconfigmap/good-two created (dry run)\nconfigmap/from-b created (dry run)\n');
    expect(mine.stderr.split('\n')).toHaveLength(3);
  });

  it('describe, events, cordon, drain and delete --wait', async () => {
    const d = await ok(['describe', 'deploy', 'web']);
    expect(d).toMatch(/^Name: +web\nNamespace: +default\n/);
    expect(d).toContain('Events:');
    expect(header(await ok(['events']))).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(await ok(['cordon', 'node-1'])).toBe('node/node-1 cordoned\n');
    expect(await ok(['uncordon', 'node/node-1'])).toBe('node/node-1 uncordoned\n');
    const drained = await ok(['drain', 'node-2', '--ignore-daemonsets', '--timeout=60s']);
    expect(drained).toMatch(/^node\/node-2 cordoned\n/);
    expect(drained).toMatch(/node\/node-2 drained\n$/);
    await ok(['uncordon', 'node-2']);
    expect(await ok(['delete', 'deploy', 'web', 'api'])).toBe('deployment.apps "web" deleted\ndeployment.apps "api" deleted\n');
    expect((await lite(['get', 'deploy'])).stderr).toBe('No resources found in default namespace.\n');
    expect((await lite(['delete', 'svc', 'nope'])).stderr).toBe('Error from server (NotFound): services "nope" not found\n');
  });
});
