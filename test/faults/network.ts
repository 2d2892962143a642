// The network between members: one LinkProxy in front of each member's peer port, advertised
// as its peer URL, and a policy per directed pair of members (cut or not, delay). Clients talk
// to members directly: these faults are between members only, as etcd's own functional tests
// (and Jepsen's partitions of a database's replication traffic) do.
//
// Why one inbound proxy per member rather than a proxy per directed pair: member ids come from
// --initial-cluster, which every member must be given identically, so member B cannot be told
// a different URL for C than member A is. The inbound proxy names the dialler from the kernel's
// socket table instead (socket-owner.ts), and every connection carries two directed links.

import type { ClusterMember, TestCluster } from '../store/testing/cluster.js';
import { LinkProxy, type LinkPolicy, type LinkPolicySource } from './link-proxy.js';
import { dialerOf } from './socket-owner.js';

export class PeerNetwork implements LinkPolicySource {
  private readonly proxies = new Map<string, LinkProxy>();
  /** How many faults hold each directed link cut: overlapping faults each undo only their own cut. */
  private readonly cuts = new Map<string, number>();
  private readonly delays = new Map<string, number>();
  private cluster: TestCluster | undefined;

  /** For TestCluster's advertisePeerUrl: a proxy in front of the member's peer port, returning its URL. */
  readonly advertise = async (member: ClusterMember): Promise<string> => {
    this.cluster = member.cluster;
    const proxy = new LinkProxy(member.name, member.peerPort, this);
    this.proxies.set(member.name, proxy);
    return proxy.start();
  };

  policy(from: string, to: string): LinkPolicy {
    const link = `${from}>${to}`;
    return { cut: (this.cuts.get(link) ?? 0) > 0, delayMs: this.delays.get(link) ?? 0 };
  }

  /** Looked up at each connection: processes come and go with kills and restarts. */
  memberPids(): ReadonlyMap<number, string> {
    const pids = new Map<number, string>();
    for (const m of this.cluster?.members ?? []) if (m.pid !== undefined) pids.set(m.pid, m.name);
    return pids;
  }

  identify(dialerPort: number, listenerPort: number, pids: ReadonlyMap<number, string>): string | undefined {
    return dialerOf(dialerPort, listenerPort, pids);
  }

  get names(): string[] {
    return [...this.proxies.keys()];
  }

  /** Nothing from `from` reaches `to` (the other direction is untouched). */
  cut(from: string, to: string): void {
    const link = `${from}>${to}`;
    this.cuts.set(link, (this.cuts.get(link) ?? 0) + 1);
    this.kick(from, to);
  }

  /** No traffic between any member of `a` and any member of `b`, either way. */
  partition(a: readonly string[], b: readonly string[]): void {
    for (const x of a)
      for (const y of b) {
        this.cut(x, y);
        this.cut(y, x);
      }
  }

  /** Every link gets `delayMs` of latency. */
  delayAll(delayMs: number): void {
    for (const x of this.names) for (const y of this.names) if (x !== y) this.delays.set(`${x}>${y}`, delayMs);
  }

  /** RST every connection into `to` (all members if undefined), optionally only those from `from`. */
  reset(to?: string, from?: string): number {
    let n = 0;
    for (const [name, p] of this.proxies) if (to === undefined || name === to) n += p.reset(from);
    return n;
  }

  /** Undoes one cut of `from` → `to`: it flows again unless another fault holds it cut too. */
  restore(from: string, to: string): void {
    const link = `${from}>${to}`;
    this.cuts.set(link, Math.max(0, (this.cuts.get(link) ?? 0) - 1));
    this.kick(from, to);
  }

  /** No more added latency on any link (cuts stay); bytes already queued leave when their pipe next wakes. */
  undelayAll(): void {
    this.delays.clear();
  }

  /** Everything flows again, with no delay; held bytes are delivered. */
  heal(): void {
    this.cuts.clear();
    this.delays.clear();
    for (const p of this.proxies.values()) p.kick();
  }

  /** Connections refused because their dialler could not be named (should stay 0). */
  get unidentified(): number {
    let n = 0;
    for (const p of this.proxies.values()) n += p.unidentified;
    return n;
  }

  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
  }

  /** The link's bytes travel through `to`'s proxy (dialled by `from`) or `from`'s (dialled by `to`). */
  private kick(from: string, to: string): void {
    this.proxies.get(to)?.kick();
    this.proxies.get(from)?.kick();
  }
}
