// One fault run, start to verdict: a 3-member cluster behind the fault proxies; watchers, the
// key-value workload and the lease workload running while the nemesis injects faults; then
// heal, recover, fence, collect every member's copy, and run every checker.
// A run is decided by its seed (the fault schedule and the workload's choices; the timing of a
// real cluster is not), so a failing seed is the first thing to re-run.

import { checkDurability, type MemberCopy } from '../../store/verify/durability.js';
import { EventLog } from '../../store/verify/event-log.js';
import type { Anomaly } from '../../store/verify/history.js';
import { checkLeases } from '../../store/verify/lease-checker.js';
import { checkLinearizability, resolveUnknownWrites } from '../../store/verify/linearizability.js';
import { checkReadsAgainstLog } from '../../store/verify/reads-vs-log.js';
import { checkRevisions } from '../../store/verify/revisions.js';
import { checkWatch } from '../../store/verify/watch-checker.js';
import { TestCluster, type ClusterMember, type Program } from '../store/testing/cluster.js';
import { KV_PREFIX, KvWorkload } from './kv-workload.js';
import { LEASE_PREFIX, LeaseWorkload } from './lease-workload.js';
import { readMemberCopy } from './member-copy.js';
import { Nemesis, type FaultKind, type FaultRecord } from './nemesis.js';
import { PeerNetwork } from './network.js';
import { RawWatch } from './raw-watch.js';
import { RecordedWatch } from './watch-recorder.js';

