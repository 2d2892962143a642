// Real members in one process for unit tests: configs for a founding cluster on real temporary
// disks, starting them on a Switchboard (the in-memory network), and cleaning up after each test.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Member, type MemberConfig } from '../member.js';
import type { Switchboard } from './switchboard.js';

export const quietLogger = { info() {}, warn() {}, error() {} };

export interface InProcessMembers {
  /** Configs for n founders: names m1..mN, fast ticks (10 ms heartbeat, 100 ms election). */
  configs(n: number, overrides?: Partial<MemberConfig>): MemberConfig[];
  /** Open and start a member on the switchboard. */
  start(sw: Switchboard, cfg: MemberConfig): Promise<Member>;
  /** Stop this member too at cleanup (one a test opened itself). */
  track(m: Member): void;
  /** Stop every member started and remove every data dir (call from afterEach). */
  cleanup(): Promise<void>;
}

/** basePort only names the members' URLs: nothing listens on them. */
export function inProcessMembers(prefix: string, basePort: number): InProcessMembers {
  const dirs: string[] = [];
  const running: Member[] = [];
  return {
    configs(n, overrides = {}) {
      const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
      dirs.push(root);
      const names = Array.from({ length: n }, (_, i) => `m${i + 1}`);
      const cluster = names.map((name, i) => `${name}=http://127.0.0.1:${basePort + i}`).join(',');
      return names.map((name, i) => ({
        name,
        dataDir: join(root, name),
        advertisePeerUrls: [`http://127.0.0.1:${basePort + i}`],
        advertiseClientUrls: [`http://127.0.0.1:${basePort - 10 + i}`],
        initialCluster: cluster,
        initialClusterState: 'new',
        initialClusterToken: prefix,
        heartbeatMs: 10,
        electionMs: 100,
        snapshotCount: 1000,
        requestTimeoutMs: 3000,
        ...overrides,
      }));
    },
    async start(sw, cfg) {
      const m: Member = new Member(cfg, quietLogger);
      await m.open(() => sw.transportFor(() => m), (e) => {
        throw e;
      });
      sw.members.set(m.raftId, m);
      m.start();
      running.push(m);
      return m;
    },
    track(m) {
      running.push(m);
    },
    async cleanup() {
      // A member a test already stopped is stopped again harmlessly.
      for (const m of running.splice(0)) await m.stop().catch(() => {});
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Polls a condition every 10 ms; throws after `ms`. */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
