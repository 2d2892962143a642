// The real kubectl 1.32 against our apiserver on our store-server: what a user types, checked by
// what kubectl prints. Each step builds on the previous ones, as a session at a terminal would.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane } from './testing/control-plane.js';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await ControlPlane.start();
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
`;

async function ok(args: string[], input?: string): Promise<string> {
  const r = await cp.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

describe('kubectl against the apiserver', () => {
  it('version shows the server', async () => {
    const out = await ok(['version', '-o', 'json']);
    const v = JSON.parse(out) as { serverVersion: { major: string; minor: string } };
    expect(v.serverVersion.major).toBe('1');
    expect(v.serverVersion.minor).toBe('32');
  });

  it('api-resources lists kinds with short names and groups', async () => {
    const out = await ok(['api-resources']);
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(out).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    expect(out).toMatch(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
  });

  it('explain reads the OpenAPI schema', async () => {
    const out = await ok(['explain', 'deployment.spec']);
    expect(out).toMatch(/^KIND:\s+Deployment$/m);
    expect(out).toMatch(/^\s+replicas\s+<integer>$/m);
    expect(out).toMatch(/^\s+selector\s+<LabelSelector> -required-$/m);
  });

  it('create generators (sent as protobuf) make the same objects as their dry runs', async () => {
    for (const args of [
      ['deployment', 'gen', '--image=nginx', '--replicas=0'],
      ['secret', 'generic', 'gen', '--from-literal=a=b'],
      ['service', 'clusterip', 'gen', '--tcp=80:8080'],
      ['job', 'gen', '--image=busybox'],
    ]) {
      const dry = JSON.parse(await ok(['create', ...args, '--dry-run=client', '-o', 'json'])) as { spec?: Record<string, unknown>; data?: unknown };
      const made = JSON.parse(await ok(['create', ...args, '-o', 'json'])) as { spec?: Record<string, unknown>; data?: unknown };
      if (args[0] === 'deployment') expect(made.spec!['replicas']).toBe(0);
      if (args[0] === 'secret') expect(made.data).toEqual(dry.data);
      if (args[0] === 'service') expect(made.spec!['ports']).toEqual([{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
    }
  });

  it('create, get, describe and delete a configmap', async () => {
    expect(await ok(['create', 'configmap', 'settings', '--from-literal=a=1', '--from-literal=b=2'])).toBe('configmap/settings created\n');
    const got = await ok(['get', 'configmap', 'settings']);
    expect(got).toMatch(/^NAME\s+DATA\s+AGE\nsettings\s+2\s+\d+s\n$/);
    const described = await ok(['describe', 'configmap', 'settings']);
    expect(described).toMatch(/Name:\s+settings/);
    expect(await ok(['delete', 'configmap', 'settings'])).toBe('configmap "settings" deleted\n');
    const gone = await cp.kubectl(['get', 'configmap', 'settings']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Error from server (NotFound): configmaps "settings" not found');
  });

  it('apply with validation: created, unchanged, configured', async () => {
    expect(await ok(['apply', '-f', '-'], DEPLOYMENT)).toBe('deployment.apps/web created\n');
    expect(await ok(['apply', '-f', '-'], DEPLOYMENT)).toBe('deployment.apps/web unchanged\n');
    expect(await ok(['apply', '-f', '-'], DEPLOYMENT.replace('replicas: 2', 'replicas: 3'))).toBe('deployment.apps/web configured\n');
    const replicas = await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']);
    expect(replicas).toBe('3');
  });

  it('apply with an unknown field is refused by server-side validation', async () => {
    const bad = DEPLOYMENT.replace('replicas: 2', 'replicas: 2\n  replica: 2').replace('name: web', 'name: web-bad');
    const r = await cp.kubectl(['apply', '-f', '-'], bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "spec.replica"');
  });

  it('get -o json / yaml / wide / jsonpath', async () => {
    const json = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json'])) as { metadata: { generation: number; uid: string }; spec: { strategy: unknown } };
    expect(json.metadata.generation).toBe(2);
    expect(json.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(await ok(['get', 'deploy', 'web', '-o', 'yaml'])).toContain('revisionHistoryLimit: 10');
    const wide = await ok(['get', 'deploy', 'web', '-o', 'wide']);
    expect(wide).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/);
    expect(wide).toMatch(/web\s+0\/3\s+0\s+0\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web/);
    expect(await ok(['get', 'deploy', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}'])).toBe('web');
  });

  it('scale, label, annotate', async () => {
    expect(await ok(['scale', 'deployment', 'web', '--replicas=5'])).toBe('deployment.apps/web scaled\n');
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('5');
    expect(await ok(['label', 'deployment', 'web', 'tier=frontend'])).toBe('deployment.apps/web labeled\n');
    expect(await ok(['annotate', 'deployment', 'web', 'owner=team-a'])).toBe('deployment.apps/web annotated\n');
    expect(await ok(['get', 'deploy', '-l', 'tier=frontend', '-o', 'name'])).toBe('deployment.apps/web\n');
    expect(await ok(['get', 'deploy', '-l', 'tier=backend', '-o', 'name'])).toBe('');
  });

  it('patch: strategic, merge and json', async () => {
    await ok(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}']);
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('nginx:1.28');
    await ok(['patch', 'deployment', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']);
    await ok(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
    const d = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: { replicas: number; template: { spec: { containers: { ports: unknown[] }[] } } } };
    expect(d.metadata.labels['patched']).toBe('merge');
    expect(d.spec.replicas).toBe(4);
    // The strategic patch merged the container by name: its ports survived.
    expect(d.spec.template.spec.containers[0]!.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('apply --server-side', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  k: v\n';
    expect(await ok(['apply', '--server-side', '-f', '-'], cm)).toBe('configmap/ssa serverside-applied\n');
    const got = JSON.parse(await ok(['get', 'cm', 'ssa', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(got.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`)).toContain('kubectl/Apply');
    // Another manager changing a field kubectl owns is a conflict, unless it forces.
    const other = cm.replace('k: v', 'k: w');
    const conflict = await cp.kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], other);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .data.k');
    expect(await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], other)).toBe('configmap/ssa serverside-applied\n');
    expect(await ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.k}'])).toBe('w');
  });

  it('get -w sees events as they happen', async () => {
    const watch = cp.kubectl(['get', 'configmaps', '-w', '--request-timeout=8s']);
    await new Promise((r) => setTimeout(r, 1500));
    await ok(['create', 'configmap', 'watched', '--from-literal=x=1']);
    const r = await watch;
    expect(r.stdout).toMatch(/watched\s+1\s+\d+s/);
  });

  it('delete --cascade: background deletes at once, orphan and foreground leave a finalizer for the garbage collector', async () => {
    await ok(['apply', '-f', '-'], DEPLOYMENT.replace('name: web\n  labels', 'name: web-bg\n  labels'));
    await ok(['apply', '-f', '-'], DEPLOYMENT.replace('name: web\n  labels', 'name: web-fg\n  labels'));
    expect(await ok(['delete', 'deployment', 'web-bg', '--cascade=background'])).toBe('deployment.apps "web-bg" deleted\n');
    expect((await cp.kubectl(['get', 'deployment', 'web-bg'])).code).toBe(1);
    // The garbage collector (controller-manager) removes these finalizers; without it the objects wait.
    expect(await ok(['delete', 'deployment', 'web', '--cascade=orphan', '--wait=false'])).toBe('deployment.apps "web" deleted\n');
    expect(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.finalizers}'])).toBe('["orphan"]');
    expect(await ok(['delete', 'deployment', 'web-fg', '--cascade=foreground', '--wait=false'])).toBe('deployment.apps "web-fg" deleted\n');
    expect(await ok(['get', 'deployment', 'web-fg', '-o', 'jsonpath={.metadata.finalizers}'])).toBe('["foregroundDeletion"]');
    expect(await ok(['get', 'deployment', 'web-fg', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).toMatch(/^\d{4}-/);
  });
});
