// Differential testing with the real etcdctl: the same command runs against a fresh etcd and a
// fresh store-server, and the two outputs are compared after normalizing what legitimately differs
// between two independent clusters (ids, ports, versions, raft bookkeeping, sizes, clocks).

import { spawn } from 'node:child_process';
import { etcdctlBinary } from '../../../store/client/testing/etcdctl.js';
import { TestCluster, type Program } from './cluster.js';

export interface CtlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CtlOptions {
  /** Written to etcdctl's stdin, which is then closed. */
  input?: string;
  /** Kill etcdctl (SIGTERM) after this long: for commands that never end by themselves (watch). */
  killAfterMs?: number;
  /** Kill etcdctl (SIGTERM) as soon as its stdout matches (killAfterMs still caps the wait). */
  killWhen?: RegExp;
  /** DiffPair: name the endpoint as a URL, --endpoints=http://host:port, instead of host:port. */
  endpointUrl?: boolean;
}

/** Run etcdctl against one endpoint; never throws for a failing command, only collects its output. */
export function runEtcdctl(endpoint: string, args: string[], opts: CtlOptions = {}): Promise<CtlResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(etcdctlBinary(), [`--endpoints=${endpoint}`, ...args], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('latin1');
      if (opts.killWhen?.test(stdout)) proc.kill('SIGTERM');
    });
    proc.stderr.on('data', (b: Buffer) => (stderr += b.toString('latin1')));
    const guard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    const stopper = opts.killAfterMs !== undefined ? setTimeout(() => proc.kill('SIGTERM'), opts.killAfterMs) : undefined;
    proc.once('error', reject);
    proc.once('close', (code) => {
      clearTimeout(guard);
      if (stopper) clearTimeout(stopper);
      resolve({ code, stdout, stderr });
    });
    proc.stdin.on('error', () => {});
    proc.stdin.end(opts.input ?? '');
  });
}

/**
 * Replaces, in both sides' outputs, the values that name one particular cluster rather than
 * describe behaviour. Values learnt at run time (member id, cluster id, lease ids, ports) are
 * replaced by the same placeholders on both sides, in order of discovery, so "the same lease"
 * still has to be the same lease.
 */
export class Normalizer {
  private readonly exact = new Map<string, string>();

  /** Register a 64-bit id (decimal string or bigint) under a placeholder: its decimal and hex forms are replaced. */
  id(value: string | bigint, placeholder: string): void {
    const n = BigInt(value);
    this.exact.set(n.toString(10), placeholder);
    this.exact.set(n.toString(16), placeholder);
    // etcdctl prints some ids as %016x (lease timetolive), others as %x (lease grant).
    this.exact.set(n.toString(16).padStart(16, '0'), placeholder);
  }

  literal(value: string, placeholder: string): void {
    this.exact.set(value, placeholder);
  }

