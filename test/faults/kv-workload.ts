// The key-value workload: a few logical clients, each running one operation at a time on a small
// set of keys (puts, deletes, compare-and-set txns, linearizable and serializable reads), each
// recorded with its invocation and completion time and its result. Every value written is unique
// (client and sequence number), which is what lets the checkers name the writer of any value.
//
// A write that fails in any way is recorded with an unknown outcome: a timeout or a lost
// connection says nothing about whether it was applied. A read that fails is recorded the same
// way and the checkers ignore it.

import { EtcdClient, cmp, op, type TxnResponse } from '../../store/client/index.js';
import type { KvInput, KvOp, KvOutput, Observed } from '../../store/verify/history.js';
import { prng } from '../../store/verify/testing.js';

export const KV_PREFIX = 'kv/';

export interface KvWorkloadOptions {
  seed: number;
  endpoints: readonly string[];
  clients: number;
  keys: number;
  /** Deadline of each operation (ms). */
  timeoutMs: number;
  /**
   * The suite's test of itself: every read is serializable but recorded as linearizable, and each
   * client stays on one member. The client on a partitioned follower then keeps reading stale
   * values while the others write, the record claims those reads were linearizable, and the
   * checkers must say it is not.
   */
  mislabelSerializableReads?: boolean;
}

const now = (): number => performance.now();

function observed(kvs: readonly { value: Buffer; mod_revision: string }[]): Observed {
  const kv = kvs[0];
  return kv ? { value: kv.value.toString(), modRevision: Number(kv.mod_revision) } : null;
}

export class KvWorkload {
  readonly ops: KvOp[] = [];
  private nextId = 1;
  private stopping = false;
  private loops: Promise<void>[] = [];
  private readonly clients: EtcdClient[] = [];

  constructor(private readonly o: KvWorkloadOptions) {
    for (let c = 0; c < o.clients; c++) {
      // Each client prefers a different member first, so that faults hit some clients and not others.
      const eps = o.endpoints.map((_, i) => o.endpoints[(i + c) % o.endpoints.length]!).slice(0, o.mislabelSerializableReads ? 1 : undefined);
      this.clients.push(new EtcdClient({ endpoints: eps, callTimeoutMs: o.timeoutMs }));
    }
  }

  start(): void {
    this.loops = this.clients.map((_, c) => this.runClient(c));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  close(): void {
    for (const c of this.clients) c.close();
  }

  get keys(): string[] {
    return Array.from({ length: this.o.keys }, (_, i) => `${KV_PREFIX}k${i}`);
  }

  /** One recorded operation by `client` (also used by the harness for its fence writes). */
  async run(client: number, key: string, input: KvInput): Promise<KvOp> {
    const etcd = this.clients[client % this.clients.length]!;
    const record: KvOp = { id: this.nextId++, client, key, input, call: now(), ret: Infinity, output: undefined };
    this.ops.push(record);
    try {
      const output = await this.execute(etcd, key, input);
      record.ret = now();
      record.output = output;
    } catch {
      // Unknown outcome: ret stays Infinity, output undefined.
    }
    return record;
  }

  private async execute(etcd: EtcdClient, key: string, input: KvInput): Promise<KvOutput> {
    switch (input.f) {
      case 'put': {
        const r = await etcd.kv.put(key, input.value);
        return { f: 'put', revision: Number(r.header?.revision) };
      }
      case 'delete': {
        const r = await etcd.kv.delete(key);
        return { f: 'delete', deleted: Number(r.deleted), revision: Number(r.header?.revision) };
      }
      case 'cas': {
        const compare = input.expect === null ? cmp.version(key, '=', '0') : cmp.value(key, '=', input.expect);
        const r: TxnResponse = await etcd.kv.txn({ compare: [compare], success: [op.put(key, input.value)], failure: [op.range(key)] });
        const read = r.responses[0];
        const current = !r.succeeded && read?.response === 'response_range' ? observed(read.response_range.kvs) : null;
        return { f: 'cas', succeeded: r.succeeded, revision: Number(r.header?.revision), current };
      }
      case 'get': {
        const r = await etcd.kv.range(key, { serializable: input.serializable });
        return { f: 'get', current: observed(r.kvs), revision: Number(r.header?.revision) };
      }
    }
  }

  private async runClient(c: number): Promise<void> {
    const rnd = prng(this.o.seed * 1000 + c);
    let seq = 0;
    const lastSeen = new Map<string, string | null>();
    while (!this.stopping) {
      const key = this.keys[Math.floor(rnd() * this.keys.length)]!;
      const r = rnd();
      const value = `c${c}-${++seq}`;
      const input: KvInput =
        r < 0.3
          ? { f: 'put', value }
          : r < 0.4
            ? { f: 'delete' }
            : r < 0.55
              ? { f: 'cas', expect: lastSeen.get(key) ?? null, value }
              : { f: 'get', serializable: r >= 0.85 || this.o.mislabelSerializableReads === true };
      const done = await this.run(c, key, input);
      if (this.o.mislabelSerializableReads && done.input.f === 'get') done.input = { f: 'get', serializable: false };
      const out = done.output;
      // Aim compare-and-sets at values the key plausibly holds, so that some succeed.
      if (out?.f === 'get' || (out?.f === 'cas' && !out.succeeded)) lastSeen.set(key, out.current?.value ?? null);
      else if (out && input.f !== 'get') lastSeen.set(key, input.f === 'delete' ? null : input.value);
    }
  }
}
