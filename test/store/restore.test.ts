// Offline restore across real processes: a 1-member store-server cluster is snapshotted with the
// real etcdctl, then `store-server snapshot restore` builds the data dirs of a new 3-member cluster
// that serves the same keys at the same revisions, under new member and cluster ids.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../store/client/testing/etcd-process.js';
import { etcdctl } from '../../store/client/testing/etcdctl.js';
import { ClusterMember, STORE_SERVER, TestCluster } from './testing/cluster.js';

const clusters: TestCluster[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface JsonKv {
  key: string;
  value: string;
  mod_revision: number;
  create_revision: number;
  version: number;
  lease?: number;
}
const text = (b64: string) => Buffer.from(b64, 'base64').toString();

async function getAll(endpoint: string): Promise<{ revision: number; kvs: Record<string, Omit<JsonKv, 'key'>> }> {
  const out = JSON.parse(await etcdctl(endpoint, 'get', '', '--prefix', '-w', 'json')) as { header: { revision: number }; kvs?: JsonKv[] };
  const kvs: Record<string, Omit<JsonKv, 'key'>> = {};
  for (const kv of out.kvs ?? []) kvs[text(kv.key)] = { value: text(kv.value), mod_revision: kv.mod_revision, create_revision: kv.create_revision, version: kv.version, lease: kv.lease };
  return { revision: out.header.revision, kvs };
}

function restore(file: string, name: string, dataDir: string, initialCluster: string, peerUrl: string) {
  return spawnSync(process.execPath, [STORE_SERVER, 'snapshot', 'restore', file, '--name', name, '--data-dir', dataDir, '--initial-cluster', initialCluster, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster-token', 'restored'], { encoding: 'utf8' });
}

describe('store-server snapshot restore', () => {
  it('a snapshot of 1 member restores into a new 3-member cluster with every key, revision and lease', async () => {
    const work = mkdtempSync(join(tmpdir(), 'restore-test-'));
    dirs.push(work);
    const old = await TestCluster.start({ program: 'store-server', members: 1 });
    clusters.push(old);
    const ep = old.members[0]!.endpoint;
    for (let i = 0; i < 10; i++) await etcdctl(ep, 'put', `key/${i % 4}`, `value-${i}`);
    await etcdctl(ep, 'del', 'key/3');
    const leaseId = /lease ([0-9a-f]+) granted/.exec(await etcdctl(ep, 'lease', 'grant', '600'))![1]!;
    await etcdctl(ep, 'put', '--lease', leaseId, 'leased', 'L');
    const before = await getAll(ep);
    expect(Object.keys(before.kvs).sort()).toEqual(['key/0', 'key/1', 'key/2', 'leased']);
    const file = join(work, 'snap.db');
    expect(await etcdctl(ep, 'snapshot', 'save', file)).toContain('Snapshot saved');
    await old.stop();
    clusters.splice(clusters.indexOf(old), 1);

    // Damaged files are refused with one line naming the file, and no data dir appears.
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[200] ^= 0x01;
    writeFileSync(join(work, 'flipped.db'), flipped);
    writeFileSync(join(work, 'short.db'), good.subarray(0, good.length - 100));
    for (const [bad, why] of [['flipped.db', 'checksum mismatch'], ['short.db', 'truncated']] as const) {
      const r = restore(join(work, bad), 'x', join(work, 'x'), 'x=http://127.0.0.1:1', 'http://127.0.0.1:1');
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(join(work, bad));
      expect(r.stderr).toContain(why);
      expect(existsSync(join(work, 'x'))).toBe(false);
    }

    // The new cluster: 3 members, each restored from the same file with its own name and URL.
    const next = await TestCluster.start({ program: 'store-server', members: 0 });
    clusters.push(next);
    for (let i = 1; i <= 3; i++) next.members.push(new ClusterMember(next, `r${i}`, await freePort(), await freePort(), join(next.root, `r${i}`)));
    next.initialCluster = next.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    for (const m of next.members) {
      const r = restore(file, m.name, m.dataDir, next.initialCluster, m.peerUrl);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`revision ${before.revision}`);
    }
    // A data dir that is already there is never overwritten.
    const again = restore(file, 'r1', next.members[0]!.dataDir, next.initialCluster, next.members[0]!.peerUrl);
    expect([again.status, again.stderr]).toEqual([1, expect.stringContaining('not empty')]);

    for (const m of next.members) m.start();
    await Promise.all(next.members.map((m) => m.waitHealthy()));
    for (const m of next.members) {
      const after = await getAll(m.endpoint);
      expect(after.kvs).toEqual(before.kvs);
      expect(after.revision).toBe(before.revision);
    }
    expect(await etcdctl(next.endpoints, 'lease', 'list')).toContain(leaseId);
    const put = JSON.parse(await etcdctl(next.members[1]!.endpoint, 'put', 'fresh', 'v', '-w', 'json')) as { header: { revision: number } };
    expect(put.header.revision).toBe(before.revision + 1);
    expect((await getAll(next.members[2]!.endpoint)).kvs['fresh']?.value).toBe('v');

    const list = JSON.parse(await etcdctl(next.members[0]!.endpoint, 'member', 'list', '-w', 'json')) as { members: { name: string; peerURLs: string[] }[] };
    expect(list.members.map((m) => `${m.name}=${m.peerURLs.join(',')}`).sort()).toEqual(next.members.map((m) => `${m.name}=${m.peerUrl}`));
  });
});
