// Linearizable reads without writing to the log (ReadIndex, Raft thesis §6.4).
//
// The leader notes its commit index when a read arrives, then sends a heartbeat round carrying the
// request's context. Once a quorum has answered that round, no other leader can have committed
// anything newer, so the read may be served as soon as the host has applied up to that index.
// Requests are answered in arrival order: an ack for a later request confirms all earlier ones.

import type { Message, NodeId } from './types.js';

export interface ReadIndexStatus {
  req: Message;
  index: number;
  acks: Map<NodeId, boolean>;
}

const key = (ctx: Uint8Array | undefined): string => Buffer.from(ctx ?? new Uint8Array()).toString('latin1');

export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  /** Track a read request at the leader's current commit index. Duplicate contexts are ignored. */
  addRequest(index: number, m: Message): void {
    const k = key(m.context);
    if (this.pending.has(k)) return;
    this.pending.set(k, { index, req: m, acks: new Map() });
    this.queue.push(k);
  }

  /** Record a heartbeat ack for the round of `ctx`; returns the acks so far, or undefined if unknown. */
  recvAck(id: NodeId, ctx: Uint8Array | undefined): Map<NodeId, boolean> | undefined {
    const rs = this.pending.get(key(ctx));
    if (!rs) return undefined;
    rs.acks.set(id, true);
    return rs.acks;
  }

  /** The request of `ctx` is confirmed: release it and every request queued before it. */
  advance(ctx: Uint8Array | undefined): ReadIndexStatus[] {
    const k = key(ctx);
    const at = this.queue.indexOf(k);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ReadIndexStatus[] = [];
    for (const rk of released) {
      out.push(this.pending.get(rk)!);
      this.pending.delete(rk);
    }
    return out;
  }

  lastPendingRequestCtx(): Uint8Array | undefined {
    if (this.queue.length === 0) return undefined;
    return this.pending.get(this.queue[this.queue.length - 1]!)!.req.context;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}
