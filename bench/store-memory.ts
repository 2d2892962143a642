// npm run bench:memory — resident memory of one store member holding N keys of 1 KiB, etcd 3.4 and
// store-server side by side: after writing them, and after a restart (recovery from disk).
//
//   node dist/bench/store-memory.js [--keys N] [--value-bytes B] [--concurrency C] [--store etcd|store-server|both]
//
// RSS is VmRSS from /proc/<pid>/status: what the process holds in RAM, including (for etcd) the
// pages of its memory-mapped bbolt file it has touched. The restart is a SIGKILL and a start on the
// same data dir; the figure is taken once the member is healthy and has served a count of the keys
// (so a lazily loaded store has loaded them). A benchmark, not a test: it asserts nothing.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { runBenchmark, sleep } from './processes.js';
import { agent, gatewayPut, programsAvailable, StoreCluster, type Program, type StoreMember } from './store-cluster.js';

interface Options {
  keys: number;
  valueBytes: number;
  concurrency: number;
  programs: Program[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { keys: 100_000, valueBytes: 1024, concurrency: 64, programs: programsAvailable() };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`${name} needs a value`);
    if (name === '--keys') o.keys = Number(v);
    else if (name === '--value-bytes') o.valueBytes = Number(v);
    else if (name === '--concurrency') o.concurrency = Number(v);
    else if (name === '--store') o.programs = v === 'both' ? programsAvailable() : [v as Program];
    else throw new Error(`unknown flag ${name}`);
  }
  return o;
}

interface Figures {
  writeS: number;
  errors: number;
  rssMiB: number;
  restartS: number;
  rssAfterRestartMiB: number;
  count: number;
}

/** The number of keys under the prefix, counted by the member (a linearizable count-only range). */
async function countKeys(m: StoreMember, prefix: string): Promise<number> {
  const key = Buffer.from(prefix);
  const end = Buffer.from(prefix);
  end[end.length - 1]!++;
  const body = JSON.stringify({ key: key.toString('base64'), range_end: end.toString('base64'), count_only: true });
  const r = await fetch(`${m.clientUrl}/v3/kv/range`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(30_000) });
  const j = (await r.json()) as { count?: string };
  return Number(j.count ?? 0);
}

async function measure(program: Program, o: Options): Promise<Figures> {
  const cluster = await StoreCluster.start(program, { members: 1 });
  try {
    const m = cluster.members[0]!;
    const ag: http.Agent = agent(o.concurrency);
    // Distinct bytes per value, so that nothing (a compressing disk layer) can make them cheaper
    // than real data.
    const value = Buffer.alloc(o.valueBytes);
    let next = 0;
    let errors = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        for (let i = next++; i < o.keys; i = next++) {
          for (let b = 0; b < value.length; b += 4) value.writeUInt32LE((i * 2654435761 + b * 40503) >>> 0, b);
          const ok = await gatewayPut(ag, m.clientPort, Buffer.from(`mem/${String(i).padStart(8, '0')}`), value, 30_000);
          if (!ok) errors++;
        }
      }),
    );
    const writeS = (performance.now() - t0) / 1000;
    ag.destroy();
    await sleep(2000); // let the write path's garbage be collected before reading RSS
    const rssMiB = m.child!.rssMiB() ?? NaN;
    await m.kill9();
    const t1 = performance.now();
    m.start();
    await m.waitHealthy(120_000);
    const count = await countKeys(m, 'mem/');
    const restartS = (performance.now() - t1) / 1000;
    await sleep(2000);
    const rssAfterRestartMiB = m.child!.rssMiB() ?? NaN;
    return { writeS, errors, rssMiB, restartS, rssAfterRestartMiB, count };
  } finally {
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  console.log(`memory: 1 member, ${o.keys} keys of ${o.valueBytes} B (${((o.keys * o.valueBytes) / 2 ** 20).toFixed(0)} MiB of values), ${o.concurrency} concurrent gateway puts`);
  const results = new Map<Program, Figures>();
  for (const p of o.programs) {
    const f = await measure(p, o);
    results.set(p, f);
    console.log(`  ${p}: written in ${f.writeS.toFixed(1)} s (${(o.keys / f.writeS).toFixed(0)} puts/s, ${f.errors} errors); restart to healthy + count in ${f.restartS.toFixed(1)} s, count ${f.count}`);
  }
  console.log(`\n${'program'.padEnd(14)}${'RSS MiB'.padStart(10)}${'after restart'.padStart(15)}`);
  for (const [p, f] of results) console.log(`${p.padEnd(14)}${f.rssMiB.toFixed(0).padStart(10)}${f.rssAfterRestartMiB.toFixed(0).padStart(15)}`);
  const e = results.get('etcd');
  const s = results.get('store-server');
  if (e && s) console.log(`ratio store-server/etcd: ${(s.rssMiB / e.rssMiB).toFixed(2)} after writing, ${(s.rssAfterRestartMiB / e.rssAfterRestartMiB).toFixed(2)} after restart`);
}

runBenchmark(main);
