// npm run bench:failover — how long a 3-member store refuses writes after its leader is killed,
// for etcd 3.4 and store-server side by side with the same --heartbeat-interval/--election-timeout.
//
//   node dist/bench/store-failover.js [--rounds N] [--heartbeat MS] [--election MS] [--store etcd|store-server|both]
//
// Each round: a put goes to every live member every 10 ms (over the JSON gateway, not waiting for
// the previous one); the leader gets SIGKILL; the figure is the time from the kill until the first
// put *sent after the kill* is acknowledged by a surviving member. Then the killed member is
// restarted and the cluster left to settle before the next round. Printed per program: every round, median and max, the goal
// (2 × election timeout) and the ratio to etcd. A benchmark, not a test: it asserts nothing.

import { performance } from 'node:perf_hooks';
import { runBenchmark, sleep } from './processes.js';
import { percentile, sorted } from './stats.js';
import { agent, gatewayPut, programsAvailable, StoreCluster, type Program } from './store-cluster.js';

interface Options {
  rounds: number;
  heartbeatMs: number;
  electionMs: number;
  programs: Program[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 5, heartbeatMs: 100, electionMs: 1000, programs: programsAvailable() };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`${name} needs a value`);
    if (name === '--rounds') o.rounds = Number(v);
    else if (name === '--heartbeat') o.heartbeatMs = Number(v);
    else if (name === '--election') o.electionMs = Number(v);
    else if (name === '--store') o.programs = v === 'both' ? programsAvailable() : [v as Program];
    else throw new Error(`unknown flag ${name}`);
  }
  return o;
}

/** Milliseconds from the kill until the first acknowledged put sent after it, per round. */
async function measure(program: Program, o: Options): Promise<number[]> {
  const cluster = await StoreCluster.start(program, { members: 3, heartbeatMs: o.heartbeatMs, electionMs: o.electionMs });
  const times: number[] = [];
  try {
    let killedAt = Infinity;
    let firstAck = Infinity;
    let seq = 0;
    const value = Buffer.alloc(64, 'v');
    // Every 10 ms a put goes to each live member, without waiting for the previous one: a put
    // forwarded to the leader just killed may hang until its timeout, and must not hold back the
    // puts sent after the kill. In flight per member is bounded so a stuck member is not flooded.
    const agents = cluster.members.map(() => agent(256));
    const inFlight = cluster.members.map(() => 0);
    const ticker = setInterval(() => {
      for (const m of cluster.members) {
        if (!m.alive || inFlight[m.index]! >= 200) continue;
        inFlight[m.index]!++;
        const sent = performance.now();
        void gatewayPut(agents[m.index]!, m.clientPort, Buffer.from(`failover/${program}/${++seq}`), value, 2 * o.electionMs + 3000).then((ok) => {
          inFlight[m.index]!--;
          const now = performance.now();
          if (ok && sent >= killedAt && now < firstAck) firstAck = now;
        });
      }
    }, 10);
    for (let round = 1; round <= o.rounds; round++) {
      const leader = await cluster.leader();
      await sleep(o.electionMs); // writes flowing through a settled leader
      firstAck = Infinity;
      killedAt = performance.now();
      await leader.kill9();
      const deadline = killedAt + 20 * o.electionMs + 10_000;
      while (firstAck === Infinity && performance.now() < deadline) await sleep(5);
      const ms = firstAck - killedAt;
      times.push(ms);
      console.log(`  ${program} round ${round}: killed ${leader.name}, first write accepted after ${Number.isFinite(ms) ? ms.toFixed(0) : 'never'} ms`);
      killedAt = Infinity;
      leader.start();
      await leader.waitHealthy();
    }
    clearInterval(ticker);
    for (const a of agents) a.destroy();
  } finally {
    await cluster.stop();
  }
  return times;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  console.log(`failover: 3 members, --heartbeat-interval=${o.heartbeatMs} --election-timeout=${o.electionMs}, ${o.rounds} rounds of kill -9 of the leader`);
  const results = new Map<Program, number[]>();
  for (const p of o.programs) results.set(p, sorted(await measure(p, o)));
  const goal = 2 * o.electionMs;
  console.log(`\n${'program'.padEnd(14)}${'median ms'.padStart(11)}${'max ms'.padStart(9)}   goal (2 × election timeout) = ${goal} ms`);
  for (const [p, t] of results) {
    const med = percentile(t, 50) ?? NaN;
    const max = t[t.length - 1] ?? NaN;
    console.log(`${p.padEnd(14)}${med.toFixed(0).padStart(11)}${max.toFixed(0).padStart(9)}   ${max < goal ? 'below goal' : 'ABOVE goal'}`);
  }
  const e = results.get('etcd');
  const s = results.get('store-server');
  if (e && s) {
    const r = (a: number | undefined, b: number | undefined) => ((a ?? NaN) / (b ?? NaN)).toFixed(2);
    console.log(`ratio store-server/etcd: median ${r(percentile(s, 50), percentile(e, 50))}, max ${r(s[s.length - 1], e[e.length - 1])}`);
  }
}

runBenchmark(main);
