// npm run bench:check-perf — `etcdctl check perf` against a 3-member etcd 3.4 and a 3-member
// store-server, side by side, for each load asked (default m, then l).
//
//   node dist/bench/check-perf.js [--load m,l] [--store etcd|store-server|both]
//
// check perf grants a lease, writes 60 s of puts under a prefix with the lease attached from many
// clients, then deletes the prefix; it judges throughput, the slowest request and the standard
// deviation, and prints PASS or FAIL for each and overall. Printed here: etcdctl's own lines for
// each program and load, then one summary table.

import { spawn } from 'node:child_process';
import { runBenchmark } from './processes.js';
import { ETCDCTL, programsAvailable, StoreCluster, type Program } from './store-cluster.js';

interface Options {
  loads: string[];
  programs: Program[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { loads: ['m', 'l'], programs: programsAvailable() };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`${name} needs a value`);
    if (name === '--load') o.loads = v.split(',');
    else if (name === '--store') o.programs = v === 'both' ? programsAvailable() : [v as Program];
    else throw new Error(`unknown flag ${name}`);
  }
  return o;
}

interface Outcome {
  pass: boolean;
  throughput: string;
  slowest: string;
  stddev: string;
}

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ETCDCTL_API: '3' } });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    p.once('exit', (code) => res({ code: code ?? 1, out }));
  });
}

/** etcdctl's verdict lines, e.g. "PASS: Throughput is 150 writes/s", "FAIL: Slowest request took 1.2s". */
function parse(out: string, code: number): Outcome {
  // etcdctl 3.4 prints "Slowest request took too long: …" and "Stddev too high: …" with no prefix.
  const line = (what: string) => {
    const l = out.split(/[\r\n]+/).find((x) => x.includes(what));
    return l === undefined ? 'n/a' : /^(PASS|FAIL)/.test(l) ? l : `FAIL: ${l}`;
  };
  return { pass: code === 0 && /^PASS$/m.test(out), throughput: line('Throughput'), slowest: line('Slowest request'), stddev: line('Stddev') };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const rows: string[] = [];
  for (const load of o.loads) {
    for (const p of o.programs) {
      // A fresh cluster per run: check perf refuses to start when its prefix already holds keys,
      // and a run must not inherit the previous run's garbage.
      const cluster = await StoreCluster.start(p, { members: 3 });
      try {
        console.log(`--- ${p}, --load=${load}`);
        const { code, out } = await run(ETCDCTL, [`--endpoints=${cluster.endpoints}`, 'check', 'perf', `--load=${load}`]);
        // The progress bar redraws with carriage returns: keep only the verdict lines.
        const lines = out.split(/[\r\n]+/).filter((l) => /PASS|FAIL|Error|error/.test(l));
        console.log(lines.join('\n'));
        const r = parse(out, code);
        rows.push(`${p.padEnd(14)}${load.padEnd(6)}${(r.pass ? 'PASS' : 'FAIL').padEnd(6)}${r.throughput} | ${r.slowest} | ${r.stddev}`);
      } finally {
        await cluster.stop();
      }
    }
  }
  console.log(`\n${'program'.padEnd(14)}${'load'.padEnd(6)}result`);
  for (const r of rows) console.log(r);
}

runBenchmark(main);
