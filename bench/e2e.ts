// npm run bench:e2e — the whole control plane under one big Deployment. A benchmark, not a test: it
// asserts nothing about speed; it prints figures, and every anomaly it saw, beside Kubernetes' own.
//
//   node dist/bench/e2e.js [--nodes N] [--replicas N] [--kubelets K] [--timeout S]
//
// It starts, as real processes on free ports: a 1-member store-server, one apiserver, the
// controller-manager, the scheduler and kubelet-lite with N simulated nodes (default 100); waits for
// every node to be Ready; then POSTs a Deployment of R replicas (default 3,000) and follows its pods
// through one watch (/api/v1/namespaces/default/pods?watch=1) until all R are Running and Ready.
//
// Times are taken in this client, when an event arrives (performance.now()), not from status
// timestamps, which are second-precision on the wire:
//   - scheduled: the first event showing the pod with spec.nodeName;
//   - startup latency: the pod's ADDED event → its first event with phase Running (and → Ready). The
//     SLO's own definition (creationTimestamp → Running observed via watch) is shown too; there the
//     creation side is the second-precision creationTimestamp, so it reads up to 1 s high.
// kubelet-lite runs with --start-delay 0s --ready-delay 0s: a pod's containers start as soon as its
// node sees it, and it is Ready at once, so nothing has to be subtracted for a simulated start.
//
// Simulated nodes: one kubelet-lite process for all of them by default (--kubelets 1). kubelet-lite
// holds one pod watch per process, and a process with more than one node watches every bound pod
// (fieldSelector spec.nodeName!=) and keeps only its own: K processes would make the apiserver encode
// and send every pod event K times and K processes parse each, for no extra CPU to run them on (2
// CPUs here) — more work on the same cores, which is what would starve this client and the rest.
// --kubelets K splits the nodes over K processes with --first-index, to compare (100 nodes, 3,000
// pods: 4 processes spent 8.0 s of kubelet CPU between them, one process 4.2–4.4 s).
//
// All children are killed and temp dirs removed on exit, on error, and on Ctrl-C/SIGTERM/SIGHUP.

import { existsSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { call, Child, type ChildOptions, makeTempDir, runBenchmark, sleep, startApiserver, startStore } from './processes.js';
import { percentile, sorted } from './stats.js';

// dist/bench/e2e.js -> the repository root.
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = {
  store: join(ROOT, 'dist/store/server/main.js'),
  apiserver: join(ROOT, 'dist/apiserver/main.js'),
  controllers: join(ROOT, 'dist/controllers/main.js'),
  scheduler: join(ROOT, 'dist/scheduler/main.js'),
  kubelet: join(ROOT, 'dist/kubelet-lite/main.js'),
};

const NAMESPACE = 'default';
const APP = 'bench-e2e';

// The figures printed beside ours, with where they come from.
const SLO_STARTUP = 'p99 ≤ 5 s (SLO, excl. image pulls)';
const SLO_STARTUP_SOURCE = 'kubernetes/community sig-scalability/slos/pod_startup_latency.md';
const SCHED_REF = '≥ 400 pods/s (CL2 threshold)';
const SCHED_REF_SOURCE =
  'kubernetes/perf-tests clusterloader2/testing/scheduler-throughput/config.yaml: SchedulingThroughput threshold ' +
  'CL2_SCHEDULER_THROUGHPUT_THRESHOLD defaults to 400 pods/s (5,000 pods created at 500 qps, clusters of 100+ nodes); ' +
  'the same test holds PodStartupLatency to 5 s';

interface Options {
  nodes: number;
  replicas: number;
  kubelets: number;
  timeoutS: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { nodes: 100, replicas: 3_000, kubelets: 1, timeoutS: 240 };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const count = (): number => {
      const v = inline ?? argv[++i];
      const n = Number(v);
      if (v === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`${name}: want a positive integer, got ${JSON.stringify(v)}`);
      return n;
    };
    switch (name) {
      case '--nodes':
        o.nodes = count();
        break;
      case '--replicas':
        o.replicas = count();
        break;
      case '--kubelets':
        o.kubelets = count();
        break;
      case '--timeout':
        o.timeoutS = count();
        break;
      case '--help':
      case '-h':
        process.stdout.write('usage: node dist/bench/e2e.js [--nodes N (100)] [--replicas N (3000)] [--kubelets K (1)] [--timeout S (240, for the pods)]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(argv[i])}`);
    }
  }
  if (o.kubelets > o.nodes) throw new Error(`--kubelets ${o.kubelets} > --nodes ${o.nodes}`);
  return o;
}

// ---------------------------------------------------------------------------------------------
// The API, as plain JSON over HTTP

interface Condition {
  type: string;
  status: string;
}
interface Pod {
  metadata: { name: string; creationTimestamp?: string; deletionTimestamp?: string; resourceVersion?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: Condition[] };
}
interface Node {
  metadata: { name: string };
  spec?: { taints?: { key: string; effect: string }[]; unschedulable?: boolean };
  status?: { conditions?: Condition[]; capacity?: Record<string, string>; allocatable?: Record<string, string> };
}
interface List<T> {
  metadata: { resourceVersion: string };
  items: T[];
}

let apiPort = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** A JSON request to the apiserver that throws when there is no answer at all. */
async function request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const r = await call(agent, apiPort, method, path, body === undefined ? undefined : JSON.stringify(body), 60_000);
  if (r.status === 0) throw new Error(`${method} ${path}: ${r.error ?? 'no response'}`);
  return { status: r.status, text: r.body.toString('utf8') };
}

