// The whole control plane as real processes: store-server, apiserver, controller-manager, scheduler
// and kubelet-lite with 3 simulated nodes. Desired state goes in through kubectl; the checks read
// what the cluster did, continuously where the promise is about every moment (rolling updates).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane } from '../apiserver/testing/control-plane.js';
import { ComponentProcess } from './testing/components.js';

let cp: ControlPlane;
let controllerManager: ComponentProcess;
let scheduler: ComponentProcess;
let kubelet: ComponentProcess;

interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string; ownerReferences?: { name: string }[] };
  spec: { nodeName?: string; containers: { image: string }[] };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

async function json<T>(path: string): Promise<T> {
  const res = await fetch(cp.url + path);
  return (await res.json()) as T;
}

async function pods(selector: string): Promise<Pod[]> {
  return (await json<{ items: Pod[] }>(`/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
}

const isReady = (p: Pod) => (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- controller-manager:\n${controllerManager.output.slice(-2000)}\n--- scheduler:\n${scheduler.output.slice(-1000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await cp.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  cp = await ControlPlane.start();
  const server = ['--server', cp.url];
  controllerManager = new ComponentProcess('controller-manager', [...server, '--port', '0', '--leader-elect-lease-duration', '4s', '--leader-elect-renew-deadline', '3s', '--leader-elect-retry-period', '500ms', '--node-monitor-grace-period', '8s', '--default-not-ready-toleration-seconds', '2']);
  scheduler = new ComponentProcess('scheduler', [...server, '--port', '0', '--leader-elect=false']);
  kubelet = new ComponentProcess('kubelet-lite', [...server, '--port', '0', '--nodes', '3', '--lease-interval', '2s', '--start-delay', '300ms', '--ready-delay', '300ms']);
  controllerManager.start();
  scheduler.start();
  kubelet.start();
  await until('3 Ready nodes', async () => {
    const nodes = await json<{ items?: { status?: { conditions?: { type: string; status: string }[] } }[] }>('/api/v1/nodes');
    const ready = (nodes.items ?? []).filter((n) => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === 3 ? true : undefined;
  });
}, 90_000);

afterAll(async () => {
  await Promise.all([controllerManager?.kill(), scheduler?.kill(), kubelet?.kill()]);
  await cp?.stop();
});

describe('reconcile loops across real processes', () => {
  it('a Deployment of 10 replicas reaches 10 Running pods spread across 3 nodes', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=10']);
    const running = await until('10 ready pods', async () => {
      const ps = (await pods('app=web')).filter((p) => p.status.phase === 'Running' && isReady(p) && !p.metadata.deletionTimestamp);
      return ps.length === 10 ? ps : undefined;
    });
    const perNode = new Map<string, number>();
    for (const p of running) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    expect(perNode.size).toBe(3);
    for (const n of perNode.values()) expect(n).toBeGreaterThanOrEqual(2);
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toContain('successfully rolled out');
  });

  it('a Service gets Endpoints with the ready pods behind it', async () => {
    await ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    const subsets = await until('10 ready addresses', async () => {
      const ep = await json<{ subsets?: { addresses?: { ip: string; targetRef?: { kind: string } }[]; ports?: { port: number; protocol: string }[] }[] }>('/api/v1/namespaces/default/endpoints/web');
      const addresses = (ep.subsets ?? []).flatMap((s) => s.addresses ?? []);
      return addresses.length === 10 ? ep.subsets! : undefined;
    });
    expect(subsets.flatMap((s) => s.ports ?? [])).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(subsets.flatMap((s) => s.addresses ?? []).every((a) => a.targetRef?.kind === 'Pod' && /^10\.244\./.test(a.ip))).toBe(true);
  });

  it('a rolling update stays within maxSurge and maxUnavailable, survives kill -9 of the controller-manager, and rolls back', async () => {
    // Defaults: maxSurge 25% of 10 → 3 (rounded up), maxUnavailable 25% → 2 (rounded down).
    let worstTotal = 0;
    let worstAvailable = 10;
    let watching = true;
    const sample = (async () => {
      while (watching) {
        const ps = (await pods('app=web')).filter((p) => !p.metadata.deletionTimestamp);
        worstTotal = Math.max(worstTotal, ps.length);
        worstAvailable = Math.min(worstAvailable, ps.filter(isReady).length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.28']);
    // The controller-manager dies mid-rollout; its replacement takes the Lease and finishes the job.
    await new Promise((r) => setTimeout(r, 400));
    await controllerManager.kill('SIGKILL');
    controllerManager.start();
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('successfully rolled out');
    watching = false;
    await sample;
    expect(worstTotal).toBeLessThanOrEqual(13);
    expect(worstAvailable).toBeGreaterThanOrEqual(8);
    const images = new Set((await pods('app=web')).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0]!.image));
    expect([...images]).toEqual(['nginx:1.28']);

    await ok(['rollout', 'undo', 'deployment/web']);
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('successfully rolled out');
    expect(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('nginx:1.27');
  });

  it('a failed node: its pods are evicted and replaced on the other nodes; it recovers untainted', async () => {
    kubelet.signal('SIGUSR1'); // node-1 stops heartbeating
    await until('node-1 NotReady with the unreachable taint', async () => {
      const node = await json<{ spec?: { taints?: { key: string; effect: string }[] } }>('/api/v1/nodes/node-1');
      return (node.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? true : undefined;
    });
    await until('10 ready pods off node-1', async () => {
      const ps = (await pods('app=web')).filter((p) => !p.metadata.deletionTimestamp && isReady(p) && p.spec.nodeName !== 'node-1');
      return ps.length === 10 ? true : undefined;
    });
    kubelet.signal('SIGUSR2');
    await until('node-1 Ready and untainted', async () => {
      const node = await json<{ spec?: { taints?: unknown[] }; status?: { conditions?: { type: string; status: string }[] } }>('/api/v1/nodes/node-1');
      const ready = (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      return ready && (node.spec?.taints ?? []).length === 0 ? true : undefined;
    });
  });

  it('a Job runs to completion', async () => {
    await ok(['create', 'job', 'once', '--image=busybox']);
    expect(await ok(['wait', '--for=condition=complete', 'job/once', '--timeout=60s'])).toBe('job.batch/once condition met\n');
    expect(await ok(['get', 'job', 'once', '-o', 'jsonpath={.status.succeeded}'])).toBe('1');
  });

  it('kill -9 of the scheduler with 50 pending pods: the restarted scheduler places every pod once, within node capacity', async () => {
    await scheduler.kill('SIGKILL');
    await ok(['create', 'deployment', 'burst', '--image=nginx', '--replicas=50']);
    await until('50 pending pods', async () => ((await pods('app=burst')).length === 50 ? true : undefined));
    scheduler.start();
    await new Promise((r) => setTimeout(r, 300));
    await scheduler.kill('SIGKILL'); // again, while it is binding
    scheduler.start();
    const placed = await until('50 running pods', async () => {
      const ps = (await pods('app=burst')).filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp);
      return ps.length === 50 ? ps : undefined;
    });
    // Each pod bound exactly once (the binding subresource refuses a second node), and no node over max-pods.
    const perNode = new Map<string, number>();
    for (const p of placed) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    expect([...perNode.values()].reduce((a, b) => a + b, 0)).toBe(50);
    for (const n of perNode.values()) expect(n).toBeLessThanOrEqual(110);
    await ok(['delete', 'deployment', 'burst']);
  });

  it('kill -9 of kubelet-lite: after a restart its nodes and pods carry on', async () => {
    await kubelet.kill('SIGKILL');
    await ok(['scale', 'deployment', 'web', '--replicas=12']);
    kubelet.start();
    await until('12 ready pods after the kubelet restart', async () => {
      const ps = (await pods('app=web')).filter((p) => !p.metadata.deletionTimestamp && isReady(p));
      return ps.length === 12 ? true : undefined;
    });
    await ok(['scale', 'deployment', 'web', '--replicas=10']);
  });

  it('two controller-managers: only the leader acts; kill it and the other takes over', async () => {
    const second = new ComponentProcess('controller-manager', [...controllerManager.args]);
    second.start();
    try {
      const holder = async () => (await json<{ spec?: { holderIdentity?: string } }>('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager')).spec?.holderIdentity;
      const first = await until('a lease holder', async () => (await holder()) || undefined);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await holder()).toBe(first); // the newcomer waits
      await controllerManager.kill('SIGKILL');
      const next = await until('a new lease holder', async () => {
        const h = await holder();
        return h && h !== first ? h : undefined;
      }, 30_000);
      expect(next).not.toBe(first);
      // The new leader acts: a scale-up is carried out.
      await ok(['scale', 'deployment', 'web', '--replicas=11']);
      await until('11 ready pods under the new leader', async () => {
        const ps = (await pods('app=web')).filter((p) => !p.metadata.deletionTimestamp && isReady(p));
        return ps.length === 11 ? true : undefined;
      });
    } finally {
      // The survivor stays as "the" controller-manager for the tests after this one.
      controllerManager = second;
    }
  });

  it('deleting the Deployment removes its ReplicaSets and pods (garbage collector)', async () => {
    await ok(['delete', 'deployment', 'web']);
    await until('no ReplicaSets and no pods of web', async () => {
      const rs = await json<{ items: unknown[] }>('/apis/apps/v1/namespaces/default/replicasets');
      const ps = await pods('app=web');
      return rs.items.length === 0 && ps.length === 0 ? true : undefined;
    });
  });

  it('deleting a namespace deletes its content, then the namespace', async () => {
    await ok(['create', 'namespace', 'team']);
    await ok(['-n', 'team', 'create', 'deployment', 'api', '--image=nginx', '--replicas=2']);
    await ok(['-n', 'team', 'create', 'configmap', 'settings', '--from-literal=a=b']);
    await until('2 pods in team', async () => ((await json<{ items: unknown[] }>('/api/v1/namespaces/team/pods')).items.length === 2 ? true : undefined));
    await ok(['delete', 'namespace', 'team', '--timeout=60s']);
    const gone = await cp.kubectl(['get', 'namespace', 'team']);
    expect(gone.stderr).toContain('namespaces "team" not found');
  });
});
