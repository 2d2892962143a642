// Auto compaction across real processes, side by side with etcd 3.4 and the same flags: with
// `--auto-compaction-mode=periodic --auto-compaction-retention=2s`, history older than the
// retention becomes unreadable to etcdctl on every member, while the latest values stay. The
// decisions themselves (sampling, cadence, revision mode's 5-minute check) are unit tested with an
// injected clock in store/server/auto-compaction.test.ts; this proves the wiring.

import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { etcdBinary } from '../../store/client/testing/etcd-process.js';
import { etcdctl } from '../../store/client/testing/etcdctl.js';
import { STORE_SERVER, TestCluster, type Program } from './testing/cluster.js';

const clusters: TestCluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const COMPACTED = 'etcdserver: mvcc: required revision has been compacted';

/** etcdctl's stderr (its last line), or '' when the command succeeded. */
async function etcdctlError(endpoint: string, ...args: string[]): Promise<string> {
  try {
    await etcdctl(endpoint, ...args);
    return '';
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '');
    return stderr.trim().split('\n').pop() ?? '';
  }
}

async function putRevision(endpoint: string, key: string, value: string): Promise<number> {
  const out = JSON.parse(await etcdctl(endpoint, 'put', key, value, '-w', 'json')) as { header: { revision: number } };
  return out.header.revision;
}

describe('--auto-compaction-mode=periodic --auto-compaction-retention=2s', () => {
  for (const [program, members] of [['etcd', 1], ['store-server', 3]] as [Program, number][]) {
    it(`${program} (${members} member${members > 1 ? 's' : ''}): old revisions become compacted for etcdctl on every member; the latest stays readable`, async () => {
      const c = await TestCluster.start({ program, members, extraArgs: ['--auto-compaction-mode=periodic', '--auto-compaction-retention=2s'] });
      clusters.push(c);
      const ep = c.members[0]!.endpoint;
      const first = await putRevision(ep, 'k', 'v1');
      // Keep writing until a compaction passed the first write's revision (the first comes 2 s
      // after start, then one every 2 s to the revision of ~2.2 s before). No timing assertion:
      // the bound is only there to fail rather than hang.
      const deadline = Date.now() + 60_000;
      let i = 1;
      let err = '';
      while (err === '') {
        if (Date.now() > deadline) throw new Error(`no compaction past revision ${first} within 60 s`);
        await putRevision(ep, 'k', `v${++i}`);
        await new Promise((r) => setTimeout(r, 200));
        err = await etcdctlError(ep, 'get', 'k', `--rev=${first}`);
      }
      expect(err).toBe(`Error: ${COMPACTED}`);
      // The compaction went through the log: every member refuses the old revision, even reading
      // its own state (serializable), and still serves the latest value.
      for (const m of c.members) {
        expect(await etcdctlError(m.endpoint, 'get', 'k', `--rev=${first}`, '--consistency=s')).toBe(`Error: ${COMPACTED}`);
        expect((await etcdctl(m.endpoint, 'get', 'k', '--print-value-only')).trim()).toMatch(/^v\d+$/);
      }
      if (program === 'store-server') {
        // etcd's log lines; only the leader compacts, so at least one member logged them.
        const logs = c.members.map((m) => m.output);
        expect(logs.some((l) => l.includes('"msg":"completed auto periodic compaction"'))).toBe(true);
        expect(logs.join('')).toContain('"compact-period":"2s"');
      }
    });
  }

  it('a retention etcd cannot parse stops both programs with the same message', () => {
    const args = ['--auto-compaction-retention=1.5', '--data-dir=/nonexistent/never-created'];
    const etcd = spawnSync(etcdBinary(), args, { encoding: 'utf8', timeout: 20_000 });
    const ours = spawnSync(process.execPath, [STORE_SERVER, ...args], { encoding: 'utf8', timeout: 20_000 });
    const msg = 'error parsing CompactionRetention: time: missing unit in duration "1.5"';
    expect(etcd.stderr).toContain(msg);
    expect(etcd.status).not.toBe(0);
    expect(ours.stderr.trim()).toBe(`store-server: ${msg}`);
    expect(ours.status).not.toBe(0);
  });
});
