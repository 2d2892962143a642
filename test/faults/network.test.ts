// The fault network does what it claims, seen from the cluster: every peer connection is
// attributed to its dialler; an isolated leader is replaced; a leader whose outgoing links are cut
// is replaced while it still hears the others; a partitioned follower falls behind and catches up
// once healed. Without this, a proxy that silently forwarded everything would make every fault
// run pass.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../store/client/index.js';
import { TestCluster, type ClusterMember } from '../store/testing/cluster.js';
import { findLeader } from './nemesis.js';
import { PeerNetwork } from './network.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until a leader other than `old` is found (undefined: any leader). */
async function leaderOtherThan(cluster: TestCluster, old: ClusterMember | undefined, timeoutMs = 30_000): Promise<ClusterMember> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const l = await findLeader(cluster.members.filter((m) => m !== old));
    if (l) return l;
    if (Date.now() > deadline) throw new Error('no new leader');
    await sleep(200);
  }
}

async function revisionOf(m: ClusterMember): Promise<number> {
  const c = new EtcdClient({ endpoints: [m.clientUrl], callTimeoutMs: 2000 });
  try {
    const r = await c.kv.range('x', { serializable: true });
    return Number(r.header?.revision);
  } finally {
    c.close();
  }
}

describe('the peer fault network', () => {
  let net: PeerNetwork;
  let cluster: TestCluster;
  let client: EtcdClient;

  beforeAll(async () => {
    net = new PeerNetwork();
    cluster = await TestCluster.start({ program: 'store-server', members: 3, electionMs: 500, heartbeatMs: 50, advertisePeerUrl: net.advertise });
    client = new EtcdClient({ endpoints: cluster.members.map((m) => m.clientUrl) });
  });
  afterAll(async () => {
    client?.close();
    await cluster?.stop();
    await net?.close();
  });

  it('names the dialler of every peer connection', async () => {
    await client.kv.put('x', '1');
    expect(net.unidentified).toBe(0);
  });

  it('an isolated leader is replaced by one of the others', async () => {
    const old = await leaderOtherThan(cluster, undefined);
    net.partition([old.name], cluster.members.filter((m) => m !== old).map((m) => m.name));
    const next = await leaderOtherThan(cluster, old);
    expect(next).not.toBe(old);
    net.heal();
  });

  it("a leader whose outgoing links are cut is replaced, though it still hears the others", async () => {
    const old = await leaderOtherThan(cluster, undefined);
    for (const m of cluster.members) if (m !== old) net.cut(old.name, m.name);
    const next = await leaderOtherThan(cluster, old);
    expect(next).not.toBe(old);
    net.heal();
  });

  it('a partitioned follower misses writes, and gets them once healed', async () => {
    const leader = await leaderOtherThan(cluster, undefined);
    const follower = cluster.members.find((m) => m !== leader)!;
    const before = await revisionOf(follower);
    net.partition([follower.name], cluster.members.filter((m) => m !== follower).map((m) => m.name));
    // Written through the leader: the shared client may be talking to the cut-off follower, whose
    // forwarded writes cannot commit until the partition heals.
    const toLeader = new EtcdClient({ endpoints: [leader.clientUrl] });
    let last = 0;
    try {
      for (let i = 0; i < 5; i++) last = Number((await toLeader.kv.put('x', `p${i}`)).header?.revision);
    } finally {
      toLeader.close();
    }
    await sleep(1000);
    expect(await revisionOf(follower)).toBeLessThan(last);
    expect(await revisionOf(follower)).toBeGreaterThanOrEqual(before);
    net.heal();
    const deadline = Date.now() + 30_000;
    while ((await revisionOf(follower)) < last && Date.now() < deadline) await sleep(200);
    expect(await revisionOf(follower)).toBeGreaterThanOrEqual(last);
  });
});