async function getJSON<T>(path: string): Promise<T> {
  const r = await request('GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return JSON.parse(r.text) as T;
}

const isTrue = (conds: Condition[] | undefined, type: string) => (conds ?? []).some((c) => c.type === type && c.status === 'True');

/** The apiserver's /metrics samples: `name{labels}` → value (Prometheus text format). */
async function scrape(): Promise<Map<string, number>> {
  const r = await request('GET', '/metrics');
  const m = new Map<string, number>();
  for (const line of r.text.split('\n')) {
    if (!line.startsWith('apiserver_request_')) continue;
    const sp = line.lastIndexOf(' ');
    m.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return m;
}

function labels(series: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, k, v] of series.matchAll(/(\w+)="([^"]*)"/g)) out[k!] = v!;
  return out;
}

const MUTATING = new Set(['CREATE', 'UPDATE', 'PATCH', 'DELETE', 'DELETECOLLECTION', 'POST', 'PUT']);

/**
 * What the apiserver served between two scrapes: requests by verb and resource, error codes, and the
 * p99 of mutating calls from the latency histogram (as the bucket bound it falls under).
 */
function apiSummary(
  a: Map<string, number>,
  b: Map<string, number>,
): { byKind: [string, number][]; codes: [string, number][]; total: number; mutatingP99: string; mutating: number; podCreateP50: string; podCreateP99: string } {
  const byKind = new Map<string, number>();
  const codes = new Map<string, number>();
  const buckets = new Map<number, number>();
  const podCreate = new Map<number, number>();
  let total = 0;
  for (const [k, v] of b) {
    const d = v - (a.get(k) ?? 0);
    if (d <= 0) continue;
    const l = labels(k);
    if (k.startsWith('apiserver_request_total{')) {
      const kind = `${l['verb']} ${l['resource']}${l['subresource'] ? '/' + l['subresource'] : ''}`;
      byKind.set(kind, (byKind.get(kind) ?? 0) + d);
      total += d;
      if (l['code'] && !/^2/.test(l['code'])) codes.set(`${l['code']} on ${kind}`, (codes.get(`${l['code']} on ${kind}`) ?? 0) + d);
    } else if (k.startsWith('apiserver_request_duration_seconds_bucket{') && MUTATING.has(l['verb'] ?? '')) {
      const le = l['le'] === '+Inf' ? Infinity : Number(l['le']);
      buckets.set(le, (buckets.get(le) ?? 0) + d);
      if (l['verb'] === 'CREATE' && l['resource'] === 'pods' && !l['subresource']) podCreate.set(le, (podCreate.get(le) ?? 0) + d);
    }
  }
  // Cumulative buckets: the quantile lies under the first bound holding that share of the calls.
  const quantile = (h: Map<number, number>, q: number): string => {
    const all = h.get(Infinity) ?? 0;
    const bound = [...h.keys()].sort((x, y) => x - y).find((le) => (h.get(le) ?? 0) >= q * all);
    return all === 0 || bound === undefined ? 'n/a' : bound === Infinity ? '> 60 s' : `≤ ${bound} s`;
  };
  return {
    byKind: [...byKind].sort((x, y) => y[1] - x[1]),
    codes: [...codes].sort((x, y) => y[1] - x[1]),
    total,
    mutatingP99: quantile(buckets, 0.99),
    mutating: buckets.get(Infinity) ?? 0,
    podCreateP50: quantile(podCreate, 0.5),
    podCreateP99: quantile(podCreate, 0.99),
  };
}

// ---------------------------------------------------------------------------------------------
// The cluster

interface Cluster {
  store: Child;
  apiserver: Child;
  controllers: Child;
  scheduler: Child;
  kubelets: Child[];
  all: Child[];
}

