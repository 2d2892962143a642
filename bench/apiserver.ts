// npm run bench:apiserver — the apiserver under load, on our store-server and on a real etcd, side
// by side with Kubernetes' SLOs. A benchmark, not a test: it asserts nothing about speed; it prints
// figures (and every error it saw) so that a regression or a failure under load is visible.
//
//   node dist/bench/apiserver.js [--store store-server|etcd|both] [--duration S]
//                                [--list-pods N] [--watchers N] [--events N]
//
// For each store it starts a 1-member store (store-server or /usr/bin/etcd) and one apiserver as
// real processes on free ports, then measures:
//   1. pod creation: 50 keep-alive HTTP clients POST small pods for 10 s: pods/s, p50, p99, errors;
//   2. LIST of 10,000 pods in one namespace: 10 sequential lists from the watch cache
//      (resourceVersion=0) and 10 from the store (no resourceVersion): p50/p99 and response size;
//   3. watch fan-out: 1,000 watchers of one namespace's configmaps, then 1,000 creates (50 at a time):
//      the time from the first write's start until the last watcher has the last event, and how
//      many watchers did not receive exactly 1,000 ADDED events.
// The SLOs are Kubernetes' (sig-scalability): mutating API calls p99 ≤ 1 s; LIST p99 ≤ 5 s for a
// namespace's objects, ≤ 30 s for the whole cluster. Watch fan-out has none.
//
// All children are killed and temp dirs removed on exit, on error and on Ctrl-C.

import { existsSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { call, makeTempDir, removeTempDir, runBenchmark, sleep, startApiserver, startStore, type Child, type Reply } from './processes.js';
import { percentile } from './stats.js';

// dist/bench/apiserver.js -> the repository root.
const ROOT = resolve(import.meta.dirname, '../..');
const STORE_SERVER = join(ROOT, 'dist/store/server/main.js');
const APISERVER = join(ROOT, 'dist/apiserver/main.js');
const ETCD = process.env['ETCD_BIN'] ?? '/usr/bin/etcd';

type StoreKind = 'store-server' | 'etcd';

interface Options {
  stores: StoreKind[];
  durationS: number;
  listPods: number;
  watchers: number;
  events: number;
  concurrency: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { stores: existsSync(ETCD) ? ['store-server', 'etcd'] : ['store-server'], durationS: 10, listPods: 10_000, watchers: 1_000, events: 1_000, concurrency: 50 };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    const count = (): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: want a positive integer, got ${JSON.stringify(v)}`);
      return n;
    };
    switch (name) {
      case '--store': {
        const v = value();
        if (v === 'both') o.stores = ['store-server', 'etcd'];
        else if (v === 'store-server' || v === 'etcd') o.stores = [v];
        else throw new Error(`--store: want store-server, etcd or both, got ${JSON.stringify(v)}`);
        break;
      }
      case '--duration':
        o.durationS = count();
        break;
      case '--list-pods':
        o.listPods = count();
        break;
      case '--watchers':
        o.watchers = count();
        break;
      case '--events':
        o.events = count();
        break;
      case '--help':
      case '-h':
        process.stdout.write('usage: node dist/bench/apiserver.js [--store store-server|etcd|both] [--duration S] [--list-pods N] [--watchers N] [--events N]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(argv[i])}`);
    }
  }
  if (o.stores.includes('etcd') && !existsSync(ETCD)) throw new Error(`etcd not found at ${ETCD} (set ETCD_BIN)`);
  return o;
}