export interface ScenarioOptions {
  program: Program;
  /** How long the workload runs under faults (ms). */
  durationMs: number;
  /** Run on past durationMs until this many faults were injected (so that a slow machine still deals every kind). */
  minFaults?: number;
  clients?: number;
  keys?: number;
  faults?: readonly FaultKind[];
  electionMs?: number;
  heartbeatMs?: number;
  /** Fault loops at once (default 1; 2 = overlapping faults). */
  concurrency?: number;
  /** Extra flags for every member. */
  extraArgs?: string[];
  /** --snapshot-count for every member (e.g. 200, so that restarts load snapshots). */
  snapshotCount?: number;
  /**
   * --experimental-snapshot-catchup-entries (store-server only: etcd 3.4 has no such flag and keeps
   * 5000): with a small snapshot count, a follower that falls this far behind (partitioned, killed,
   * wiped) is sent a snapshot over the network instead of log entries.
   */
  snapshotCatchupEntries?: number;
  /** How long each fault is held (ms; default 1–3 s). */
  holdMs?: [number, number];
  /** See KvWorkloadOptions.mislabelSerializableReads: for the suite's test of itself only. */
  mislabelSerializableReads?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface ScenarioResult {
  seed: number;
  program: Program;
  operations: number;
  unknownOutcomes: number;
  watchEvents: number;
  leases: number;
  faults: FaultRecord[];
  anomalies: Anomaly[];
  /** Keys the linearizability search gave up on (neither proved nor refuted). */
  undecidedKeys: string[];
  /** The longest time no key-value operation completed successfully while the workload ran: how long faults made the store unavailable. */
  longestOutageMs: number;
  wallMs: number;
  /** Snapshots sent between members (etcd_network_snapshot_send_success on every member's /metrics at the end; counters restart with a process, so a lower bound). */
  snapshotsSent: number;
  /** Snapshots received and applied (`applied incoming raft snapshot` in store-server's log, over every process of the run; 0 for etcd). */
  snapshotsApplied: number;
}

const RECOVERY_MS = 60_000;

export async function runScenario(seed: number, o: ScenarioOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const log = o.log ?? (() => {});
  const electionMs = o.electionMs ?? 500;
  const net = new PeerNetwork();
  const extraArgs = [
    ...(o.extraArgs ?? []),
    ...(o.snapshotCount === undefined ? [] : [`--snapshot-count=${o.snapshotCount}`]),
    ...(o.snapshotCatchupEntries === undefined || o.program === 'etcd' ? [] : [`--experimental-snapshot-catchup-entries=${o.snapshotCatchupEntries}`]),
  ];
  const cluster = await TestCluster.start({ program: o.program, members: 3, electionMs, heartbeatMs: o.heartbeatMs ?? 50, advertisePeerUrl: net.advertise, extraArgs, countLines: ['applied incoming raft snapshot'] });
  const endpoints = cluster.members.map((m) => m.clientUrl);
  const anomalies: Anomaly[] = [];
  const undecided: string[] = [];
  const liveness = (message: string): void => void anomalies.push({ checker: 'liveness', message });
  const watches = [
    new RecordedWatch('kv/*', KV_PREFIX, true, endpoints),
    new RecordedWatch('kv/k0', `${KV_PREFIX}k0`, false, [...endpoints].reverse()),
    new RecordedWatch('lease/*', LEASE_PREFIX, true, [endpoints[1]!, endpoints[2]!, endpoints[0]!]),
    new RawWatch('kv/* raw', KV_PREFIX, true, [endpoints[2]!, endpoints[0]!, endpoints[1]!]),
  ];
  const kv = new KvWorkload({ seed, endpoints, clients: o.clients ?? 4, keys: o.keys ?? 4, timeoutMs: o.mislabelSerializableReads ? 500 : 3000, mislabelSerializableReads: o.mislabelSerializableReads });
  // The store's minimum TTL is 1.5 election timeouts; 2 s is above it for the default 500 ms.
  const leases = new LeaseWorkload({ seed, endpoints, ttlSeconds: Math.max(2, Math.ceil((1.5 * electionMs) / 1000)), timeoutMs: 3000 });
  const nemesis = new Nemesis(cluster, net, { seed, electionMs, faults: o.faults, holdMs: o.holdMs, concurrency: o.concurrency, log });
  const copies: MemberCopy[] = [];
  let snapshotsSent = 0;
  try {
    await Promise.all(watches.map((w) => w.created()));
    kv.start();
    leases.start();
    nemesis.start();
    log(`seed ${seed}: ${o.program} cluster up, workload and nemesis running for ${o.durationMs} ms`);
    await new Promise((r) => setTimeout(r, o.durationMs));
    while (nemesis.records.length < (o.minFaults ?? 0)) await new Promise((r) => setTimeout(r, 200));
    await nemesis.stop();
    net.heal();
    await Promise.all([kv.stop(), leases.stop()]);
    for (const e of nemesis.errors) liveness(`nemesis: ${e}`);
    log(`seed ${seed}: ${nemesis.records.length} faults (${nemesis.records.map((f) => f.kind).join(', ')}); ${kv.ops.length} operations; recovering`);

    for (const m of cluster.members) {
      if (!m.running) m.start();
      await m.waitHealthy(RECOVERY_MS).catch((e: unknown) => liveness(`${m.name} not healthy after recovery: ${String(e).slice(0, 300)}`));
    }
    // Fences: one recorded write inside each watched range, after every other write. Each
    // watcher must deliver its fence; every member's copy is compared at the last one.
    const leaseFence = await fence(kv, `${LEASE_PREFIX}fence`, seed);
    const kvFence = await fence(kv, `${KV_PREFIX}k0`, seed);
    if (leaseFence === undefined || kvFence === undefined) {
      liveness('no write succeeded within a minute after every fault was healed');
    } else {
      const until = [kvFence, kvFence, leaseFence, kvFence];
      for (const [i, w] of watches.entries()) {
        if (!(await w.reach(until[i]!, RECOVERY_MS))) liveness(`watcher ${w.name} never delivered revision ${until[i]} (last ${w.lastRevision}${w.error ? `, ended: ${w.error}` : ''})`);
      }
      for (const m of cluster.members) {
        try {
          copies.push(await readMemberCopy(m, kvFence, RECOVERY_MS));
        } catch (e) {
          liveness(String(e));
        }
      }
      // Checks that need the log: the first member's copy (the durability checker compares it with the others').
      const ref = copies[0];
      if (ref) {
        const events = new EventLog(ref.events);
        const lin = checkLinearizability(resolveUnknownWrites(kv.ops, events));
        anomalies.push(...lin.anomalies);
        undecided.push(...lin.undecided);
        anomalies.push(...checkReadsAgainstLog(kv.ops, events));
        for (const [i, w] of watches.entries()) {
          anomalies.push(...checkWatch(w.record(until[i]!), ref.events));
          if (w.error) anomalies.push({ checker: 'watch', message: `watcher ${w.name} ended with an error: ${w.error}` });
        }
      }
    }
    anomalies.push(...checkRevisions([...kv.ops, ...leases.puts]));
    anomalies.push(...checkDurability([...kv.ops, ...leases.puts], copies));
    anomalies.push(
      ...checkLeases(
        leases.leases,
        leases.seen,
        nemesis.records.map((f) => ({ start: f.start, end: f.end })),
        // TTL + election timeout, plus: the new leader's election (up to 2 timeouts with
        // randomization), etcd's extension of every lease on promotion (1 timeout), its expiry
        // scan (500 ms) and a loaded 2-core machine.
        { electionTimeoutMs: electionMs, slackMs: 3 * electionMs + 1500 },
      ),
    );
    snapshotsSent = await countSnapshotsSent(cluster.members);
    if (net.unidentified > 0) log(`seed ${seed}: ${net.unidentified} peer connections refused (dialler not identified)`);
  } finally {
    await Promise.allSettled([kv.stop(), leases.stop(), nemesis.stop()]);
    await Promise.all(watches.map((w) => w.close()));
    kv.close();
    leases.close();
    await cluster.stop();
    await net.close();
  }
  return {
    seed,
    program: o.program,
    operations: kv.ops.length + leases.puts.length,
    unknownOutcomes: kv.ops.filter((x) => !x.output).length,
    watchEvents: watches.reduce((n, w) => n + w.events.length, 0),
    leases: leases.leases.length,
    faults: nemesis.records,
    anomalies,
    undecidedKeys: undecided,
    longestOutageMs: longestOutage(kv.ops.filter((x) => !x.key.endsWith('fence')).map((x) => x.ret)),
    wallMs: performance.now() - started,
    snapshotsSent,
    snapshotsApplied: cluster.members.reduce((n, m) => n + m.countLines('applied incoming raft snapshot'), 0),
  };
}

/** The sum of etcd_network_snapshot_send_success over the members' /metrics (0 for one that does not answer). */
async function countSnapshotsSent(members: readonly ClusterMember[]): Promise<number> {
  let n = 0;
  for (const m of members) {
    const text = await fetch(`${m.clientUrl}/metrics`, { signal: AbortSignal.timeout(3000) })
      .then((r) => r.text())
      .catch(() => '');
    for (const line of text.split('\n')) if (line.startsWith('etcd_network_snapshot_send_success')) n += Number(line.split(' ').pop()) || 0;
  }
  return n;
}

function longestOutage(completions: number[]): number {
  const done = completions.filter(Number.isFinite).sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < done.length; i++) longest = Math.max(longest, done[i]! - done[i - 1]!);
  return longest;
}

/** A recorded put to `key` that succeeds, retried for up to a minute; its revision, or undefined. */
async function fence(kv: KvWorkload, key: string, seed: number): Promise<number | undefined> {
  const deadline = performance.now() + RECOVERY_MS;
  for (let i = 1; performance.now() < deadline; i++) {
    const op = await kv.run(0, key, { f: 'put', value: `fence-${seed}-${key}-${i}` });
    if (op.output) return op.output.revision;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}
