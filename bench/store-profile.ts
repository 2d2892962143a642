// npm run bench:profile — where a 3-member store-server spends its CPU under the write load of
// bench:store: every member runs with `node --cpu-prof`, wrk puts new keys through the leader's
// JSON gateway (../shared/bench/put.lua), then the members stop cleanly (the profiles are written
// on exit) and the leader's profile is summarised: self time per function and per file.
//
//   node dist/bench/store-profile.js [--duration S] [--connections N] [--keep DIR] [--check-perf m|l]
//
// With --check-perf the load is `etcdctl check perf` (gRPC puts with a lease, from many clients)
// instead of wrk.
//
// The .cpuprofile files stay in DIR (default: a temp dir, removed) for Chrome DevTools.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeTempDir, runBenchmark, sleep } from './processes.js';
import { ETCDCTL, StoreCluster } from './store-cluster.js';

const PUT_LUA = resolve(import.meta.dirname, '../../../shared/bench/put.lua');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) per function and per file, from a V8 .cpuprofile. */
export function summarise(p: Profile, top = 30): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const cf = byId.get(id)!.callFrame;
    const short = cf.url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^file:\/\//, '');
    const f = `${cf.functionName || '(anonymous)'} ${short}:${cf.lineNumber + 1}`;
    fn.set(f, (fn.get(f) ?? 0) + ms);
    file.set(short || cf.functionName, (file.get(short || cf.functionName) ?? 0) + ms);
    total += ms;
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `${((100 * ms) / total).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  return `total ${total.toFixed(0)} ms sampled\n\nby function (self):\n${rows(fn)}\n\nby file (self):\n${rows(file)}`;
}

function wrk(url: string, seconds: number, connections: number): Promise<string> {
  return new Promise((res) => {
    const p = spawn('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '-s', PUT_LUA, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.once('exit', () => res(out.split('\n').find((l) => l.startsWith('RESULT')) ?? out));
  });
}

function runCommand(cmd: string, argv: string[]): Promise<string> {
  return new Promise((res) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    p.once('exit', () => res(out));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, def: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : def;
  };
  const seconds = Number(flag('--duration', '15'));
  const connections = Number(flag('--connections', '100'));
  const checkPerf = args.includes('--check-perf') ? flag('--check-perf', 'm') : undefined;
  const keep = args.includes('--keep') ? resolve(flag('--keep', 'profiles')) : undefined;
  const dir = keep ?? makeTempDir('store-profile-');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const cluster = await StoreCluster.start('store-server', { members: 3, nodeArgs: (i) => ['--cpu-prof', `--cpu-prof-dir=${join(dir, `m${i}`)}`] });
  const leader = await cluster.leader();
  await sleep(1000);
  if (checkPerf) {
    const out = await runCommand(ETCDCTL, [`--endpoints=${cluster.endpoints}`, 'check', 'perf', `--load=${checkPerf}`]);
    console.log(`etcdctl check perf --load=${checkPerf} (leader ${leader.name}):\n${out.split(/[\r\n]+/).filter((l) => /PASS|FAIL/.test(l)).join('\n')}`);
  } else console.log(`wrk against the leader ${leader.name}: ${await wrk(leader.clientUrl, seconds, connections)}`);
  // A clean exit writes the profiles; a leader hands leadership over first, which is fine now.
  await Promise.all(cluster.members.map((m) => m.terminate(15_000)));
  const leaderDir = join(dir, `m${leader.index}`);
  const files = existsSync(leaderDir) ? readdirSync(leaderDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (files.length === 0) throw new Error(`no profile written in ${leaderDir}`);
  console.log(`leader profile ${join(leaderDir, files[0]!)}\n`);
  console.log(summarise(JSON.parse(readFileSync(join(leaderDir, files[0]!), 'utf8')) as Profile));
  await cluster.stop();
}

runBenchmark(main);
