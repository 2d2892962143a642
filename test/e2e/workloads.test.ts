// DaemonSets and StatefulSets across real processes: store-server, apiserver, controller-manager,
// scheduler and kubelet-lite with 3 simulated nodes (then a 4th from a second kubelet-lite).
// Desired state goes in through the real kubectl; the checks read what the cluster did, sampling
// continuously where the promise is about order (OrderedReady).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPlane } from '../apiserver/testing/control-plane.js';
import { ComponentProcess } from './testing/components.js';

let cp: ControlPlane;
let controllerManager: ComponentProcess;
let scheduler: ComponentProcess;
let kubelet: ComponentProcess;
let kubelet4: ComponentProcess | undefined;

interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string; creationTimestamp?: string; uid?: string };
  spec: { nodeName?: string; hostname?: string; subdomain?: string; containers: { image: string }[]; tolerations?: { key?: string }[] };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

async function json<T>(path: string): Promise<T> {
  const res = await fetch(cp.url + path);
  return (await res.json()) as T;
}

async function pods(selector: string): Promise<Pod[]> {
  return (await json<{ items: Pod[] }>(`/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
}

const isReady = (p: Pod) => p.status.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const live = (ps: Pod[]) => ps.filter((p) => !p.metadata.deletionTimestamp);

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- controller-manager:\n${controllerManager.output.slice(-3000)}\n--- scheduler:\n${scheduler.output.slice(-1000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await cp.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

const kubeletArgs = (server: string[]) => [...server, '--port', '0', '--lease-interval', '2s', '--start-delay', '300ms', '--ready-delay', '300ms', '--stop-delay', '300ms'];

beforeAll(async () => {
  cp = await ControlPlane.start();
  const server = ['--server', cp.url];
  controllerManager = new ComponentProcess('controller-manager', [...server, '--port', '0', '--leader-elect=false']);
  scheduler = new ComponentProcess('scheduler', [...server, '--port', '0', '--leader-elect=false']);
  kubelet = new ComponentProcess('kubelet-lite', [...kubeletArgs(server), '--nodes', '3']);
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
  await Promise.all([controllerManager?.kill(), scheduler?.kill(), kubelet?.kill(), kubelet4?.kill()]);
  await cp?.stop();
});

const daemonSet = (image: string) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }] } },
    },
  });

const statefulSet = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 3,
    serviceName: 'nginx',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
  },
});

describe('DaemonSet across real processes', () => {
  it('puts one Ready pod on each of 3 nodes, pinned by node affinity and bound by the scheduler', async () => {
    await ok(['apply', '-f', '-'], daemonSet('agent:1'));
    const ready = await until('3 ready agent pods', async () => {
      const ps = live(await pods('app=agent')).filter(isReady);
      return ps.length === 3 ? ps : undefined;
    });
    expect(ready.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    for (const p of ready) {
      expect(p.metadata.labels?.['controller-revision-hash']).toBeTruthy();
      expect(p.metadata.labels?.['pod-template-generation']).toBe('1');
      expect((p.spec.tolerations ?? []).map((t) => t.key)).toContain('node.kubernetes.io/unreachable');
    }
    await until('DaemonSet status', async () => {
      const s = await json<{ status?: Record<string, number> }>('/apis/apps/v1/namespaces/default/daemonsets/agent');
      return s.status?.['numberReady'] === 3 && s.status['desiredNumberScheduled'] === 3 && s.status['updatedNumberScheduled'] === 3 && s.status['numberAvailable'] === 3 && s.status['observedGeneration'] === 1 ? true : undefined;
    });
    expect(await ok(['rollout', 'status', 'daemonset/agent', '--timeout=30s'])).toContain('successfully rolled out');
  });

  it('a 4th node joining (a second kubelet-lite) gets its pod', async () => {
    kubelet4 = new ComponentProcess('kubelet-lite', [...kubeletArgs(['--server', cp.url]), '--first-index', '4', '--nodes', '1']);
    kubelet4.start();
    const ready = await until('4 ready agent pods', async () => {
      const ps = live(await pods('app=agent')).filter(isReady);
      return ps.length === 4 ? ps : undefined;
    });
    expect(ready.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
  });

  it('a new image rolls out node by node, never more than one node without a ready agent', async () => {
    let worstReady = 4;
    let worstLive = 0;
    let watching = true;
    const sample = (async () => {
      while (watching) {
        const ps = live(await pods('app=agent'));
        worstReady = Math.min(worstReady, ps.filter(isReady).length);
        worstLive = Math.max(worstLive, ps.length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await ok(['apply', '-f', '-'], daemonSet('agent:2'));
    expect(await ok(['rollout', 'status', 'daemonset/agent', '--timeout=60s'])).toContain('successfully rolled out');
    watching = false;
    await sample;
    const ps = live(await pods('app=agent'));
    expect(ps.map((p) => p.spec.containers[0]!.image)).toEqual(['agent:2', 'agent:2', 'agent:2', 'agent:2']);
    expect(worstReady).toBeGreaterThanOrEqual(3); // maxUnavailable 1
    expect(worstLive).toBeLessThanOrEqual(4); // maxSurge 0: delete first, then create
    await ok(['delete', 'daemonset', 'agent']);
  });
});

describe('StatefulSet across real processes', () => {
  it('creates web-0, web-1, web-2 in order, each Running and Ready before the next', async () => {
    // When each pod first appears, and when it is first seen Running and Ready.
    const created = new Map<string, number>();
    const readyAt = new Map<string, number>();
    let watching = true;
    const sample = (async () => {
      while (watching) {
        const now = Date.now();
        for (const p of live(await pods('app=web'))) {
          if (!created.has(p.metadata.name)) created.set(p.metadata.name, now);
          if (isReady(p) && !readyAt.has(p.metadata.name)) readyAt.set(p.metadata.name, now);
        }
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    await ok(['apply', '-f', '-'], statefulSet);
    await until('3 ready web pods', async () => (live(await pods('app=web')).filter(isReady).length === 3 ? true : undefined));
    watching = false;
    await sample;
    expect([...created.keys()].sort()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(created.get('web-1')!).toBeGreaterThanOrEqual(readyAt.get('web-0')!);
    expect(created.get('web-2')!).toBeGreaterThanOrEqual(readyAt.get('web-1')!);
    const ps = await pods('app=web');
    for (const p of ps) {
      expect(p.metadata.labels?.['statefulset.kubernetes.io/pod-name']).toBe(p.metadata.name);
      expect(p.metadata.labels?.['apps.kubernetes.io/pod-index']).toBe(p.metadata.name.slice(4));
      expect(p.metadata.labels?.['controller-revision-hash']).toMatch(/^web-/);
      expect(p.spec.hostname).toBe(p.metadata.name);
      expect(p.spec.subdomain).toBe('nginx');
    }
    await until('StatefulSet status', async () => {
      const s = await json<{ status?: Record<string, number | string> }>('/apis/apps/v1/namespaces/default/statefulsets/web');
      return s.status?.['readyReplicas'] === 3 && s.status['availableReplicas'] === 3 && s.status['updatedReplicas'] === 3 && s.status['currentRevision'] === s.status['updateRevision'] ? true : undefined;
    });
    expect(await ok(['rollout', 'status', 'statefulset/web', '--timeout=30s'])).toContain('roll');
  });

  it('a deleted pod comes back with the same name', async () => {
    const before = (await pods('app=web')).find((p) => p.metadata.name === 'web-1')!;
    await ok(['delete', 'pod', 'web-1', '--wait=false']);
    await until('web-1 back, Ready, with a new uid', async () => {
      const p = live(await pods('app=web')).find((x) => x.metadata.name === 'web-1');
      return p && p.metadata.uid !== before.metadata.uid && isReady(p) ? true : undefined;
    });
  });

  it('scaling down removes web-2 first, then web-1', async () => {
    const gone: string[] = [];
    let watching = true;
    const sample = (async () => {
      while (watching) {
        const names = new Set((await pods('app=web')).map((p) => p.metadata.name));
        for (const n of ['web-2', 'web-1']) if (!names.has(n) && !gone.includes(n)) gone.push(n);
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    await ok(['scale', 'statefulset', 'web', '--replicas=1']);
    await until('only web-0 left', async () => {
      const ps = await pods('app=web');
      return ps.length === 1 && ps[0]!.metadata.name === 'web-0' ? true : undefined;
    });
    watching = false;
    await sample;
    expect(gone).toEqual(['web-2', 'web-1']);
    await ok(['delete', 'statefulset', 'web']);
    await until('no web pods', async () => ((await pods('app=web')).length === 0 ? true : undefined));
  });
});
