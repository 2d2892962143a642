// The nemesis: from a seed, a schedule of faults injected into a running cluster, each held for a
// while and then healed, with quiet periods between them; one at a time, or from several loops at
// once so that faults overlap (each heal undoes only its own fault). Every fault is
// recorded with its start and heal times: the lease checker excuses what happens meanwhile.
//
// Faults (FAULTS below; each one knows how to inject itself and how to heal):
//   partition-leader / partition-follower   the member is cut from the others both ways
//   partition-majority                      a random member alone vs. the two others (same as above, picked blindly)
//   one-way-from-leader / one-way-to-leader the leader's outgoing (or incoming) links are cut, the other way flows
//   delay                                   every peer link gets 50–250 ms of latency
//   drop                                    peer connections are reset every 100–400 ms
//   kill-leader / kill-follower             kill -9, restarted on the same data dir when healed
//   stop-leader / stop-follower             SIGSTOP, SIGCONT when healed
//   leader-churn                            three times in a row: freeze the current leader for 3 election timeouts
//   wipe-follower                           a follower loses its disk: MemberRemove (it stops by itself), its
//                                           data dir deleted; when healed MemberAdd under the same peer URL
//                                           (its proxy), a new member id, started with --initial-cluster-state
//                                           existing on the same ports; it catches up by log or snapshot
//
// The wipe is always remove-then-add. A wiped member that keeps its id (restarted on an empty dir
// without MemberRemove/MemberAdd) is not a fault to inject: it has forgotten entries it acknowledged
// to the leader, which breaks Raft's assumptions, and both programs refuse it (the leader's commit
// index is beyond the empty log: "tocommit(N) is out of range [lastIndex(0)]", the member stops;
// test/store/wiped-member.test.ts).

import { rmSync } from 'node:fs';
import { EtcdClient } from '../../store/client/index.js';
import { prng } from '../../store/verify/testing.js';
import type { ClusterMember, TestCluster } from '../store/testing/cluster.js';
import type { PeerNetwork } from './network.js';

export type FaultKind =
  | 'partition-leader'
  | 'partition-follower'
  | 'partition-majority'
  | 'one-way-from-leader'
  | 'one-way-to-leader'
  | 'delay'
  | 'drop'
  | 'kill-leader'
  | 'kill-follower'
  | 'stop-leader'
  | 'stop-follower'
  | 'leader-churn'
  | 'wipe-follower';

export const ALL_FAULTS: readonly FaultKind[] = [
  'partition-leader',
  'partition-follower',
  'partition-majority',
  'one-way-from-leader',
  'one-way-to-leader',
  'delay',
  'drop',
  'kill-leader',
  'kill-follower',
  'stop-leader',
  'stop-follower',
  'leader-churn',
  'wipe-follower',
];

export interface FaultRecord {
  kind: FaultKind;
  target: string;
  start: number;
  /** When the heal completed; Infinity while active. */
  end: number;
}

interface Context {
  cluster: TestCluster;
  net: PeerNetwork;
  rnd: () => number;
  electionMs: number;
  /** Shared by the loops: one wipe at a time (two at once could shrink the cluster to one member). */
  shared: { wiping: boolean };
  log: (line: string) => void;
}

/** Undoes a fault. */
type Heal = () => Promise<void>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.now();

function others(c: TestCluster, m: ClusterMember): string[] {
  return c.members.filter((x) => x !== m).map((x) => x.name);
}

/** Among `members`, the one that says it leads (the highest term wins), asking each its Status. */
export async function findLeader(members: readonly ClusterMember[]): Promise<ClusterMember | undefined> {
  const client = new EtcdClient({ endpoints: members.map((m) => m.clientUrl) });
  try {
    const answers = await Promise.all(
      members.map(async (m) => {
        if (!m.running) return undefined;
        try {
          const s = await client.maintenance.status({ endpoint: m.clientUrl, timeoutMs: 1000 });
          return { m, isLeader: s.leader !== '0' && s.leader === s.header?.member_id, term: BigInt(s.raftTerm) };
        } catch {
          return undefined;
        }
      }),
    );
    const leaders = answers.filter((a) => a?.isLeader).sort((a, b) => (a!.term > b!.term ? -1 : 1));
    return leaders[0]?.m;
  } finally {
    client.close();
  }
}