async function startCluster(o: Options): Promise<Cluster> {
  const dir = makeTempDir('bench-e2e-');
  // Every child counts its warning and error lines: the report lists them.
  const logs: ChildOptions = { countLogLines: true };
  const { store, clientUrl } = await startStore('store-server', process.execPath, [BIN.store], join(dir, 'm1'), logs);
  const { apiserver, port } = await startApiserver(BIN.apiserver, clientUrl, logs);
  apiPort = port;
  const server = ['--server', `http://127.0.0.1:${apiPort}`, '--port', '0'];
  const controllers = new Child('controller-manager', process.execPath, [BIN.controllers, ...server, '--leader-elect=false'], logs);
  const scheduler = new Child('scheduler', process.execPath, [BIN.scheduler, ...server, '--leader-elect=false'], logs);
  const kubelets: Child[] = [];
  const per = Math.floor(o.nodes / o.kubelets);
  let first = 1;
  for (let k = 0; k < o.kubelets; k++) {
    const n = k < o.kubelets - 1 ? per : o.nodes - first + 1;
    const name = o.kubelets === 1 ? 'kubelet-lite' : `kubelet-lite[${first}-${first + n - 1}]`;
    kubelets.push(new Child(name, process.execPath, [BIN.kubelet, ...server, '--nodes', String(n), '--first-index', String(first), '--start-delay', '0s', '--ready-delay', '0s'], logs));
    first += n;
  }
  return { store, apiserver, controllers, scheduler, kubelets, all: [store, apiserver, controllers, scheduler, ...kubelets] };
}

function dead(c: Cluster): Child | undefined {
  return c.all.find((x) => !x.alive);
}

