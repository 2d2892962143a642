// Raft snapshots across real processes: 3 store-server members with a small --snapshot-count and
// --experimental-snapshot-catchup-entries (etcd 3.5's flag; 3.4 keeps a fixed 5000 entries).
//  - A follower killed with SIGKILL misses more writes than the leader keeps in its log; when it
//    comes back it must be sent the state as a snapshot (its log line and etcd's
//    etcd_network_snapshot_receive_success metric), then agree with the others on every key,
//    the revision and the hash (`etcdctl endpoint hashkv`), and serve reads.
//  - A member restarted after many writes replays only the log after its last snapshot: at most
//    snapshot-count entries plus one applied batch, not the history (the count it logs).

import { afterEach, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../store/client/index.js';
import { etcdctl } from '../../store/client/testing/etcdctl.js';
import { TestCluster, type ClusterMember } from './testing/cluster.js';

const SNAPSHOT_COUNT = 100;
const CATCH_UP = 20;
const WRITES = 600;

const clusters: TestCluster[] = [];
const clients: EtcdClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const c of clusters.splice(0)) await c.stop();
});

async function metrics(m: ClusterMember): Promise<string> {
  return (await fetch(`${m.clientUrl}/metrics`)).text();
}

async function isLeader(m: ClusterMember): Promise<boolean> {
  return /^etcd_server_is_leader 1$/m.test(await metrics(m));
}

/** pino lines of a member's output with this message. */
function logLines(m: ClusterMember, msg: string): Record<string, unknown>[] {
  return m.output
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`not met within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `etcdctl endpoint hashkv` of every member: [revision, hash] each (hash as text: 32-bit). */
async function hashes(c: TestCluster): Promise<string[]> {
  const text = await etcdctl(c.endpoints, 'endpoint', 'hashkv', '-w', 'json');
  const out = JSON.parse(text) as { HashKV: { header: { revision: number }; hash: number } }[];
  return out.map((h) => `${h.HashKV.header.revision}:${h.HashKV.hash}`);
}

async function writeMany(endpoint: string, from: number, to: number): Promise<void> {
  const client = new EtcdClient({ endpoints: endpoint });
  clients.push(client);
  // 10 writes in flight: each is one entry, and this stays fast on a loaded machine.
  for (let i = from; i < to; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, to - i) }, (_, j) => client.kv.put(`snap/${String(i + j).padStart(4, '0')}`, `value-${i + j}`)));
  }
}

describe(`raft snapshots (--snapshot-count=${SNAPSHOT_COUNT} --experimental-snapshot-catchup-entries=${CATCH_UP})`, () => {
  it('a follower that missed more than the leader keeps gets a snapshot, then agrees on every key, revision and hash; a restart replays only the log after the snapshot', async () => {
    const c = await TestCluster.start({
      program: 'store-server',
      members: 3,
      extraArgs: [`--snapshot-count=${SNAPSHOT_COUNT}`, `--experimental-snapshot-catchup-entries=${CATCH_UP}`],
    });
    clusters.push(c);
    let leader: ClusterMember | undefined;
    await until('a leader', async () => {
      for (const m of c.members) if (await isLeader(m)) leader = m;
      return leader !== undefined;
    });
    const [lagging, other] = c.members.filter((m) => m !== leader) as [ClusterMember, ClusterMember];

    await writeMany(leader!.endpoint, 0, 10);
    await lagging.kill('SIGKILL');
    await writeMany(leader!.endpoint, 10, WRITES);
    // The leader snapshotted and dropped all but CATCH_UP entries before each snapshot.
    expect(logLines(leader!, 'saved snapshot and compacted the raft log').length).toBeGreaterThanOrEqual(Math.floor(WRITES / SNAPSHOT_COUNT) - 1);

    // 1. The lagging follower comes back: the leader's log no longer reaches back to it.
    lagging.start();
    await lagging.waitHealthy();
    await until('the follower received a snapshot', () => logLines(lagging, 'applied incoming raft snapshot').length > 0);
    const received = logLines(lagging, 'received snapshot')[0]!;
    expect(received['index'] as number).toBeGreaterThan(WRITES - SNAPSHOT_COUNT);
    const counted = (text: string, name: string) => [...text.matchAll(new RegExp(`^${name}\\{(?:From|To)="[0-9a-f]+"\\} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    expect(counted(await metrics(lagging), 'etcd_network_snapshot_receive_success')).toBeGreaterThanOrEqual(1);
    expect(counted(await metrics(leader!), 'etcd_network_snapshot_send_success')).toBeGreaterThanOrEqual(1);

    // Same revision and hash everywhere, every key served by the follower from its own state.
    await until('equal hashkv on every member', async () => new Set(await hashes(c)).size === 1);
    const count = JSON.parse(await etcdctl(lagging.endpoint, 'get', 'snap/', '--prefix', '--keys-only', '--consistency=s', '-w', 'json')) as { count: number };
    expect(count.count).toBe(WRITES);
    expect((await etcdctl(lagging.endpoint, 'get', `snap/${String(WRITES - 1).padStart(4, '0')}`, '--print-value-only')).trim()).toBe(`value-${WRITES - 1}`);
    expect((await etcdctl(lagging.endpoint, 'get', 'snap/0000', '--print-value-only')).trim()).toBe('value-0');

    // 2. Restart a member that applied the whole history itself, some writes after its last
    //    snapshot: it loads that snapshot and replays only what came after it.
    await writeMany(leader!.endpoint, WRITES, WRITES + 50);
    await until('the member to restart applied every write', async () => (await hashes(c)).length === 3 && new Set(await hashes(c)).size === 1);
    await other.kill('SIGKILL');
    other.start();
    await other.waitHealthy();
    const replayLine = () => other.output.split('\n').find((l) => /"msg":"replayed \d+ entries of the raft log after the snapshot"/.test(l));
    await until('the restart replay was logged', () => replayLine() !== undefined);
    const r = JSON.parse(replayLine()!) as { replayed: number; snapshotIndex: number; appliedIndex: number };
    if (process.env['SNAPSHOT_TEST_FIGURES']) process.stderr.write(`[figures] received ${JSON.stringify(received)}\n[figures] replay ${JSON.stringify(r)}\n`);
    // At most snapshot-count entries (+ one applied batch past it), never the ~600 of history.
    expect(r.replayed).toBeLessThanOrEqual(SNAPSHOT_COUNT + CATCH_UP);
    expect(r.snapshotIndex).toBeGreaterThan(WRITES - SNAPSHOT_COUNT - CATCH_UP);
    expect(r.appliedIndex).toBeGreaterThan(WRITES + 50); // the history it did not replay
    expect(r.replayed).toBeGreaterThan(0);
    await until('equal hashkv after the restart', async () => new Set(await hashes(c)).size === 1);
    expect(JSON.parse(await etcdctl(other.endpoint, 'get', 'snap/', '--prefix', '--keys-only', '-w', 'json')).count).toBe(WRITES + 50);
  });
});