  apply(text: string): string {
    let out = text;
    // Longest first, and only as whole tokens, so one id cannot clobber part of another.
    const keys = [...this.exact.keys()].sort((a, b) => b.length - a.length);
    for (const k of keys) {
      out = out.replace(new RegExp(`(?<![0-9a-zA-Z])${escape(k)}(?![0-9a-zA-Z])`, 'g'), this.exact.get(k)!);
    }
    return genericNormalize(out);
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Normalizations that hold for any pair of clusters; each says why it is legitimate. */
export function genericNormalize(text: string): string {
  return (
    text
      // Table output: column widths follow the longest cell, e.g. a member id that happens to
      // print in 15 hex digits instead of 16. Compare the cells, not the padding.
      .replace(/^[+|].*$/gm, (line) => line.replace(/-+/g, '-').replace(/ +/g, ' '))
      // Raft terms depend on elections (etcd's single member campaigns once at boot, term 2):
      // not a client-visible semantic.
      .replace(/"raft_term":\d+/g, '"raft_term":<TERM>')
      .replace(/"RaftTerm" : \d+/g, '"RaftTerm" : <TERM>')
      // Server version: etcd 3.4.23 here; store-server reports 3.5.x on purpose (Kubernetes
      // needs 3.5.13+ to trust watch progress).
      .replace(/\b3\.\d+\.\d+\b/g, '<VERSION>')
      // Log timestamps etcdctl's client library prints on stderr.
      .replace(/"ts":"[^"]*"/g, '"ts":"<TS>"')
      // endpoint status: the database size is each engine's own bookkeeping (bbolt pages vs our
      // store), and raft index/term count entries each implementation writes at boot (etcd adds
      // its cluster-version entry, for one): neither is a keyspace fact a client can rely on.
      .replace(/"(dbSize|dbSizeInUse|raftIndex|raftAppliedIndex|raftTerm)":\d+/g, '"$1":<$1>')
      .replace(
        /^(\|? ?(?:http:\/\/)?127\.0\.0\.1:<CLIENT_PORT>(?:, | \| )<MEMBER_ID>(?:, | \| )<VERSION>(?:, | \| ))[^,|]+?((?:, | \| )(?:true|false)(?:, | \| )(?:true|false)(?:, | \| ))\d+((?:, | \| ))\d+((?:, | \| ))\d+/gm,
        '$1<DB_SIZE>$2<TERM>$3<INDEX>$4<APPLIED>',
      )
      // etcd lists a lease's keys in Go map order (random from run to run); ours are sorted.
      .replace(/attached keys\(\[([^\]]*)\]\)/g, (_m, keys: string) => `attached keys([${keys.split(' ').sort().join(' ')}])`)
      .replace(/"keys":\[([^\]]*)\]/g, (_m, keys: string) => `"keys":[${keys.split(',').sort().join(',')}]`)
      // etcdctl's client names its gRPC resolver target with a random UUID per process.
      .replace(/endpoint:\/\/client-[0-9a-f-]+\//g, 'endpoint://client-<UUID>/')
      // endpoint health latency.
      .replace(/took = [0-9.]+[µnm]?s/g, 'took = <DURATION>')
      .replace(/"took":"[^"]*"/g, '"took":"<DURATION>"')
      // A lease's remaining TTL is measured on each server's clock at the moment of the query: a
      // second either way is timing, not semantics (the granted TTL is compared exactly).
      .replace(/remaining\(\d+s\)/g, 'remaining(<REMAINING>s)')
      .replace(/"TTL":\d+,"granted-ttl"/g, '"TTL":<REMAINING>,"granted-ttl"')
  );
}

export interface Side {
  program: Program;
  cluster: TestCluster;
  endpoint: string;
  norm: Normalizer;
}

/** A fresh single-member etcd and a fresh single-member store-server, driven in lock step. */
export class DiffPair {
  private constructor(readonly sides: [Side, Side]) {}

  static async start(): Promise<DiffPair> {
    const clusters = await Promise.all((['etcd', 'store-server'] as const).map((program) => TestCluster.start({ program, members: 1 })));
    const sides = clusters.map((cluster): Side => {
      const m = cluster.members[0]!;
      const norm = new Normalizer();
      norm.literal(String(m.clientPort), '<CLIENT_PORT>');
      norm.literal(String(m.peerPort), '<PEER_PORT>');
      norm.literal(cluster.root, '<ROOT>');
      return { program: cluster.options.program, cluster, endpoint: m.endpoint, norm };
    }) as [Side, Side];
    const pair = new DiffPair(sides);
    // Learn each side's member and cluster ids.
    await Promise.all(
      sides.map(async (s) => {
        const r = await runEtcdctl(s.endpoint, ['endpoint', 'status', '-w', 'json']);
        const st = JSON.parse(r.stdout) as { Status: { header: { cluster_id: number | string; member_id: number | string } } }[];
        // JSON numbers lose precision above 2^53: read the ids from the text instead.
        const cid = /"cluster_id":(\d+)/.exec(r.stdout)?.[1];
        const mid = /"member_id":(\d+)/.exec(r.stdout)?.[1];
        if (!cid || !mid || st.length !== 1) throw new Error(`${s.program}: cannot read ids from ${r.stdout}${r.stderr}`);
        s.norm.id(cid, '<CLUSTER_ID>');
        s.norm.id(mid, '<MEMBER_ID>');
      }),
    );
    return pair;
  }

  /** Run the same etcdctl command on both sides, concurrently; outputs normalized. */
  async run(args: string[], opts: CtlOptions = {}): Promise<[CtlResult, CtlResult]> {
    const raw = await Promise.all(this.sides.map((s) => runEtcdctl(opts.endpointUrl ? `http://${s.endpoint}` : s.endpoint, args, opts)));
    return raw.map((r, i) => ({ code: r.code, stdout: this.sides[i]!.norm.apply(r.stdout), stderr: this.sides[i]!.norm.apply(r.stderr) })) as [CtlResult, CtlResult];
  }

  /** Raw (unnormalized) run, e.g. to learn a lease id. */
  async runRaw(args: string[], opts: CtlOptions = {}): Promise<[CtlResult, CtlResult]> {
    return (await Promise.all(this.sides.map((s) => runEtcdctl(s.endpoint, args, opts)))) as [CtlResult, CtlResult];
  }

  get etcd(): Side {
    return this.sides[0];
  }

  get store(): Side {
    return this.sides[1];
  }

  async stop(): Promise<void> {
    await Promise.all(this.sides.map((s) => s.cluster.stop()));
  }
}
