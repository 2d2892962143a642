// A small synchronous network of TestMembers for unit tests.
//
// Nothing here is random or asynchronous: a message is either delivered (stepped into its
// recipient, whose Ready is handled at once) or dropped by a filter, in FIFO order. A test
// either lets the network run until it is quiescent (deliverAll) or takes messages out of the
// queue and delivers them one by one for fine control.
//
// Also here: fixtures for driving one bare Raft with hand-made messages (presetStorage, newRaft,
// takeMessages).

import { Raft, type RaftConfig } from '../raft.js';
import { MemoryStorage, type InitialState } from '../storage.js';
import {
  emptyConfState,
  type ConfState,
  type Entry,
  type EntryType,
  type HardState,
  type Message,
  type MessageType,
  type NodeId,
  type Snapshot,
} from '../types.js';
import { TestMember, utf8, type MemberOptions } from './member.js';

/** Returns true when the message must be dropped. */
export type MessageFilter = (m: Message) => boolean;

export class Network {
  readonly members = new Map<NodeId, TestMember>();
  /** Sent and not yet delivered or dropped, oldest first. */
  queue: Message[] = [];
  /** Every message stepped into a member, in order (for counting rounds and asserting order). */
  readonly delivered: Message[] = [];
  /** Every message a filter or a crash dropped, in order. */
  readonly dropped: Message[] = [];
  private filters: MessageFilter[] = [];
  private rewriters: ((m: Message) => Message)[] = [];
  private readonly down = new Set<NodeId>();

  constructor(members: Iterable<TestMember> = []) {
    for (const m of members) this.add(m);
  }

  /** A new group: every id bootstraps with all ids as voters. */
  static of(ids: readonly NodeId[], options: MemberOptions | ((id: NodeId) => MemberOptions) = {}): Network {
    return new Network(ids.map((id) => new TestMember(id, { peers: ids }, typeof options === 'function' ? options(id) : options)));
  }

  /**
   * A group that already has a leader: `leader` campaigns and everything settles, then the
   * delivery trace is cleared so a test counts only its own messages.
   */
  static withLeader(ids: readonly NodeId[], options: MemberOptions | ((id: NodeId) => MemberOptions) = {}, leader = ids[0]!): Network {
    const net = Network.of(ids, options);
    net.campaign(leader);
    if (net.member(leader).role() !== 'leader') throw new Error(`${leader} did not win the election`);
    net.clearTrace();
    return net;
  }

  add(m: TestMember): TestMember {
    if (this.members.has(m.id)) throw new Error(`member ${m.id} already in the network`);
    this.members.set(m.id, m);
    // Its first Ready (a bootstrapped member applies the founding conf changes there).
    this.queue.push(...m.drain());
    return m;
  }

  member(id: NodeId): TestMember {
    const m = this.members.get(id);
    if (!m) throw new Error(`no member ${id}`);
    return m;
  }

  ids(): NodeId[] {
    return [...this.members.keys()].sort((a, b) => a - b);
  }

  isUp(id: NodeId): boolean {
    return this.members.has(id) && !this.down.has(id);
  }

  // ---- filters ----

  /** Drop every message for which `f` returns true, until recover(). */
  filter(f: MessageFilter): void {
    this.filters.push(f);
  }

  /** Drop messages from `from` to `to` (one direction). */
  drop(from: NodeId, to: NodeId): void {
    this.filter((m) => m.from === from && m.to === to);
  }

  /** Drop messages between a and b, both directions. */
  cut(a: NodeId, b: NodeId): void {
    this.drop(a, b);
    this.drop(b, a);
  }

  /** Cut `id` off from everyone. */
  isolate(id: NodeId): void {
    this.filter((m) => m.from === id || m.to === id);
  }

  /** Split the group: messages only flow within a side. */
  partition(...sides: NodeId[][]): void {
    const sideOf = new Map<NodeId, number>();
    sides.forEach((s, i) => s.forEach((id) => sideOf.set(id, i)));
    this.filter((m) => sideOf.get(m.from) !== sideOf.get(m.to));
  }

