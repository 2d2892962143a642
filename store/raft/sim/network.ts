// The simulated network: messages in flight, each with its own delivery time, plus the faults a
// real network has (loss, duplication, reordering, delay spikes, partitions including one-way
// ones). It is plain data driven by the caller's Rng and clock; the cluster decides what a drop
// means for the sender's host (snapshot reports, unreachable reports).

import type { Message, NodeId } from '../types.js';
import type { Rng } from './prng.js';

export interface Envelope {
  /** Send order: a stable tie-break, and a handle for traces. */
  readonly id: number;
  readonly msg: Message;
  readonly from: NodeId;
  readonly to: NodeId;
  /** The sender's incarnation when it sent: a host that crashed since cannot hear about this send. */
  readonly fromIncarnation: number;
  /** Sim time (steps) from which the message may be delivered. */
  readonly deliverAt: number;
  /**
   * MsgSnap only: this copy carries the sender's obligation to call reportSnapshot once its fate
   * is known. A duplicate made by the network does not: the host sent the snapshot once.
   */
  readonly reportsSnapshot: boolean;
}

export interface NetworkParams {
  /** Delay of each message, uniform in [minDelay, maxDelay] sim steps. */
  minDelay: number;
  maxDelay: number;
  /** Probability that a message vanishes when sent. */
  loss: number;
  /** Probability that a message is delivered twice (the copy gets its own delay). */
  duplicate: number;
}

export const calmNetwork: NetworkParams = { minDelay: 1, maxDelay: 3, loss: 0, duplicate: 0 };

/**
 * A deep enough copy that the receiver shares no mutable object with the sender. A real network
 * serialises; without this, a leader stamping term and index onto a proposal's entries would also
 * rewrite the copy a duplicate still carries. Payload bytes are never mutated, so they are shared.
 */
export function cloneMessage(m: Message): Message {
  const c: Message = { ...m, entries: m.entries.map((e) => ({ ...e })) };
  if (m.snapshot) {
    const cs = m.snapshot.metadata.confState;
    c.snapshot = {
      data: m.snapshot.data,
      metadata: {
        index: m.snapshot.metadata.index,
        term: m.snapshot.metadata.term,
        confState: {
          voters: [...cs.voters],
          learners: [...cs.learners],
          votersOutgoing: [...cs.votersOutgoing],
          learnersNext: [...cs.learnersNext],
          autoLeave: cs.autoLeave,
        },
      },
    };
  }
  return c;
}

export type SendOutcome = { kind: 'queued'; copies: number } | { kind: 'lost' };

export class SimNetwork {
  params: NetworkParams;
  private inflight: Envelope[] = [];
  /** Directed links that drop everything: "from>to". */
  private readonly blocked = new Set<string>();
  private nextId = 1;

  constructor(params: NetworkParams = calmNetwork) {
    this.params = { ...params };
  }

  /** Put a message on the wire (or lose it). Loss and duplication are decided here, at send time. */
  send(msg: Message, fromIncarnation: number, now: number, rng: Rng): SendOutcome {
    if (rng.chance(this.params.loss)) return { kind: 'lost' };
    this.enqueue(msg, fromIncarnation, now, rng, msg.type === 'MsgSnap');
    // A forwarded proposal is never duplicated: applying a client request exactly once needs
    // request ids at the application level, which is outside what Raft promises (and the sim's
    // "applied exactly once" check would flag a legitimate double append).
    if (msg.type !== 'MsgProp' && rng.chance(this.params.duplicate)) {
      this.enqueue(msg, fromIncarnation, now, rng, false);
      return { kind: 'queued', copies: 2 };
    }
    return { kind: 'queued', copies: 1 };
  }

  private enqueue(msg: Message, fromIncarnation: number, now: number, rng: Rng, reportsSnapshot: boolean): void {
    const delay = rng.int(this.params.minDelay, Math.max(this.params.minDelay, this.params.maxDelay));
    this.inflight.push({
      id: this.nextId++,
      msg: cloneMessage(msg),
      from: msg.from,
      to: msg.to,
      fromIncarnation,
      deliverAt: now + delay,
      reportsSnapshot,
    });
  }

  /**
   * Take up to `max` messages that are due, in random order (reordering among due messages on
   * top of the reordering the random delays already cause).
   */
  takeDue(now: number, rng: Rng, max: number): Envelope[] {
    const due: Envelope[] = [];
    const rest: Envelope[] = [];
    for (const e of this.inflight) (e.deliverAt <= now ? due : rest).push(e);
    if (due.length === 0) return [];
    const picked = rng.shuffle(due);
    const take = picked.slice(0, max);
    // Whatever is due but not taken stays on the wire, still due.
    this.inflight = rest.concat(picked.slice(max));
    return take;
  }

  /** Remove and return the messages matching pred, in send order (for scripted scenarios). */
  takeWhere(pred: (e: Envelope) => boolean): Envelope[] {
    const taken: Envelope[] = [];
    const rest: Envelope[] = [];
    for (const e of this.inflight) (pred(e) ? taken : rest).push(e);
    this.inflight = rest;
    return taken;
  }

  pending(): readonly Envelope[] {
    return this.inflight;
  }

  size(): number {
    return this.inflight.length;
  }

  // ---- partitions ----

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.size > 0 && this.blocked.has(`${from}>${to}`);
  }

  /** Cut the one-way link from -> to (to still reaches from). */
  blockOneWay(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** No message crosses between the two groups, either way. */
  partition(a: readonly NodeId[], b: readonly NodeId[]): void {
    for (const x of a) {
      for (const y of b) {
        this.blockOneWay(x, y);
        this.blockOneWay(y, x);
      }
    }
  }

  blockedLinks(): string[] {
    return [...this.blocked].sort();
  }

  /** Reconnect every link; loss, duplication and delays are reset by the caller if wanted. */
  heal(): void {
    this.blocked.clear();
  }
}
