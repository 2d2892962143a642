// The process plumbing the benchmarks share: children that are always killed and temp dirs that
// are always removed, a Child that keeps its output tail and reads its CPU and memory from /proc,
// free ports, waiting for readiness, and the store + apiserver pair every benchmark starts first.
//
// A benchmark leaves nothing behind: importing this module installs the cleanup on exit and on
// SIGINT/SIGTERM/SIGHUP, and every Child and temp dir made through it is covered by that cleanup.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

// ---------------------------------------------------------------------------------------------
// Cleanup

// Module state, not per-benchmark state: the exit and signal handlers below need one place that
// knows every live child and temp dir, whoever created them.
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Kills every child still running and removes every temp dir; safe to call more than once. */
export function cleanup(): void {
  for (const p of children) {
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
  children.clear();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

// Installed at import, before any child can be spawned, so that no path out of a benchmark (normal
// end, thrown error, Ctrl-C) leaves a store or an apiserver running with a port held.
process.once('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping children and removing temp dirs\n`);
    cleanup();
    process.exit(130);
  });
}

/**
 * Runs a benchmark's main() and exits: 0 when it finished, 1 with its message when it threw. The
 * explicit exit matters: open keep-alive sockets or a leftover timer would otherwise keep a
 * finished benchmark alive; cleanup() runs first so that no child outlives it either way.
 */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => {
      cleanup();
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
      cleanup();
      process.exit(1);
    },
  );
}

/** A fresh directory under the system temp dir, removed by cleanup() unless removeTempDir() came first. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Removes a temp dir now (between runs, say) rather than at exit. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

// ---------------------------------------------------------------------------------------------
// Child

export type Level = 'warn' | 'error';

export interface ChildOptions {
  /**
   * Split the output into lines and count the warning and error ones (see Child.counts and
   * Child.summary). Off by default: parsing every line of a chatty child costs this process CPU,
   * which a benchmark that reports its own CPU time would rather not spend for nothing.
   */
  countLogLines?: boolean;
}

/**
 * A child process: the tail of its output, whether it died (reported on stderr at once, since a
 * benchmark that waits on a dead apiserver would otherwise only time out), its CPU time and RSS
 * from /proc, and optionally its warning and error lines, grouped by kind.
 */