async function leaderOrAny(ctx: Context): Promise<ClusterMember> {
  return (await findLeader(ctx.cluster.members)) ?? pick(ctx, ctx.cluster.members);
}

async function follower(ctx: Context): Promise<ClusterMember> {
  const leader = await findLeader(ctx.cluster.members);
  return pick(ctx, ctx.cluster.members.filter((m) => m !== leader));
}

function shuffle<T>(rnd: () => number, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function pick<T>(ctx: Context, list: readonly T[]): T {
  return list[Math.floor(ctx.rnd() * list.length)]!;
}

/** Cuts the given directed links; the heal restores those links only (another fault may hold others). */
function cutLinks(ctx: Context, links: readonly [string, string][], label: string): [string, Heal] {
  for (const [from, to] of links) ctx.net.cut(from, to);
  return [label, async () => links.forEach(([from, to]) => ctx.net.restore(from, to))];
}

async function isolate(ctx: Context, m: ClusterMember): Promise<[string, Heal]> {
  return cutLinks(ctx, others(ctx.cluster, m).flatMap((o): [string, string][] => [[m.name, o], [o, m.name]]), m.name);
}

async function kill(m: ClusterMember): Promise<[string, Heal]> {
  // With overlapping faults the member may be down already: then its restart is the other fault's.
  if (!m.running) return [`${m.name} (already down)`, async () => {}];
  await m.kill('SIGKILL');
  return [
    m.name,
    async () => {
      if (!m.running) m.start();
      await m.waitHealthy(60_000).catch(() => undefined); // a member that cannot rejoin shows up in the final checks
    },
  ];
}

async function freeze(m: ClusterMember): Promise<[string, Heal]> {
  if (!m.running) return [`${m.name} (already down)`, async () => {}];
  await m.kill('SIGSTOP');
  return [m.name, async () => void (await m.kill('SIGCONT'))];
}

/** An admin call retried while the cluster refuses it for now (strict reconfig checks, no leader, a timeout). */
async function retrying<T>(what: string, ctx: Context, call: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (e) {
      if (now() > deadline) throw new Error(`${what}: ${String(e)}`);
      await sleep(250 + ctx.rnd() * 250);
    }
  }
}

/** The member's record in the cluster's table, found by its (advertised) peer URL; its id as a decimal string. */
async function memberIdOf(client: EtcdClient, m: ClusterMember): Promise<string | undefined> {
  const list = await client.cluster.memberList({ timeoutMs: 3000 });
  return list.members.find((x) => x.peerURLs.includes(m.advertisedPeerUrl))?.ID;
}

/**
 * Remove `m`, wipe its data dir; the heal adds it back (new id, same name, ports and peer URL:
 * its proxy) and starts it with --initial-cluster-state existing.
 */
