import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Lessor } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import type { Message } from '../raft/index.js';
import { encodeSnapshotFile } from './grpc/snapshot-file.js';
import { clusterIdFor, idToHex, memberIdFor, raftIdOf } from './identity.js';
import { Member, type MemberConfig, type SnapshotImage } from './member.js';
import { Membership } from './membership.js';
import { planFromFile, planRestore, readSnapshotImage, RestoreError, writeDataDir, type RestoreOptions } from './restore.js';
import { parseRestoreArgs } from './restore-cli.js';
import { decodeJson, encodeJson } from './state/requests.js';
import { StateMachine } from './state/state-machine.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const s = (u: Uint8Array): string => new TextDecoder().decode(u);
const quiet = { info() {}, warn() {}, error() {} };
const LEASE = 0x1234n;

/** A keyspace as an old cluster would have it: overwrites, a delete, a compaction, a lease-bound key. */
function oldClusterFile(): Buffer {
  const sm = new StateMachine(new MvccStore(), new Lessor({ minTtlSeconds: 1, now: () => Date.now() }));
  sm.apply({ put: { key: b('a'), value: b('1') } }); // rev 2
  sm.apply({ put: { key: b('a'), value: b('2') } }); // rev 3
  sm.apply({ put: { key: b('gone'), value: b('x') } }); // rev 4
  sm.apply({ deleteRange: { key: b('gone') } }); // rev 5
  sm.apply({ compaction: { revision: 3 } });
  sm.apply({ leaseGrant: { id: LEASE, ttl: 60 } });
  sm.apply({ put: { key: b('leased'), value: b('L'), lease: LEASE } }); // rev 6
  const old = new Membership();
  old.add({ id: 0xabcn, name: 'old', peerUrls: ['http://10.0.0.1:2380'], clientUrls: [], isLearner: false });
  return encodeSnapshotFile(encodeJson({ kv: sm.dump(), members: old.dump() }));
}

const cluster = 'n1=http://127.0.0.1:31001,n2=http://127.0.0.1:31002,n3=http://127.0.0.1:31003';
const opts = (i: number): RestoreOptions => ({ name: `n${i}`, initialCluster: cluster, advertisePeerUrls: [`http://127.0.0.1:3100${i}`], initialClusterToken: 'tok' });

const dirs: string[] = [];
const running: Member[] = [];
afterEach(async () => {
  for (const m of running.splice(0)) await m.stop().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'restore-'));
  dirs.push(d);
  return d;
}

describe('planRestore (image → Raft state)', () => {
  it('keeps the keyspace, replaces the members with new ids, and commits a snapshot whose voters are the new members', () => {
    const image = readSnapshotImage(oldClusterFile());
    const plan = planRestore(image, opts(2));
    const ids = [1, 2, 3].map((i) => memberIdFor([`http://127.0.0.1:3100${i}`], 'tok'));
    expect(plan.identity).toEqual({ memberId: idToHex(ids[1]!), clusterId: idToHex(clusterIdFor(ids)), name: 'n2' });
    expect(plan.snapshot.metadata.index).toBe(1);
    expect(plan.snapshot.metadata.confState.voters).toEqual(ids.map(raftIdOf).sort((x, y) => x - y));
    expect(plan.hardState).toEqual({ term: 1, vote: 0, commit: 1 });
    expect([plan.revision, plan.compactRevision, plan.keys, plan.leases]).toEqual([6, 3, 2, 1]);
    const inside = decodeJson<SnapshotImage>(plan.snapshot.data);
    expect(inside.kv).toEqual(image.kv);
    expect(inside.members.members.map((m) => m.name).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(inside.members.removed).toEqual([]);
    expect(inside.alarms).toEqual([]);
  });

  it('refuses flags that disagree, and damaged files, before writing anything', () => {
    const image = readSnapshotImage(oldClusterFile());
    expect(() => planRestore(image, { ...opts(1), name: 'zz' })).toThrow(RestoreError);
    expect(() => planRestore(image, { ...opts(1), advertisePeerUrls: ['http://127.0.0.1:9'] })).toThrow(/do not match/);
    const dir = tempDir();
    const file = oldClusterFile();
    file[100] ^= 0xff;
    writeFileSync(join(dir, 'bad.db'), file);
    expect(() => planFromFile(join(dir, 'bad.db'), opts(1))).toThrow(`${join(dir, 'bad.db')}: snapshot file checksum mismatch`);
    writeFileSync(join(dir, 'short.db'), oldClusterFile().subarray(0, 600));
    expect(() => planFromFile(join(dir, 'short.db'), opts(1))).toThrow(/short\.db: .*truncated/);
  });

  it('parses etcdutl flags with defaults', () => {
    expect(parseRestoreArgs(['f.db', '--name', 'x', '--initial-cluster=x=http://h:1', '--initial-advertise-peer-urls', 'http://h:1'])).toEqual({
      file: 'f.db',
      name: 'x',
      dataDir: 'x.etcd',
      initialCluster: 'x=http://h:1',
      advertisePeerUrls: ['http://h:1'],
      initialClusterToken: 'etcd-cluster',
    });
    expect(() => parseRestoreArgs(['f.db', '--listen-client-urls', 'x'])).toThrow(/unknown flag/);
    expect(() => parseRestoreArgs([])).toThrow(/exactly one/);
  });
});

describe('restored data dirs', () => {
  it('refuse a non-empty data dir and leave it alone', async () => {
    const dir = join(tempDir(), 'm');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep'), 'x');
    await expect(writeDataDir(dir, planRestore(readSnapshotImage(oldClusterFile()), opts(1)))).rejects.toThrow(/not empty/);
    expect(existsSync(join(dir, 'member'))).toBe(false);
  });

  it('three members started from them elect a leader and serve the old keyspace at its revisions', async () => {
    const root = tempDir();
    const file = oldClusterFile();
    writeFileSync(join(root, 'snap.db'), file);
    const members = new Map<number, Member>();
    for (const i of [1, 2, 3]) {
      await writeDataDir(join(root, `n${i}`), planFromFile(join(root, 'snap.db'), opts(i)));
      const cfg: MemberConfig = {
        ...opts(i),
        dataDir: join(root, `n${i}`),
        advertiseClientUrls: [`http://127.0.0.1:3200${i}`],
        initialClusterState: 'new',
        heartbeatMs: 10,
        electionMs: 100,
        snapshotCount: 50,
        requestTimeoutMs: 3000,
      };
      const m: Member = new Member(cfg, quiet);
      const send = (msgs: Message[]) => {
        for (const msg of msgs) setImmediate(() => members.get(msg.to)?.receive([msg]));
      };
      await m.open(() => ({ send }), (e) => {
        throw e;
      });
      members.set(m.raftId, m);
      running.push(m);
    }
    for (const m of running) m.start();
    const deadline = Date.now() + 5000;
    while (!running.some((m) => m.isLeader())) {
      if (Date.now() > deadline) throw new Error('no leader');
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const m of running) {
      const a = await m.read({ key: b('a') });
      expect(a.kvs.map((kv) => [s(kv.value), kv.modRevision, kv.version])).toEqual([['2', 3, 2]]);
      expect((await m.read({ key: b('leased') })).kvs[0]!.lease).toBe(LEASE);
      expect((await m.read({ key: b('gone') })).kvs).toEqual([]);
      expect(m.kv.compactRevision).toBe(3);
      expect(m.membership.list().map((x) => x.name).sort()).toEqual(['n1', 'n2', 'n3']);
    }
    const r = await running[2]!.write({ put: { key: b('new'), value: b('v') } });
    expect('put' in r && r.put.revision).toBe(7);
  });
});