  /** Drop every message of these types. */
  ignore(...types: MessageType[]): void {
    this.filter((m) => types.includes(m.type));
  }

  /** Replace messages in transit (e.g. trim a MsgApp's entries), until recover(); applied before filters. */
  rewrite(f: (m: Message) => Message): void {
    this.rewriters.push(f);
  }

  /** Remove every filter and rewriter (crashed members stay down). */
  recover(): void {
    this.filters = [];
    this.rewriters = [];
  }

  // ---- delivery ----

  /** Handle every pending Ready of the members that are up; queue and return their messages. */
  collect(): Message[] {
    const out: Message[] = [];
    for (const id of this.ids()) {
      if (this.down.has(id)) continue;
      out.push(...this.member(id).drain());
    }
    this.queue.push(...out);
    return out;
  }

  /** Would this message be dropped now (a filter, or the recipient is down or unknown)? */
  isDropped(m: Message): boolean {
    return !this.isUp(m.to) || this.filters.some((f) => f(m));
  }

  /** Step one message into its recipient (unless dropped) and handle the recipient's Ready. */
  deliver(m: Message): boolean {
    for (const f of this.rewriters) m = f(m);
    if (this.isDropped(m)) {
      this.dropped.push(m);
      return false;
    }
    this.delivered.push(m);
    this.member(m.to).node.step(m);
    this.collect();
    return true;
  }

  /** Deliver until nobody has anything more to say. Returns the number of messages handled. */
  deliverAll(limit = 100_000): number {
    let n = 0;
    this.collect();
    while (this.queue.length > 0) {
      if (++n > limit) throw new Error(`network did not quiesce after ${limit} messages`);
      this.deliver(this.queue.shift()!);
    }
    return n;
  }

  /** Queue messages (e.g. hand-made ones) and deliver until quiescent. */
  send(...msgs: Message[]): void {
    this.queue.push(...msgs);
    this.deliverAll();
  }

  /** Collect, then remove from the queue and return the messages matching `pred` (oldest first). */
  take(pred: (m: Message) => boolean = () => true): Message[] {
    this.collect();
    const taken: Message[] = [];
    const kept: Message[] = [];
    for (const m of this.queue) (pred(m) ? taken : kept).push(m);
    this.queue = kept;
    return taken;
  }

  /** Collect, and return (without removing) the queued messages matching `pred`. */
  peek(pred: (m: Message) => boolean = () => true): Message[] {
    this.collect();
    return this.queue.filter(pred);
  }

  /** Forget the delivered/dropped trace. */
  clearTrace(): void {
    this.delivered.length = 0;
    this.dropped.length = 0;
  }

  // ---- time ----

  /** Tick members (default: every member that is up) n times, delivering nothing. */
  tick(ids: NodeId | readonly NodeId[] = this.ids(), n = 1): void {
    const list = typeof ids === 'number' ? [ids] : ids;
    for (let i = 0; i < n; i++) {
      for (const id of list) if (this.isUp(id)) this.member(id).node.tick();
    }
  }

  /** n times: tick every member that is up, then deliver until quiescent. */
  elapse(n: number): void {
    for (let i = 0; i < n; i++) {
      this.tick();
      this.deliverAll();
    }
  }

  // ---- crashes ----

  /**
   * Stop a member: it is no longer ticked and messages to it are dropped (those it sent before
   * stay in flight). What it had not persisted is lost when it restarts.
   */
  crash(id: NodeId): void {
    this.member(id);
    this.down.add(id);
  }

  /** Crash (if up) and start again from what the member persisted. */
  restart(id: NodeId): void {
    this.crash(id);
    this.down.delete(id);
    this.member(id).restart();
    this.collect();
  }

  // ---- conveniences ----

  campaign(id: NodeId): void {
    this.member(id).node.campaign();
    this.deliverAll();
  }

  propose(id: NodeId, data: string): void {
    this.member(id).node.propose(utf8(data));
    this.deliverAll();
  }