async function wipe(ctx: Context, m: ClusterMember): Promise<[string, Heal]> {
  if (ctx.shared.wiping) return [`${m.name} (another wipe in progress)`, async () => {}];
  if (!m.running) return [`${m.name} (already down)`, async () => {}];
  ctx.shared.wiping = true;
  const rest = ctx.cluster.members.filter((x) => x !== m);
  const client = new EtcdClient({ endpoints: rest.map((x) => x.clientUrl), callTimeoutMs: 5000 });
  try {
    // A removal refused for now (e.g. "unhealthy cluster" while another fault holds a member) is retried;
    // one whose answer was lost may have been applied: then the member is no longer listed.
    const id = await retrying(`member list before removing ${m.name}`, ctx, async () => {
      const found = await memberIdOf(client, m);
      if (found === undefined) throw new Error(`${m.name} (${m.advertisedPeerUrl}) not in the member list`);
      return found;
    });
    await retrying(`member remove ${m.name}`, ctx, async () => {
      try {
        await client.cluster.memberRemove(id, { timeoutMs: 5000 });
      } catch (e) {
        if ((await memberIdOf(client, m).catch(() => id)) === id) throw e;
      }
    });
    // It stops by itself once it applies its removal or hears of it (exit 0); if cut off or frozen, kill it.
    const code = await m.waitExit(10_000).catch(() => 'still running');
    if (m.running) await m.kill('SIGKILL');
    ctx.log(`nemesis: ${m.name} (${id}) removed (${code === 'still running' ? 'killed' : `exited ${String(code)}`}), data dir wiped`);
    // etcd 3.4 and store-server exit 0 once removed: anything else is worth reading.
    if (code !== 0 && code !== 'still running') ctx.log(`nemesis: ${m.name}'s last output:\n${m.output.slice(-4000)}`);
    rmSync(m.dataDir, { recursive: true, force: true });
  } catch (e) {
    client.close();
    ctx.shared.wiping = false;
    throw e;
  }
  return [
    m.name,
    async () => {
      try {
        const added = await retrying(`member add ${m.name}`, ctx, async () => {
          try {
            return await client.cluster.memberAdd([m.advertisedPeerUrl], { timeoutMs: 5000 });
          } catch (e) {
            // An add whose answer was lost: the member is listed (not started yet, no name).
            const list = await client.cluster.memberList({ timeoutMs: 3000 }).catch(() => undefined);
            const member = list?.members.find((x) => x.peerURLs.includes(m.advertisedPeerUrl));
            if (list && member) return { member, members: list.members };
            throw e;
          }
        });
        const newId = added.member!.ID;
        // As etcdctl member add prints it: every member by name, the new one (no name yet) by ours.
        const initialCluster = added.members.map((x) => `${x.ID === newId ? m.name : x.name}=${x.peerURLs.join(',')}`).join(',');
        m.join = { initialCluster, state: 'existing' };
        ctx.log(`nemesis: ${m.name} added back as ${newId}; --initial-cluster=${initialCluster}`);
        // A join can fail while another fault cuts its links (it cannot fetch the member table): start it again.
        const deadline = now() + 60_000;
        for (;;) {
          if (!m.running) m.start();
          try {
            await m.waitHealthy(Math.max(1000, deadline - now()));
            break;
          } catch {
            if (now() > deadline) break; // a member that cannot rejoin shows up in the final checks
            await sleep(500);
          }
        }
      } finally {
        client.close();
        ctx.shared.wiping = false;
      }
    },
  ];
}

const FAULTS: Record<FaultKind, (ctx: Context) => Promise<[string, Heal]>> = {
  'partition-leader': async (ctx) => isolate(ctx, await leaderOrAny(ctx)),
  'partition-follower': async (ctx) => isolate(ctx, await follower(ctx)),
  'partition-majority': async (ctx) => isolate(ctx, pick(ctx, ctx.cluster.members)),
  'one-way-from-leader': async (ctx) => {
    const l = await leaderOrAny(ctx);
    return cutLinks(ctx, others(ctx.cluster, l).map((o): [string, string] => [l.name, o]), l.name);
  },
  'one-way-to-leader': async (ctx) => {
    const l = await leaderOrAny(ctx);
    return cutLinks(ctx, others(ctx.cluster, l).map((o): [string, string] => [o, l.name]), l.name);
  },
  delay: async (ctx) => {
    ctx.net.delayAll(50 + Math.floor(ctx.rnd() * 200));
    return ['all', async () => ctx.net.undelayAll()];
  },
  drop: async (ctx) => {
    let on = true;
    const loop = (async () => {
      while (on) {
        ctx.net.reset(pick(ctx, ctx.net.names));
        await sleep(100 + ctx.rnd() * 300);
      }
    })();
    return [
      'all',
      async () => {
        on = false;
        await loop;
      },
    ];
  },
  'kill-leader': async (ctx) => kill(await leaderOrAny(ctx)),
  'kill-follower': async (ctx) => kill(await follower(ctx)),
  'stop-leader': async (ctx) => freeze(await leaderOrAny(ctx)),
  'stop-follower': async (ctx) => freeze(await follower(ctx)),
  'leader-churn': async (ctx) => {
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const l = await leaderOrAny(ctx);
      names.push(l.name);
      await l.kill('SIGSTOP');
      // Longer than the longest randomized election timeout (2×) plus a pre-vote round, so the
      // others do elect someone else (with 1.5× the frozen leader often came back still leading).
      await sleep(3 * ctx.electionMs);
      await l.kill('SIGCONT');
      await sleep(ctx.electionMs);
    }
    return [names.join('→'), async () => {}];
  },
  'wipe-follower': async (ctx) => wipe(ctx, await follower(ctx)),
};

