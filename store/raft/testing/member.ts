// A host for one member, for tests: the Ready loop of rawnode.ts done in memory.
//
// Its MemoryStorage plays the disk: only what handleReady() persisted survives crash(). The
// state machine is the list of applied payloads, so two members can be compared entry by entry
// and a snapshot is simply that list, serialised.

import { RawNode } from '../rawnode.js';
import { bootstrap } from '../rawnode.js';
import type { RaftConfig } from '../raft.js';
import { MemoryStorage } from '../storage.js';
import { decodeConfChange } from '../confchange-codec.js';
import { emptyConfState, type ConfState, type Entry, type Message, type NodeId, type ReadState, type Ready, type Snapshot } from '../types.js';

export type MemberOptions = Partial<Omit<RaftConfig, 'id' | 'storage' | 'applied'>>;

export interface AppliedEntry {
  index: number;
  term: number;
  data: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export const utf8 = (s: string): Uint8Array => enc.encode(s);
export const fromUtf8 = (b: Uint8Array): string => dec.decode(b);

export class TestMember {
  readonly id: NodeId;
  /** The "disk": survives crash(). */
  readonly storage: MemoryStorage;
  node: RawNode;
  /** The state machine: every applied normal entry with a payload, in order. */
  applied: AppliedEntry[] = [];
  appliedIndex = 0;
  confState: ConfState = emptyConfState();
  /** ReadStates handed out by Ready, in order. */
  readStates: ReadState[] = [];
  /** Every entry this member ever applied, including empty and conf change entries (index -> entry). */
  readonly appliedLog = new Map<number, Entry>();
  private readonly options: MemberOptions;

  /** A founding member of a new group (peers bootstrap the membership), or one restarting on a given disk. */
  constructor(id: NodeId, init: { peers: readonly NodeId[] } | { storage: MemoryStorage }, options: MemberOptions = {}) {
    this.id = id;
    this.options = options;
    if ('peers' in init) {
      this.storage = new MemoryStorage();
      if (init.peers.length > 0) bootstrap(this.storage, init.peers);
    } else {
      this.storage = init.storage;
    }
    this.node = this.start();
  }

  private start(): RawNode {
    // The state machine comes back from the snapshot; the core re-delivers every committed entry after it.
    const snap = this.storage.snapshot();
    this.applied = snap.metadata.index > 0 ? (JSON.parse(fromUtf8(snap.data)) as AppliedEntry[]) : [];
    this.appliedIndex = snap.metadata.index;
    this.confState = snap.metadata.confState;
    return new RawNode({
      electionTick: 10,
      heartbeatTick: 1,
      ...this.options,
      id: this.id,
      storage: this.storage,
      applied: snap.metadata.index,
    });
  }

  /** Lose everything that was not persisted, and start again from the disk. */
  restart(): void {
    this.readStates = [];
    this.node = this.start();
  }

  /**
   * Handle one Ready if there is one: persist, collect messages, apply, advance.
   * Returns the Ready (its messages are for the caller to deliver), or undefined.
   */
  handleReady(): Ready | undefined {
    if (!this.node.hasReady()) return undefined;
    const rd = this.node.ready();
    if (rd.snapshot) {
      this.storage.applySnapshot(rd.snapshot);
      this.applySnapshot(rd.snapshot);
    }
    this.storage.append(rd.entries);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
    for (const e of rd.committedEntries) this.applyEntry(e);
    this.readStates.push(...rd.readStates);
    this.node.advance();
    return rd;
  }

  /** Handle Readys until there are none; returns all messages produced. */
  drain(): Message[] {
    const out: Message[] = [];
    for (let rd = this.handleReady(); rd; rd = this.handleReady()) out.push(...rd.messages);
    return out;
  }

  private applySnapshot(s: Snapshot): void {
    this.applied = JSON.parse(fromUtf8(s.data)) as AppliedEntry[];
    this.appliedIndex = s.metadata.index;
    this.confState = s.metadata.confState;
  }

  private applyEntry(e: Entry): void {
    if (e.index !== this.appliedIndex + 1) {
      throw new Error(`member ${this.id} applying index ${e.index} after ${this.appliedIndex}: gap or repeat`);
    }
    this.appliedIndex = e.index;
    this.appliedLog.set(e.index, e);
    if (e.type === 'confChange') {
      this.confState = this.node.applyConfChange(decodeConfChange(e.data));
    } else if (e.data.length > 0) {
      this.applied.push({ index: e.index, term: e.term, data: fromUtf8(e.data) });
    }
  }

  /** Snapshot the state machine at the applied index and drop log entries before `keep` entries back. */
  takeSnapshot(keep = 0): Snapshot {
    const snap = this.storage.createSnapshot(this.appliedIndex, this.confState, utf8(JSON.stringify(this.applied)));
    const compactTo = this.appliedIndex - keep;
    if (compactTo >= this.storage.firstIndex()) this.storage.compact(compactTo);
    return snap;
  }

  role(): string {
    return this.node.raft.state;
  }

  term(): number {
    return this.node.raft.term;
  }
}