/** A 1-member store (store-server or etcd) and one apiserver in front of it. */
async function startControlPlane(kind: StoreKind): Promise<{ store: Child; apiserver: Child; port: number; dir: string }> {
  const dir = makeTempDir(`bench-apiserver-${kind}-`);
  const dataDir = join(dir, 'm1');
  const { store, clientUrl } = kind === 'etcd' ? await startStore('etcd', ETCD, [], dataDir) : await startStore('store-server', process.execPath, [STORE_SERVER], dataDir);
  const { apiserver, port } = await startApiserver(APISERVER, clientUrl);
  return { store, apiserver, port, dir };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** Error bookkeeping: counts by status, and the first few bodies of each. */
class Errors {
  readonly byStatus = new Map<string, number>();
  readonly samples: string[] = [];
  total = 0;

  add(r: Reply, what: string): void {
    this.total++;
    const key = r.status === 0 ? `no response (${r.error ?? '?'})` : String(r.status);
    const n = (this.byStatus.get(key) ?? 0) + 1;
    this.byStatus.set(key, n);
    if (n <= 2 && this.samples.length < 10) this.samples.push(`${what}: ${key}: ${r.body.toString('utf8').slice(0, 400)}`);
  }

  summary(): string {
    return [...this.byStatus].map(([k, n]) => `${n}× ${k}`).join(', ');
  }
}

async function createNamespace(port: number, name: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  const r = await call(agent, port, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  agent.destroy();
  if (r.status !== 201 && r.status !== 409) throw new Error(`create namespace ${name}: ${r.status} ${r.body.toString().slice(0, 500)}`);
}

/** Runs fn(i) for i in [0, n) with `concurrency` in flight. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

const POD = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'bench-' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

// ---------------------------------------------------------------------------------------------
// The measures

type Figures = Map<string, number | undefined>;

interface RunResult {
  figures: Figures;
  notes: string[];
}

async function measureCreates(port: number, o: Options, f: Figures, notes: string[]): Promise<void> {
  await createNamespace(port, 'bench');
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  const errs = new Errors();
  const t0 = performance.now();
  const deadline = t0 + o.durationS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const r = await call(agent, port, 'POST', '/api/v1/namespaces/bench/pods', POD);
      if (r.status === 201) latencies.push(r.ms);
      else errs.add(r, 'POST pod');
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsedS = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  f.set('create.rate', latencies.length / elapsedS);
  f.set('create.p50', percentile(latencies, 50));
  f.set('create.p99', percentile(latencies, 99));
  f.set('create.max', latencies[latencies.length - 1]);
  f.set('create.errors', errs.total);
  if (errs.total > 0) notes.push(`pod create errors: ${errs.summary()}`, ...errs.samples);
}

async function measureLists(port: number, o: Options, f: Figures, notes: string[]): Promise<void> {
  await createNamespace(port, 'list');
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const errs = new Errors();
  const t0 = performance.now();
  await pool(o.listPods, o.concurrency, async (i) => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}` }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const r = await call(agent, port, 'POST', '/api/v1/namespaces/list/pods', body);
    if (r.status !== 201) errs.add(r, `POST pod p-${i}`);
  });
  f.set('seed.rate', (o.listPods - errs.total) / ((performance.now() - t0) / 1000));
  f.set('seed.errors', errs.total);
  if (errs.total > 0) notes.push(`seeding ${o.listPods} pods: ${errs.summary()}`, ...errs.samples);
  agent.destroy();

  const listAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (const [key, query] of [
    ['cache', '?resourceVersion=0'],
    ['store', ''],
  ] as const) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 10; i++) {
      const r = await call(listAgent, port, 'GET', `/api/v1/namespaces/list/pods${query}`);
      if (r.status !== 200) {
        const e = new Errors();
        e.add(r, `LIST ${key}`);
        notes.push(...e.samples);
        continue;
      }
      times.push(r.ms);
      bytes = r.body.length;
      if (i === 0) {
        const items = (JSON.parse(r.body.toString('utf8')) as { items?: unknown[] }).items?.length ?? 0;
        const expected = o.listPods - errs.total;
        if (items !== expected) notes.push(`LIST ${key}: ${items} items, expected ${expected}`);
      }
    }
    times.sort((a, b) => a - b);
    f.set(`list.${key}.p50`, percentile(times, 50));
    f.set(`list.${key}.p99`, percentile(times, 99));
    f.set(`list.${key}.errors`, 10 - times.length);
    f.set('list.mib', bytes / 1024 / 1024);
  }
  listAgent.destroy();
}

interface Watcher {
  req: http.ClientRequest;
  added: number;
  other: number;
  doneAt: number | undefined;
  ended: boolean;
}

async function measureFanOut(port: number, o: Options, f: Figures, notes: string[]): Promise<void> {
  await createNamespace(port, 'fan');
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const list = await call(agent, port, 'GET', '/api/v1/namespaces/fan/configmaps');
  if (list.status !== 200) throw new Error(`LIST configmaps: ${list.status} ${list.body.toString().slice(0, 500)}`);
  const rv = (JSON.parse(list.body.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;

  // Open the watchers (50 connects at a time); each is open once its 200 headers arrive, which the
  // apiserver sends in the same turn as it registers the watch.
  const watchers: Watcher[] = [];
  const openErrors = new Errors();
  let complete = 0;
  let allDone: () => void = () => undefined;
  const allDonePromise = new Promise<void>((r) => (allDone = r));
  const ADDED = '{"type":"ADDED"';
  await pool(o.watchers, o.concurrency, (i) => {
    return new Promise<void>((opened) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/api/v1/namespaces/fan/configmaps?watch=1&resourceVersion=${rv}`, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            openErrors.add({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: 0 }, `watch ${i}`);
            opened();
          });
          return;
        }
        const w: Watcher = { req, added: 0, other: 0, doneAt: undefined, ended: false };
        watchers.push(w);
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const buf = rest + chunk;
          let pos = 0;
          for (let nl = buf.indexOf('\n', pos); nl >= 0; nl = buf.indexOf('\n', pos)) {
            if (buf.startsWith(ADDED, pos)) w.added++;
            else w.other++;
            pos = nl + 1;
          }
          rest = buf.slice(pos);
          if (w.doneAt === undefined && w.added >= o.events) {
            w.doneAt = performance.now();
            if (++complete === o.watchers) allDone();
          }
        });
        res.on('end', () => (w.ended = true));
        res.on('error', () => (w.ended = true));
        opened();
      });
      req.on('error', (e) => {
        openErrors.add({ status: 0, body: Buffer.alloc(0), ms: 0, error: e.message }, `watch ${i}`);
        opened();
      });
    });
  });
  if (openErrors.total > 0) notes.push(`watch opens failed: ${openErrors.summary()}`, ...openErrors.samples);

  // The burst.
  const errs = new Errors();
  const createMs: number[] = [];
  const t0 = performance.now();
  await pool(o.events, o.concurrency, async (i) => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { k: 'v' } });
    const r = await call(agent, port, 'POST', '/api/v1/namespaces/fan/configmaps', body);
    if (r.status === 201) createMs.push(r.ms);
    else errs.add(r, `POST configmap cm-${i}`);
  });
  const writesMs = performance.now() - t0;
  createMs.sort((a, b) => a - b);
  f.set('fan.create.p50', percentile(createMs, 50));
  f.set('fan.create.p99', percentile(createMs, 99));
  agent.destroy();
  const expected = o.events - errs.total;
  if (errs.total > 0) notes.push(`fan-out creates failed: ${errs.summary()}`, ...errs.samples);

  const WAIT_MS = 90_000;
  let timedOut = false;
  if (watchers.length === o.watchers && expected === o.events) {
    await Promise.race([allDonePromise, sleep(WAIT_MS).then(() => (timedOut = true))]);
  } else {
    // Some watchers or writes are missing: the last watcher can never complete; wait for quiet.
    let delivered = -1;
    for (const start = performance.now(); performance.now() - start < WAIT_MS; ) {
      await sleep(1000);
      const now = watchers.reduce((s, w) => s + w.added + w.other, 0);
      if (now === delivered) break;
      delivered = now;
    }
  }
  await sleep(500); // anything beyond the last expected event would arrive now and count as an error
  const doneTimes = watchers.flatMap((w) => (w.doneAt === undefined ? [] : [w.doneAt - t0])).sort((a, b) => a - b);
  const bad = watchers.filter((w) => w.added !== o.events || w.other !== 0);
  f.set('fan.writes', writesMs);
  f.set('fan.first', doneTimes[0]);
  f.set('fan.median', percentile(doneTimes, 50));
  f.set('fan.last', doneTimes.length === o.watchers ? doneTimes[doneTimes.length - 1] : undefined);
  f.set('fan.bad', bad.length + (o.watchers - watchers.length));
  f.set('fan.delivered', watchers.reduce((s, w) => s + w.added, 0));
  f.set('fan.writeErrors', errs.total);
  if (timedOut) notes.push(`fan-out: not every watcher had ${o.events} events ${WAIT_MS / 1000} s after the writes; ${complete} of ${o.watchers} complete`);
  if (bad.length > 0) {
    const hist = new Map<string, number>();
    for (const w of bad) {
      const k = `${w.added} ADDED + ${w.other} other${w.ended ? ', stream ended' : ''}`;
      hist.set(k, (hist.get(k) ?? 0) + 1);
    }
    notes.push(`fan-out: watchers without exactly ${o.events} ADDED: ${[...hist].map(([k, n]) => `${n}× (${k})`).join('; ')}`);
  }
  for (const w of watchers) w.req.destroy();
}

async function runOn(kind: StoreKind, o: Options): Promise<RunResult> {
  const figures: Figures = new Map();
  const notes: string[] = [];
  const t0 = Date.now();
  process.stderr.write(`[bench] ${kind}: starting store and apiserver\n`);
  const cp = await startControlPlane(kind);
  const phases: Array<[string, string, (port: number, o: Options, f: Figures, n: string[]) => Promise<void>]> = [
    ['create', 'pod creation', measureCreates],
    ['list', 'LIST', measureLists],
    ['fan', 'watch fan-out', measureFanOut],
  ];
  try {
    for (const [key, name, phase] of phases) {
      process.stderr.write(`[bench] ${kind}: ${name}\n`);
      const cpu0 = [cp.apiserver.cpuSeconds(), cp.store.cpuSeconds()];
      const own0 = process.cpuUsage();
      try {
        await phase(cp.port, o, figures, notes);
      } catch (e) {
        notes.push(`${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      const cpu1 = [cp.apiserver.cpuSeconds(), cp.store.cpuSeconds()];
      const spent = (i: number) => (cpu0[i] !== undefined && cpu1[i] !== undefined ? cpu1[i]! - cpu0[i]! : undefined);
      figures.set(`cpu.${key}.apiserver`, spent(0));
      figures.set(`cpu.${key}.store`, spent(1));
      const own = process.cpuUsage(own0);
      figures.set(`cpu.${key}.bench`, (own.user + own.system) / 1e6);
      if (!cp.apiserver.alive || !cp.store.alive) {
        for (const c of [cp.apiserver, cp.store]) if (c.died) notes.push(`${c.died}; last output:\n${c.tail(2000)}`);
        break;
      }
    }
    figures.set('rss.apiserver', cp.apiserver.rssMiB());
    figures.set('rss.store', cp.store.rssMiB());
    // Fastify's deprecation notice is printed by every apiserver start: not news.
    const warnings = cp.apiserver
      .tail(4000)
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.includes('FSTDEP') && !l.includes('--trace-warnings'))
      .slice(-15)
      .join('\n');
    if (warnings) notes.push(`apiserver log tail (warn and above):\n${warnings}`);
  } finally {
    await cp.apiserver.stop();
    await cp.store.stop();
    removeTempDir(cp.dir);
  }
  process.stderr.write(`[bench] ${kind}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  return { figures, notes };
}

// ---------------------------------------------------------------------------------------------
// The table

interface Row {
  key: string;
  label: string;
  unit: 'ms' | '/s' | 'count' | 'MiB' | 's';
  /** store-server/etcd makes sense (and which way is better is obvious from the unit). */
  ratio: boolean;
  slo: string;
}

function rows(o: Options): Row[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const LIST_SLO = 'p99 ≤ 5 s (namespace; 30 s cluster)';
  return [
    { key: 'create.rate', label: `pod create: throughput (${o.concurrency} clients, ${o.durationS} s)`, unit: '/s', ratio: true, slo: '—' },
    { key: 'create.p50', label: 'pod create: p50', unit: 'ms', ratio: true, slo: '—' },
    { key: 'create.p99', label: 'pod create: p99', unit: 'ms', ratio: true, slo: 'p99 ≤ 1 s (mutating call)' },
    { key: 'create.max', label: 'pod create: max', unit: 'ms', ratio: true, slo: '—' },
    { key: 'create.errors', label: 'pod create: errors', unit: 'count', ratio: false, slo: '—' },
    { key: 'seed.rate', label: `seeding ${n(o.listPods)} pods (${o.concurrency} at a time)`, unit: '/s', ratio: true, slo: '—' },
    { key: 'seed.errors', label: 'seeding: errors', unit: 'count', ratio: false, slo: '—' },
    { key: 'list.cache.p50', label: `LIST ${n(o.listPods)} pods, watch cache (rv=0): p50`, unit: 'ms', ratio: true, slo: '—' },
    { key: 'list.cache.p99', label: `LIST ${n(o.listPods)} pods, watch cache (rv=0): p99`, unit: 'ms', ratio: true, slo: LIST_SLO },
    { key: 'list.store.p50', label: `LIST ${n(o.listPods)} pods, from the store: p50`, unit: 'ms', ratio: true, slo: '—' },
    { key: 'list.store.p99', label: `LIST ${n(o.listPods)} pods, from the store: p99`, unit: 'ms', ratio: true, slo: LIST_SLO },
    { key: 'list.mib', label: 'LIST response size', unit: 'MiB', ratio: false, slo: '—' },
    { key: 'fan.writes', label: `fan-out: ${n(o.events)} creates (${o.concurrency} at a time) done`, unit: 'ms', ratio: true, slo: '—' },
    { key: 'fan.create.p50', label: `fan-out: create p50 (${n(o.watchers)} watchers open)`, unit: 'ms', ratio: true, slo: '—' },
    { key: 'fan.create.p99', label: `fan-out: create p99 (${n(o.watchers)} watchers open)`, unit: 'ms', ratio: true, slo: 'p99 ≤ 1 s (mutating call)' },
    { key: 'fan.first', label: `fan-out: first watcher has all ${n(o.events)} events`, unit: 'ms', ratio: true, slo: '—' },
    { key: 'fan.median', label: `fan-out: median watcher has all events`, unit: 'ms', ratio: true, slo: '—' },
    { key: 'fan.last', label: `fan-out: first write → last of ${n(o.watchers)} watchers has all`, unit: 'ms', ratio: true, slo: '—' },
    { key: 'fan.delivered', label: `fan-out: ADDED events delivered (of ${n(o.watchers * o.events)})`, unit: 'count', ratio: false, slo: '—' },
    { key: 'fan.bad', label: `fan-out: watchers without exactly ${n(o.events)} ADDED`, unit: 'count', ratio: false, slo: '—' },
    { key: 'fan.writeErrors', label: 'fan-out: create errors', unit: 'count', ratio: false, slo: '—' },
    { key: 'cpu.create.apiserver', label: 'CPU time, pod creation: apiserver', unit: 's', ratio: true, slo: '—' },
    { key: 'cpu.create.store', label: 'CPU time, pod creation: store', unit: 's', ratio: true, slo: '—' },
    { key: 'cpu.list.apiserver', label: 'CPU time, seeding + LISTs: apiserver', unit: 's', ratio: true, slo: '—' },
    { key: 'cpu.list.store', label: 'CPU time, seeding + LISTs: store', unit: 's', ratio: true, slo: '—' },
    { key: 'cpu.fan.apiserver', label: 'CPU time, watch fan-out: apiserver', unit: 's', ratio: true, slo: '—' },
    { key: 'cpu.fan.store', label: 'CPU time, watch fan-out: store', unit: 's', ratio: true, slo: '—' },
    { key: 'cpu.fan.bench', label: 'CPU time, watch fan-out: this client', unit: 's', ratio: false, slo: '—' },
    { key: 'rss.apiserver', label: 'apiserver RSS at the end', unit: 'MiB', ratio: false, slo: '—' },
    { key: 'rss.store', label: 'store RSS at the end', unit: 'MiB', ratio: true, slo: '—' },
  ];
}

function show(v: number | undefined, unit: Row['unit']): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  switch (unit) {
    case 'ms':
      return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`;
    case '/s':
      return `${v.toFixed(0)}/s`;
    case 'MiB':
      return `${v.toFixed(1)} MiB`;
    case 's':
      return `${v.toFixed(1)} s`;
    case 'count':
      return v.toLocaleString('en-US');
  }
}

function printTable(o: Options, results: Map<StoreKind, RunResult>): void {
  const both = results.has('store-server') && results.has('etcd');
  const header = ['measure', ...o.stores, ...(both ? ['store-server/etcd'] : []), 'Kubernetes SLO'];
  const body = rows(o).map((r) => {
    const cells = [r.label, ...o.stores.map((k) => show(results.get(k)?.figures.get(r.key), r.unit))];
    if (both) {
      const a = results.get('store-server')!.figures.get(r.key);
      const b = results.get('etcd')!.figures.get(r.key);
      cells.push(r.ratio && a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}×` : '');
    }
    cells.push(r.slo);
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => c[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  const out = [line(header), '|' + widths.map((w, i) => (i === 0 || i === widths.length - 1 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|', ...body.map(line)];
  process.stdout.write(out.join('\n') + '\n');
  process.stdout.write(
    '\nLatencies count successful calls only (errors are their own row). With 10 LISTs, p99 is the slowest of the 10.\n' +
      'Ratios are store-server/etcd: above 1× means store-server is slower (for times) or faster (for rates).\n',
  );
  for (const k of o.stores) {
    const notes = results.get(k)?.notes ?? [];
    if (notes.length === 0) continue;
    process.stdout.write(`\nNotes (${k}):\n${notes.map((n) => '  - ' + n.replace(/\n/g, '\n    ')).join('\n')}\n`);
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  for (const f of [APISERVER, ...(o.stores.includes('store-server') ? [STORE_SERVER] : [])]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`);
  }
  const started = Date.now();
  const results = new Map<StoreKind, RunResult>();
  for (const kind of o.stores) {
    try {
      results.set(kind, await runOn(kind, o));
    } catch (e) {
      results.set(kind, { figures: new Map(), notes: [`could not run: ${e instanceof Error ? e.message : String(e)}`] });
    }
  }
  process.stdout.write(`\napiserver benchmark (node ${process.version}, ${cpus().length} CPUs; ${((Date.now() - started) / 1000).toFixed(0)} s in all)\n\n`);
  printTable(o, results);
}

runBenchmark(main);