async function waitForNodes(c: Cluster, want: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const d = dead(c);
    if (d) throw new Error(`${d.name} exited while nodes registered:\n${d.tail()}`);
    try {
      const nodes = await getJSON<List<Node>>('/api/v1/nodes');
      const ready = nodes.items.filter((n) => isTrue(n.status?.conditions, 'Ready') && !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/')));
      last = `${nodes.items.length} registered, ${ready.length} Ready and untainted`;
      if (ready.length >= want) return;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`${want} Ready nodes: not after ${timeoutMs / 1000} s (${last})`);
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------
// Following the pods

interface PodRec {
  addedAt: number;
  /** creationTimestamp (second precision), ms since the epoch. */
  created: number | undefined;
  node?: string;
  scheduledAt?: number;
  runningAt?: number;
  /** Wall clock at runningAt, for the SLO's creationTimestamp-based measure. */
  runningWall?: number;
  readyAt?: number;
  deletedAt?: number;
  /** Seen through a re-list rather than an event: its times are approximate. */
  relisted?: boolean;
}

/** One watch on the Deployment's pods; every arrival is stamped with this client's clock. */
class PodWatch {
  readonly pods = new Map<string, PodRec>();
  readonly events: Record<string, number> = {};
  readonly anomalies: string[] = [];
  /** Pods currently bound to each node (from the events), and the most ever. */
  readonly perNode = new Map<string, number>();
  readonly maxPerNode = new Map<string, number>();
  /** Pods now Running and Ready and not being deleted. */
  readonly up = new Set<string>();
  scheduled = 0;
  running = 0;
  reconnects = 0;
  private req: http.ClientRequest | undefined;
  private stopped = false;
  private rv = '';
  private readonly selector = encodeURIComponent(`app=${APP}`);
  private waiters: Array<() => void> = [];

  constructor(private readonly want: number) {}

  async start(): Promise<void> {
    const list = await getJSON<List<Pod>>(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${this.selector}`);
    this.rv = list.metadata.resourceVersion;
    for (const p of list.items) this.handle('ADDED', p, performance.now(), Date.now(), true);
    await this.open();
  }

  stop(): void {
    this.stopped = true;
    this.req?.destroy();
  }

  /** Resolves once `want` pods are Running and Ready at the same time. */
  allUp(): Promise<void> {
    if (this.up.size >= this.want) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  private anomaly(msg: string): void {
    if (this.anomalies.length < 30) this.anomalies.push(msg);
    else if (this.anomalies.length === 30) this.anomalies.push('… (more anomalies left out)');
  }

  private open(): Promise<void> {
    return new Promise<void>((opened) => {
      const path = `/api/v1/namespaces/${NAMESPACE}/pods?watch=1&allowWatchBookmarks=true&labelSelector=${this.selector}&resourceVersion=${this.rv}`;
      const req = http.get({ host: '127.0.0.1', port: apiPort, path, agent: false, headers: { Accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => {
            this.anomaly(`watch answered ${res.statusCode}: ${body.slice(0, 300)}`);
            opened();
            this.reopen(true);
          });
          return;
        }
        opened();
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const t = performance.now();
          const wall = Date.now();
          const buf = rest + chunk;
          let pos = 0;
          for (let nl = buf.indexOf('\n', pos); nl >= 0; nl = buf.indexOf('\n', pos)) {
            const line = buf.slice(pos, nl);
            pos = nl + 1;
            if (line.trim() === '') continue;
            let ev: { type: string; object: Pod & { code?: number; message?: string } };
            try {
              ev = JSON.parse(line) as typeof ev;
            } catch {
              this.anomaly(`watch: unparsable line: ${line.slice(0, 200)}`);
              continue;
            }
            this.events[ev.type] = (this.events[ev.type] ?? 0) + 1;
            if (ev.type === 'ERROR') {
              this.anomaly(`watch ERROR event: ${ev.object.code ?? ''} ${ev.object.message ?? ''}`);
              req.destroy();
              this.reopen(true);
              return;
            }
            if (ev.object.metadata?.resourceVersion) this.rv = ev.object.metadata.resourceVersion;
            if (ev.type === 'BOOKMARK') continue;
            this.handle(ev.type, ev.object, t, wall, false);
          }
          rest = buf.slice(pos);
        });
        res.on('end', () => this.reopen(false));
        res.on('error', () => this.reopen(false));
      });
      req.on('error', (e) => {
        if (!this.stopped) this.anomaly(`watch connection error: ${e.message}`);
        opened();
        this.reopen(false);
      });
      this.req = req;
    });
  }

  private reopening = false;

  /** The watch ended: continue from the last resourceVersion, or re-list first when it expired. */
  private reopen(relist: boolean): void {
    if (this.stopped || this.reopening) return;
    this.reopening = true;
    this.reconnects++;
    void (async () => {
      await sleep(relist ? 1000 : 100);
      try {
        if (relist) {
          const list = await getJSON<List<Pod>>(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${this.selector}`);
          this.rv = list.metadata.resourceVersion;
          const t = performance.now();
          for (const p of list.items) this.handle('MODIFIED', p, t, Date.now(), true);
        }
        this.reopening = false;
        if (!this.stopped) await this.open();
      } catch (e) {
        this.reopening = false;
        this.anomaly(`watch re-list failed: ${e instanceof Error ? e.message : String(e)}`);
        this.reopen(true);
      }
    })();
  }

  private handle(type: string, pod: Pod, t: number, wall: number, relisted: boolean): void {
    const name = pod.metadata.name;
    let rec = this.pods.get(name);
    if (!rec) {
      const created = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : undefined;
      rec = { addedAt: t, created, ...(relisted ? { relisted } : {}) };
      this.pods.set(name, rec);
    }
    if (type === 'DELETED' || pod.metadata.deletionTimestamp) {
      if (rec.deletedAt === undefined) {
        rec.deletedAt = t;
        this.anomaly(`pod ${name} ${type === 'DELETED' ? 'deleted' : 'being deleted'} ${((t - rec.addedAt) / 1000).toFixed(1)} s after it appeared`);
      }
      this.up.delete(name);
      if (type === 'DELETED' && rec.node !== undefined) this.perNode.set(rec.node, (this.perNode.get(rec.node) ?? 1) - 1);
      return;
    }
    const node = pod.spec?.nodeName;
    if (node && rec.node === undefined) {
      rec.node = node;
      rec.scheduledAt = t;
      this.scheduled++;
      const n = (this.perNode.get(node) ?? 0) + 1;
      this.perNode.set(node, n);
      if (n > (this.maxPerNode.get(node) ?? 0)) this.maxPerNode.set(node, n);
    } else if (node && rec.node !== node) {
      this.anomaly(`pod ${name} moved from ${rec.node} to ${node}`);
    } else if (!node && rec.node !== undefined) {
      this.anomaly(`pod ${name} lost its nodeName (was ${rec.node})`);
    }
    const phase = pod.status?.phase;
    if (phase === 'Running' && rec.runningAt === undefined) {
      rec.runningAt = t;
      rec.runningWall = wall;
      this.running++;
    } else if (rec.runningAt !== undefined && phase !== 'Running') {
      this.anomaly(`pod ${name} left Running for ${phase ?? 'no phase'}`);
    }
    const ready = isTrue(pod.status?.conditions, 'Ready');
    if (ready && rec.readyAt === undefined) rec.readyAt = t;
    if (phase === 'Running' && ready) this.up.add(name);
    else this.up.delete(name);
    if (this.up.size >= this.want && this.waiters.length > 0) {
      for (const w of this.waiters.splice(0)) w();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Figures

function sec(ms: number | undefined, digits = 2): string {
  return ms === undefined || !Number.isFinite(ms) ? 'n/a' : `${(ms / 1000).toFixed(digits)} s`;
}

function rate(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(0)}/s`;
}

/** Per-second counts of the times in [from, to): the CL2-style throughput samples. */
function perSecond(times: number[], from: number, to: number): number[] {
  const buckets = new Array<number>(Math.max(1, Math.ceil((to - from) / 1000))).fill(0);
  for (const t of times) {
    const i = Math.floor((t - from) / 1000);
    if (i >= 0 && i < buckets.length) buckets[i]!++;
  }
  return buckets;
}

interface Sample {
  t: number;
  created: number;
  scheduled: number;
  running: number;
  up: number;
  cpu: (number | undefined)[];
}

// ---------------------------------------------------------------------------------------------
// The run

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  for (const f of Object.values(BIN)) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`);
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  const log = (m: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${m}\n`);
  const notes: string[] = [];
  const rows: [string, string, string][] = [];

  log(`starting store-server and apiserver`);
  const c = await startCluster(o);
  log(`apiserver on :${apiPort}; controller-manager, scheduler and ${o.kubelets} kubelet-lite process(es) with ${o.nodes} nodes started`);
  const nodesT0 = performance.now();
  await waitForNodes(c, o.nodes, 120_000);
  const nodesReadyMs = performance.now() - nodesT0;
  log(`${o.nodes} nodes Ready in ${sec(nodesReadyMs, 1)}`);

  const nodeList = await getJSON<List<Node>>('/api/v1/nodes');
  const maxPods = new Map(nodeList.items.map((n) => [n.metadata.name, Number(n.status?.allocatable?.['pods'] ?? n.status?.capacity?.['pods'] ?? NaN)]));
  const capacity = [...maxPods.values()].reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
  if (capacity < o.replicas) notes.push(`${o.replicas} replicas exceed the nodes' pod capacity (${capacity}): some must stay Pending`);

  const watch = new PodWatch(o.replicas);
  await watch.start();

  // CPU at the start of the Deployment phase, then one sample a second.
  const cpuAt = () => c.all.map((x) => x.cpuSeconds());
  const ownCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const metrics0 = await scrape();
  const mainAt = () => c.all.map((x) => x.mainThreadSeconds());
  const cpu0 = cpuAt();
  const main0 = mainAt();
  const own0 = ownCpu();
  const t0 = performance.now();
  const samples: Sample[] = [];
  const sample = () => samples.push({ t: performance.now() - t0, created: watch.pods.size, scheduled: watch.scheduled, running: watch.running, up: watch.up.size, cpu: [...cpuAt(), ownCpu()] });
  sample();
  let lastLog = 0;
  const ticker = setInterval(() => {
    sample();
    const s = samples[samples.length - 1]!;
    if (s.t - lastLog >= 5000) {
      lastLog = s.t;
      log(`t=${(s.t / 1000).toFixed(0)} s: ${s.created} created, ${s.scheduled} scheduled, ${s.running} running, ${s.up} running+ready`);
    }
  }, 1000);

  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: APP, labels: { app: APP } },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: APP } },
      template: { metadata: { labels: { app: APP } }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10' }] } },
    },
  };
  log(`POST Deployment ${APP} with ${o.replicas} replicas`);
  const created = await request('POST', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, deployment);
  if (created.status !== 201) throw new Error(`POST deployment: ${created.status} ${created.text.slice(0, 500)}`);

  // Until every pod is Running and Ready, a child dies, or the time is up.
  let outcome: 'done' | 'timeout' | 'died' = 'timeout';
  let deadChild: Child | undefined;
  const timeout = sleep(o.timeoutS * 1000).then(() => 'timeout' as const);
  const died = (async () => {
    for (;;) {
      await sleep(500);
      deadChild = dead(c);
      if (deadChild) return 'died' as const;
    }
  })();
  outcome = await Promise.race([watch.allUp().then(() => 'done' as const), timeout, died]);
  const doneAt = performance.now() - t0;
  clearInterval(ticker);
  sample();
  const cpu1 = cpuAt();
  const main1 = mainAt();
  const own1 = ownCpu();
  const metrics1 = await scrape().catch(() => new Map<string, number>());
  log(outcome === 'done' ? `all ${o.replicas} pods Running and Ready after ${sec(doneAt, 1)}` : outcome === 'died' ? `${deadChild?.name} died` : `timed out after ${o.timeoutS} s`);
  if (outcome === 'timeout') notes.push(`not all pods Running and Ready within --timeout ${o.timeoutS} s: ${watch.pods.size} created, ${watch.scheduled} scheduled, ${watch.running} Running, ${watch.up.size} Running and Ready`);
  if (outcome === 'died') notes.push(`${deadChild?.died ?? deadChild?.name + ' died'}; last output:\n${deadChild?.tail(2000) ?? ''}`);

  // The Deployment's own status catching up (the deployment controller's view), up to 30 s.
  let deploymentReadyAt: number | undefined;
  if (outcome === 'done') {
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      try {
        const d = await getJSON<{ status?: { readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number } }>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${APP}`);
        if ((d.status?.readyReplicas ?? 0) >= o.replicas && (d.status?.availableReplicas ?? 0) >= o.replicas) {
          deploymentReadyAt = performance.now() - t0;
          break;
        }
      } catch {
        /* retry */
      }
      await sleep(250);
    }
    if (deploymentReadyAt === undefined) notes.push(`Deployment status did not report ${o.replicas} ready and available replicas within 30 s of the pods`);
  }

  // -------------------------------------------------------------------------------------------
  // Checks on the end state: placement against max-pods, phases, nodes, logs.
  const pods = await getJSON<List<Pod>>(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(`app=${APP}`)}`);
  const nodesEnd = await getJSON<List<Node>>('/api/v1/nodes');
  const allPods = await getJSON<List<Pod>>('/api/v1/pods');
  const onNode = new Map<string, number>();
  for (const p of allPods.items) {
    const n = p.spec?.nodeName;
    if (n && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed') onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const over = [...onNode].filter(([n, k]) => k > (maxPods.get(n) ?? Infinity));
  const everOver = [...watch.maxPerNode].filter(([n, k]) => k > (maxPods.get(n) ?? Infinity));
  const unknownNode = pods.items.filter((p) => p.spec?.nodeName && !maxPods.has(p.spec.nodeName));
  const phases = new Map<string, number>();
  for (const p of pods.items) phases.set(p.status?.phase ?? '(none)', (phases.get(p.status?.phase ?? '(none)') ?? 0) + 1);
  const counts = [...onNode.values()];
  const notReady = nodesEnd.items.filter((n) => !isTrue(n.status?.conditions, 'Ready'));
  const tainted = nodesEnd.items.filter((n) => (n.spec?.taints ?? []).length > 0);
  if (pods.items.length !== o.replicas) notes.push(`${pods.items.length} pods carry app=${APP}, for ${o.replicas} replicas`);
  if (over.length > 0) notes.push(`nodes over their max-pods at the end: ${over.map(([n, k]) => `${n} ${k}/${maxPods.get(n)}`).join(', ')}`);
  if (everOver.length > 0) notes.push(`nodes over their max-pods at some moment (from the watch): ${everOver.map(([n, k]) => `${n} ${k}/${maxPods.get(n)}`).join(', ')}`);
  if (unknownNode.length > 0) notes.push(`${unknownNode.length} pods bound to nodes that do not exist, e.g. ${unknownNode[0]!.metadata.name} → ${unknownNode[0]!.spec!.nodeName}`);
  if (notReady.length > 0) notes.push(`${notReady.length} nodes not Ready at the end: ${notReady.slice(0, 10).map((n) => n.metadata.name).join(', ')}`);
  if (tainted.length > 0) notes.push(`${tainted.length} nodes tainted at the end: ${tainted.slice(0, 5).map((n) => `${n.metadata.name} ${(n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).join(',')}`).join('; ')}`);
  if (watch.reconnects > 0) notes.push(`the pod watch was re-opened ${watch.reconnects} time(s)`);
  if ([...watch.pods.values()].some((r) => r.relisted)) notes.push('some pods were first seen through a re-list: their times are approximate');
  notes.push(...watch.anomalies);
  watch.stop();

  // -------------------------------------------------------------------------------------------
  // Figures
  const recs = [...watch.pods.values()].filter((r) => !r.relisted);
  const firstAdded = Math.min(...recs.map((r) => r.addedAt));
  const addedTimes = sorted(recs.map((r) => r.addedAt));
  const schedTimes = sorted(recs.flatMap((r) => (r.scheduledAt === undefined ? [] : [r.scheduledAt])));
  const runTimes = sorted(recs.flatMap((r) => (r.runningAt === undefined ? [] : [r.runningAt])));
  const lastOf = (xs: number[]) => xs[xs.length - 1];
  const createSpan = addedTimes.length > 1 ? lastOf(addedTimes)! - addedTimes[0]! : undefined;
  const schedSpan = schedTimes.length > 0 ? lastOf(schedTimes)! - firstAdded : undefined;
  const schedBuckets = schedTimes.length > 0 ? perSecond(schedTimes, schedTimes[0]!, lastOf(schedTimes)! + 1) : [];
  const bucketsSorted = sorted(schedBuckets);
  const schedLat = sorted(recs.flatMap((r) => (r.scheduledAt === undefined ? [] : [r.scheduledAt - r.addedAt])));
  const startLat = sorted(recs.flatMap((r) => (r.runningAt === undefined ? [] : [r.runningAt - r.addedAt])));
  const readyLat = sorted(recs.flatMap((r) => (r.readyAt === undefined ? [] : [r.readyAt - r.addedAt])));
  const sloLat = sorted(recs.flatMap((r) => (r.runningWall === undefined || r.created === undefined ? [] : [r.runningWall - r.created])));
  const rel = (t: number | undefined) => (t === undefined ? undefined : t - t0);

  const n = (x: number) => x.toLocaleString('en-US');
  rows.push(
    [`${o.nodes} nodes registered and Ready (from process start)`, sec(nodesReadyMs, 1), '—'],
    [`pods created by the ReplicaSet controller`, `${n(addedTimes.length)} of ${n(o.replicas)}`, '—'],
    ['pods created/s (first → last ADDED)', rate(createSpan ? ((addedTimes.length - 1) / createSpan) * 1000 : undefined), '—'],
    ['pods scheduled/s (first ADDED → last bound, average)', rate(schedSpan ? (schedTimes.length / schedSpan) * 1000 : undefined), SCHED_REF],
    ['pods scheduled/s, 1-s windows: p50 / max', `${rate(percentile(bucketsSorted, 50))} / ${rate(lastOf(bucketsSorted))}`, SCHED_REF],
    ['scheduling latency (ADDED → bound): p50 / p99', `${sec(percentile(schedLat, 50))} / ${sec(percentile(schedLat, 99))}`, '—'],
    ['pod startup (ADDED → Running seen): p50', sec(percentile(startLat, 50)), '—'],
    ['pod startup (ADDED → Running seen): p99', sec(percentile(startLat, 99)), SLO_STARTUP],
    ['pod startup (creationTimestamp → Running seen): p50 / p99', `${sec(percentile(sloLat, 50))} / ${sec(percentile(sloLat, 99))}`, SLO_STARTUP],
    ['pod startup (ADDED → Ready seen): p50 / p99 / max', `${sec(percentile(readyLat, 50))} / ${sec(percentile(readyLat, 99))} / ${sec(lastOf(readyLat))}`, '—'],
    ['POST Deployment → all pods created', sec(rel(lastOf(addedTimes)), 1), '—'],
    ['POST Deployment → all pods bound', sec(schedTimes.length >= o.replicas ? rel(lastOf(schedTimes)) : undefined, 1), '—'],
    ['POST Deployment → all pods Running', sec(runTimes.length >= o.replicas ? rel(lastOf(runTimes)) : undefined, 1), '—'],
    ['POST Deployment → all pods Running and Ready', outcome === 'done' ? sec(doneAt, 1) : `not reached (${outcome})`, '—'],
    ['POST Deployment → Deployment status all ready', sec(deploymentReadyAt, 1), '—'],
  );
  const api = apiSummary(metrics0, metrics1);
  rows.push(
    ['API requests served in the Deployment phase (rate)', `${n(api.total)} (${rate((api.total / doneAt) * 1000)})`, '—'],
    ['mutating API calls in the phase: count / p99 (histogram bucket)', `${n(api.mutating)} / ${api.mutatingP99}`, 'p99 ≤ 1 s (SLO, mutating calls)'],
    ['pod CREATE latency at the apiserver: p50 / p99 (histogram bucket)', `${api.podCreateP50} / ${api.podCreateP99}`, 'p99 ≤ 1 s (SLO, mutating calls)'],
  );
  const procNames = [...c.all.map((x) => x.name), 'bench client (this)'];
  const phaseS = doneAt / 1000;
  c.all.forEach((x, i) => {
    const a = cpu0[i];
    const b = cpu1[i];
    const used = a !== undefined && b !== undefined ? b - a : undefined;
    const total = b;
    const m0 = main0[i];
    const m1 = main1[i];
    const mainShare = m0 !== undefined && m1 !== undefined ? `, main thread ${(((m1 - m0) / phaseS) * 100).toFixed(0)}%` : '';
    rows.push([
      `CPU ${x.name}: Deployment phase (% of one core) / since start`,
      used === undefined ? 'n/a' : `${used.toFixed(1)} s (${((used / phaseS) * 100).toFixed(0)}%${mainShare}) / ${total?.toFixed(1) ?? 'n/a'} s`,
      '—',
    ]);
  });
  rows.push([`CPU bench client (this): Deployment phase / since start`, `${(own1 - own0).toFixed(1)} s (${(((own1 - own0) / phaseS) * 100).toFixed(0)}%) / ${own1.toFixed(1)} s`, '—']);
  for (const x of c.all) {
    const r = x.rssMiB();
    rows.push([`RSS ${x.name} at the end`, r === undefined ? 'n/a' : `${r.toFixed(0)} MiB`, '—']);
  }
  rows.push(
    ['pods per node at the end: min / max (max-pods)', counts.length ? `${Math.min(...counts)} / ${Math.max(...counts)} (${[...new Set(maxPods.values())].join(', ')})` : 'n/a', '—'],
    ['nodes over max-pods (end / ever, from the watch)', `${over.length} / ${everOver.length}`, '0'],
    [`pod phases at the end`, [...phases].map(([k, v]) => `${k} ${n(v)}`).join(', ') || 'none', '—'],
    ['watch events received', Object.entries(watch.events).map(([k, v]) => `${k} ${n(v)}`).join(', '), '—'],
  );
  for (const x of c.all) {
    if (x.counts.warn + x.counts.error > 0) notes.push(`${x.name}: ${x.counts.warn} warning and ${x.counts.error} error lines in its log; by kind (count × first line):\n${x.summary()}`);
  }
  rows.push(['warning / error log lines, all components', `${c.all.reduce((s, x) => s + x.counts.warn, 0)} / ${c.all.reduce((s, x) => s + x.counts.error, 0)}`, '—']);

  // -------------------------------------------------------------------------------------------
  // Print
  const out: string[] = [];
  out.push(
    '',
    `end-to-end benchmark: ${n(o.nodes)} simulated nodes (${o.kubelets} kubelet-lite process${o.kubelets > 1 ? 'es' : ''}, --start-delay 0s --ready-delay 0s), ` +
      `a Deployment of ${n(o.replicas)} replicas (node ${process.version}, ${cpus().length} CPUs; ${((performance.now() - started) / 1000).toFixed(0)} s in all)`,
    `load average (1 min) before the run: ${loadBefore.toFixed(2)}, at the end: ${loadavg()[0]!.toFixed(2)} — anything above what this run adds is other work on the machine`,
    '',
  );
  const header: [string, string, string] = ['measure', 'value', 'Kubernetes'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => '| ' + r.map((cell, i) => (i === 1 ? cell.padStart(w[i]!) : cell.padEnd(w[i]!))).join(' | ') + ' |';
  out.push(line(header), `|:${'-'.repeat(w[0]! + 1)}|${'-'.repeat(w[1]! + 1)}:|:${'-'.repeat(w[2]! + 1)}|`, ...rows.map(line));

  // The timeline: every 10 s of the Deployment phase, progress and each process's CPU share.
  out.push('', 'timeline (CPU: % of one core over the preceding interval):', '');
  const th = ['t', 'created', 'bound', 'running', 'ready', ...procNames.map((p) => p.replace('kubelet-lite', 'kubelet').replace('controller-manager', 'ctrl-mgr').replace('bench client (this)', 'bench'))];
  const trows: string[][] = [];
  let prev = samples[0]!;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i]!;
    const last = i === samples.length - 1;
    if (!last && s.t - prev.t < 10_000 - 500) continue;
    const dt = (s.t - prev.t) / 1000;
    trows.push([
      `${(s.t / 1000).toFixed(0)} s`,
      String(s.created),
      String(s.scheduled),
      String(s.running),
      String(s.up),
      ...s.cpu.map((v, k) => {
        const p = prev.cpu[k];
        return v === undefined || p === undefined || dt <= 0 ? 'n/a' : `${(((v - p) / dt) * 100).toFixed(0)}%`;
      }),
    ]);
    prev = s;
  }
  const tw = th.map((h, i) => Math.max(h.length, ...trows.map((r) => r[i]!.length)));
  const tline = (r: string[]) => '| ' + r.map((cell, i) => cell.padStart(tw[i]!)).join(' | ') + ' |';
  out.push(tline(th), '|' + tw.map((x) => '-'.repeat(x + 1) + ':').join('|') + '|', ...trows.map(tline));

  if (api.byKind.length > 0) {
    out.push('', `API requests in the Deployment phase, by verb and resource (apiserver /metrics): ${api.byKind.slice(0, 12).map(([k, v]) => `${k} ${n(v)}`).join(', ')}`);
    if (api.codes.length > 0) out.push(`non-2xx answers: ${api.codes.slice(0, 10).map(([k, v]) => `${n(v)}× ${k}`).join(', ')}`);
  }
  out.push(
    '',
    'Times are arrivals at this client (performance.now()) on one watch of the pods; "ADDED" is the pod\'s first event.',
    'kubelet-lite starts containers at once (--start-delay 0s) and reports Ready at once (--ready-delay 0s): nothing is subtracted.',
    'The creationTimestamp-based startup reads up to 1 s high: the timestamp is truncated to the second.',
    `Pod startup SLO: ${SLO_STARTUP_SOURCE}.`,
    `Scheduler throughput: ${SCHED_REF_SOURCE}. Their pods go straight to the apiserver; ours come through a Deployment, so the ReplicaSet controller's creation rate bounds ours.`,
  );
  if (notes.length > 0) out.push('', 'Notes and anomalies:', ...notes.map((x) => '  - ' + x.replace(/\n/g, '\n    ')));
  else out.push('', 'No anomalies: no pod moved, left Running or was deleted; no node over max-pods; no warning or error lines.');
  process.stdout.write(out.join('\n') + '\n');

  for (const x of c.all) await x.stop();
  agent.destroy();
}

runBenchmark(main);