export interface NemesisOptions {
  seed: number;
  electionMs: number;
  /** Which faults to draw from (default: all). */
  faults?: readonly FaultKind[];
  /** How long a fault is held, and the quiet time between faults (ms). */
  holdMs?: [number, number];
  quietMs?: [number, number];
  /** Fault loops running at once (default 1): with 2, faults overlap (a partition during a kill...). */
  concurrency?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export class Nemesis {
  readonly records: FaultRecord[] = [];
  /** Faults that could not be injected or healed (e.g. a member add refused for a minute): liveness failures. */
  readonly errors: string[] = [];
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly cluster: TestCluster,
    private readonly net: PeerNetwork,
    private readonly o: NemesisOptions,
  ) {}

  start(): void {
    // Each loop has its own stream of randomness, and none is shared with the workload, so the
    // workload's draws never shift the fault schedule.
    const shared = { wiping: false };
    const log = this.o.log ?? (() => {});
    this.loops = Array.from({ length: this.o.concurrency ?? 1 }, (_, k) =>
      this.run({ cluster: this.cluster, net: this.net, rnd: prng(this.o.seed * 7919 + 17 + k * 104_729), electionMs: this.o.electionMs, shared, log }),
    );
  }

  /** Stops drawing new faults and heals the ones in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  private async run(ctx: Context): Promise<void> {
    const kinds = this.o.faults ?? ALL_FAULTS;
    const [holdLo, holdHi] = this.o.holdMs ?? [1000, 3000];
    const [quietLo, quietHi] = this.o.quietMs ?? [500, 2000];
    const between = (lo: number, hi: number): number => lo + ctx.rnd() * (hi - lo);
    // Drawn from a shuffled deck, refilled when empty: a run with as many faults as kinds
    // injects every kind once, which independent draws would not promise.
    let deck: FaultKind[] = [];
    while (!this.stopping) {
      await this.sleepUnlessStopping(between(quietLo, quietHi));
      if (this.stopping) break;
      if (deck.length === 0) deck = shuffle(ctx.rnd, kinds);
      const kind = deck.pop()!;
      const record: FaultRecord = { kind, target: '', start: now(), end: Infinity };
      this.records.push(record);
      let heal: Heal = async () => {};
      try {
        [record.target, heal] = await FAULTS[kind](ctx);
      } catch (e) {
        record.target = '(not injected)';
        this.errors.push(`${kind}: could not inject: ${String(e).slice(0, 500)}`);
      }
      await this.sleepUnlessStopping(between(holdLo, holdHi));
      await heal().catch((e: unknown) => void this.errors.push(`${kind}@${record.target}: could not heal: ${String(e).slice(0, 500)}`));
      record.end = now();
    }
  }

  private async sleepUnlessStopping(ms: number): Promise<void> {
    const until = now() + ms;
    while (!this.stopping && now() < until) await sleep(Math.min(100, until - now()));
  }
}