export class Child {
  readonly proc: ChildProcess;
  /** Warning and error lines seen so far (only with countLogLines). */
  readonly counts: Record<Level, number> = { warn: 0, error: 0 };
  /** Set when the process exited without stop() having been called: what happened. */
  died: string | undefined;
  private out = '';
  /** An incomplete last line, kept until its newline arrives (only with countLogLines). */
  private partial = '';
  private stopping = false;
  private readonly kinds = new Map<string, { n: number; first: string }>();

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: ChildOptions = {},
  ) {
    this.proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(this.proc);
    const take = (b: Buffer) => {
      const s = b.toString();
      // 64 kB of tail is enough to show why a process failed, and bounds memory for a long run.
      this.out = (this.out + s).slice(-64_000);
      if (!options.countLogLines) return;
      const lines = (this.partial + s).split('\n');
      // Bounded too: a process that never writes a newline must not grow this without end.
      this.partial = lines.pop()!.slice(-100_000);
      for (const l of lines) this.line(l);
    };
    this.proc.stdout!.on('data', take);
    this.proc.stderr!.on('data', take);
    this.proc.once('exit', (code, signal) => {
      children.delete(this.proc);
      if (!this.stopping) {
        this.died = `${name} exited unexpectedly (code ${code}, signal ${signal})`;
        process.stderr.write(`[bench] ${this.died}; last output:\n${this.tail(4000)}\n`);
      }
    });
  }

  /**
   * Counts one output line if it is a warning or an error: pino JSON with level 40 (warn) or 50+
   * (error), kubelet-lite's "<time> W|E component:" lines, or anything else that reads like one.
   */
  private line(l: string): void {
    if (l.trim() === '') return;
    let level: Level | undefined;
    const pino = /^\{.*"level":(\d+)/.exec(l);
    if (pino) {
      const n = Number(pino[1]);
      level = n >= 50 ? 'error' : n >= 40 ? 'warn' : undefined;
    } else if (/^\S+ W /.test(l)) level = 'warn';
    else if (/^\S+ E /.test(l)) level = 'error';
    else if (/^\S+ I /.test(l)) level = undefined;
    // Fastify's deprecation notice comes with every apiserver start: not news.
    else if (l.includes('FSTDEP') || l.includes('--trace-warnings')) level = undefined;
    else if (/warning/i.test(l)) level = 'warn';
    else if (/error|exception|fatal|unhandled/i.test(l)) level = 'error';
    if (level === undefined) return;
    this.counts[level]++;
    // Grouped by message, quoted names and numbers blanked, so one repeated warning is one entry.
    const msg = pino ? (/"msg":"((?:[^"\\]|\\.)*)"/.exec(l)?.[1] ?? l) : l.replace(/^\S+ /, '');
    const key = `${level}: ${msg.replace(/\\?"[^"\\]*\\?"/g, '"…"').replace(/\d+/g, '#').slice(0, 300)}`;
    const seen = this.kinds.get(key);
    if (seen) seen.n++;
    else if (this.kinds.size < 20) this.kinds.set(key, { n: 1, first: l.slice(0, 400) });
  }

  /** The warning and error lines, grouped: count and the first of each kind (only with countLogLines). */
  summary(): string {
    return [...this.kinds.values()]
      .sort((a, b) => b.n - a.n)
      .slice(0, 6)
      .map((k) => `${k.n}× ${k.first}`)
      .join('\n');
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  tail(n = 3000): string {
    return this.out.slice(-n);
  }

  /** Resident set size in MiB, from /proc (undefined when not on Linux or gone). */
  rssMiB(): number | undefined {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** CPU time (user + system) in seconds so far, all threads. */
  cpuSeconds(): number | undefined {
    return cpuSecondsFrom(`/proc/${this.pid}/stat`);
  }

  /** The same for the main (JavaScript) thread alone: near 1 s a second, the process is saturated. */
  mainThreadSeconds(): number | undefined {
    return cpuSecondsFrom(`/proc/${this.pid}/task/${this.pid}/stat`);
  }

  /**
   * SIGTERM, wait up to timeoutMs for the exit, then SIGKILL: for a child that writes something on
   * a clean exit (node --cpu-prof writes its profile then).
   */
  async terminate(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    if (!this.alive) return;
    const gone = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    await Promise.race([gone, sleep(timeoutMs)]);
    await this.stop();
  }

  /** SIGKILL, and wait for the exit; a stopped child's exit is expected, so it is not reported. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.alive) return;
    const gone = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGKILL');
    await gone;
  }
}

/**
 * utime + stime from a /proc stat file, in seconds; assumes the usual 100 clock ticks a second.
 * Undefined when not on Linux or the process is gone.
 */
function cpuSecondsFrom(statPath: string): number | undefined {
  try {
    const stat = readFileSync(statPath, 'utf8');
    // The command name, in parentheses, may hold spaces: count fields from the last ')'. After it,
    // state is field [0], utime [11] and stime [12].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Ports and waiting

/**
 * A TCP port free on 127.0.0.1 right now (the kernel's pick for port 0). Another process could
 * take it before the child binds it; on a test machine that race is rare enough to live with.
 */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => res(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls probe() every 100 ms until it answers true. A probe that throws counts as "not yet" (the
 * port is not open yet); a child that exits ends the wait at once, with its output, rather than
 * at the timeout.
 */
export async function waitFor(what: string, child: Child, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child.alive) throw new Error(`${what}: ${child.name} exited:\n${child.tail()}`);
    try {
      if (await probe()) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms:\n${child.tail()}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// The store and the apiserver

/**
 * Starts a 1-member store on fresh ports, its data under dataDir, and waits until /health says
 * so. store-server takes etcd's flags, so `command` + `commandArgs` may be either program
 * (`node dist/store/server/main.js` or `/usr/bin/etcd`).
 */
export async function startStore(
  name: string,
  command: string,
  commandArgs: string[],
  dataDir: string,
  options: ChildOptions = {},
): Promise<{ store: Child; clientUrl: string }> {
  const clientUrl = `http://127.0.0.1:${await freePort()}`;
  const peerUrl = `http://127.0.0.1:${await freePort()}`;
  const store = new Child(
    name,
    command,
    [
      ...commandArgs,
      '--name=m1',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=m1=${peerUrl}`,
      '--initial-cluster-state=new',
    ],
    options,
  );
  await waitFor(`${name} health`, store, async () => {
    const r = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return r.ok && ((await r.json()) as { health?: string }).health === 'true';
  });
  return { store, clientUrl };
}

/**
 * Starts the apiserver (dist/apiserver/main.js at `script`) on a fresh port in front of the store
 * at storeUrl, logging warnings and above, and waits until it is ready and the default namespace
 * exists: /readyz alone comes before the apiserver has created its namespaces.
 */
export async function startApiserver(script: string, storeUrl: string, options: ChildOptions = {}): Promise<{ apiserver: Child; port: number }> {
  const port = await freePort();
  const apiserver = new Child('apiserver', process.execPath, [script, '--store-endpoints', storeUrl, '--port', String(port), '--log-level', 'warn'], options);
  await waitFor('apiserver readiness', apiserver, async () => {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
    if (!r.ok) return false;
    const ns = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/default`, { signal: AbortSignal.timeout(1000) });
    return ns.ok;
  });
  return { apiserver, port };
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface Reply {
  /** 0: no HTTP response (connection error, timeout). */
  status: number;
  body: Buffer;
  /** From sending the request to the end of the response body. */
  ms: number;
  /** Why there was no response, when status is 0. */
  error?: string;
}

/**
 * One JSON request to 127.0.0.1:port through `agent` (so the caller picks keep-alive and how many
 * sockets). It never rejects: a failure is a Reply with status 0, because under load a benchmark
 * counts failures as a figure rather than stopping at the first.
 */
export function call(agent: http.Agent, port: number, method: string, path: string, body?: string, timeoutMs = 120_000): Promise<Reply> {
  return new Promise((res) => {
    const t0 = performance.now();
    const headers: http.OutgoingHttpHeaders = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const failed = (e: Error) => res({ status: 0, body: Buffer.alloc(0), ms: performance.now() - t0, error: e.message });
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
      r.on('error', failed);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', failed);
    req.end(body);
  });
}