  /** The leader with the highest term among the members that are up, if any. */
  leader(): TestMember | undefined {
    let best: TestMember | undefined;
    for (const id of this.ids()) {
      const m = this.member(id);
      if (!this.isUp(id) || m.role() !== 'leader') continue;
      if (!best || m.term() > best.term()) best = m;
    }
    return best;
  }

  /** Delivered messages matching a predicate (a shorthand for counting). */
  count(pred: (m: Message) => boolean): number {
    return this.delivered.filter(pred).length;
  }
}

// ---- fixtures for a bare Raft ----

/**
 * A MemoryStorage that starts with a membership but no snapshot, like etcd's test storages:
 * until a real snapshot is applied or created, it reports `conf` as the initial configuration.
 */
export class PresetStorage extends MemoryStorage {
  private readonly presetConf: ConfState;

  constructor(conf: ConfState) {
    super();
    this.presetConf = conf;
  }

  override initialState(): InitialState {
    const st = super.initialState();
    return super.snapshot().metadata.index > 0 ? st : { ...st, confState: this.presetConf };
  }

  override snapshot(): Snapshot {
    const s = super.snapshot();
    return s.metadata.index > 0 ? s : { ...s, metadata: { ...s.metadata, confState: this.presetConf } };
  }
}

/** Entries with the given terms at indexes start, start+1, ...; data is "t<term>i<index>". */
export function entriesWithTerms(terms: readonly number[], start = 1, type: EntryType = 'normal'): Entry[] {
  return terms.map((term, i) => ({ term, index: start + i, type, data: utf8(`t${term}i${start + i}`) }));
}

export interface PresetOptions {
  voters: readonly NodeId[];
  learners?: readonly NodeId[];
  /** The terms of the log's entries, from index 1. */
  log?: readonly number[];
  hardState?: Partial<HardState>;
}

/** A storage holding a membership, a log and a hard state, as if persisted by an earlier run. */
export function presetStorage(p: PresetOptions): PresetStorage {
  const s = new PresetStorage({ ...emptyConfState(), voters: [...p.voters], learners: [...(p.learners ?? [])] });
  const log = p.log ?? [];
  s.append(entriesWithTerms(log));
  const lastTerm = log.length > 0 ? log[log.length - 1]! : 0;
  s.setHardState({ term: lastTerm, vote: 0, commit: 0, ...p.hardState });
  return s;
}

export type BareOptions = Partial<Omit<RaftConfig, 'id' | 'storage'>> & Omit<PresetOptions, 'voters'> & { storage?: MemoryStorage };

/** A bare Raft over a preset storage (electionTick 10, heartbeatTick 1 unless overridden). */
export function newRaft(id: NodeId, voters: readonly NodeId[], o: BareOptions = {}): Raft {
  const { learners, log, hardState, storage, ...config } = o;
  const st = storage ?? presetStorage({ voters, learners: learners ?? [], log: log ?? [], hardState: hardState ?? {} });
  return new Raft({ electionTick: 10, heartbeatTick: 1, ...config, id, storage: st });
}

/** The messages a bare Raft queued, removed from it. */
export function takeMessages(r: Raft): Message[] {
  const ms = r.msgs;
  r.msgs = [];
  return ms;
}

/** Make a bare Raft leader of its term + 1 without any messages (its peers' votes are assumed). */
export function forceLeader(r: Raft): Raft {
  r.becomeCandidate();
  r.becomeLeader();
  takeMessages(r);
  return r;
}

/** Short description of a message for readable assertions: "MsgApp 1->2 t3 i5/t2 n2 c4". */
export function describeMessage(m: Message): string {
  let s = `${m.type} ${m.from}->${m.to} t${m.term}`;
  if (m.type === 'MsgApp') s += ` i${m.index}/t${m.logTerm} n${m.entries.length} c${m.commit}`;
  if (m.type === 'MsgAppResp') s += m.reject ? ` reject i${m.index} hint${m.rejectHint}/t${m.logTerm}` : ` i${m.index}`;
  if (m.reject && m.type !== 'MsgAppResp') s += ' reject';
  return s;
}
