// The host's handle on the core: inputs in (tick, step, propose, ...), a Ready batch out, and
// advance() to say the batch was handled. One RawNode per member; the host owns the loop:
//
//   while (true) {
//     wait for a tick, a message, or a proposal; feed it in
//     if (!node.hasReady()) continue
//     const rd = node.ready()
//     persist rd.snapshot, rd.entries, rd.hardState (fsync when rd.mustSync)
//     send rd.messages
//     apply rd.committedEntries (conf changes through node.applyConfChange), serve rd.readStates
//     node.advance()
//   }

import { encodeConfChange } from './confchange-codec.js';
import { Raft, payloadSize, type RaftConfig } from './raft.js';
import type { MemoryStorage } from './storage.js';
import type { ProgressState } from './tracker/progress.js';
import {
  NONE,
  ProposalDroppedError,
  hardStateEqual,
  isEmptyHardState,
  isLocalMessage,
  isResponseMessage,
  message,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type Ready,
  type SoftState,
} from './types.js';

export interface ProgressStatus {
  match: number;
  next: number;
  state: ProgressState;
  isLearner: boolean;
  recentActive: boolean;
  pendingSnapshot: number;
  inflight: number;
}

export interface Status {
  id: NodeId;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  leadTransferee: NodeId;
  config: ConfState;
  /** Only on the leader: what it knows of every member. */
  progress?: Map<NodeId, ProgressStatus>;
}

export type SnapshotStatus = 'finish' | 'failure';

export class RawNode {
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** The Ready handed out and not yet advanced. */
  private pending: Ready | undefined;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  /** One logical clock tick: the host calls it at a fixed interval (e.g. every 100 ms). */
  tick(): void {
    this.raft.tick();
  }

  /** Start an election now (instead of waiting for the election timeout). */
  campaign(): void {
    this.raft.step(message({ type: 'MsgHup', from: this.raft.id }));
  }

  /** Propose data to be appended to the log. Throws ProposalDroppedError if it cannot be taken. */
  propose(data: Uint8Array): void {
    this.raft.step(message({ type: 'MsgProp', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'normal', data }] }));
  }

  /** Propose several entries at once (one MsgProp, one append). */
  proposeBatch(datas: readonly Uint8Array[]): void {
    if (datas.length === 0) return;
    const entries: Entry[] = datas.map((data) => ({ term: 0, index: 0, type: 'normal', data }));
    this.raft.step(message({ type: 'MsgProp', from: this.raft.id, entries }));
  }

  /** Propose a membership change; it takes effect when the host applies its entry. */
  proposeConfChange(cc: ConfChange): void {
    const data = encodeConfChange(cc);
    this.raft.step(message({ type: 'MsgProp', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'confChange', data }] }));
  }

  /** Apply a committed conf change entry's change; returns the configuration now in force. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /**
   * Feed a message received from a peer. Local message types are refused (they are the host's
   * to create through the methods above), and responses from unknown peers are ignored.
   * A forwarded proposal this node cannot take is dropped silently: its origin will retry.
   */
  step(m: Message): void {
    if (isLocalMessage(m.type)) throw new Error(`raft: cannot step raft local message ${m.type}`);
    if (isResponseMessage(m.type) && !this.raft.trk.progress.has(m.from)) return;
    try {
      this.raft.step(m);
    } catch (e) {
      // Everything stepped here came over the network, even a proposal whose `from` is this very
      // node: a forwarded proposal can be forwarded again by a member whose leader changed and
      // come back to its origin. Either way the client's host owns the retry, not this one.
      if (e instanceof ProposalDroppedError) return;
      throw e;
    }
  }

  /**
   * Ask for a linearizable read point. A ReadState with the same context appears in a later
   * Ready; serve the read once the applied index reaches its index. Dropped (throws) when no
   * leader is known; the host retries.
   */
  readIndex(requestCtx: Uint8Array): void {
    this.raft.step(message({ type: 'MsgReadIndex', from: this.raft.id, context: requestCtx }));
  }

  /** Ask the leader (this node or the one it knows) to hand leadership to `transferee`. */
  transferLeadership(transferee: NodeId): void {
    this.raft.step(message({ type: 'MsgTransferLeader', from: transferee }));
  }

  /** The host could not deliver a message to `id`. */
  reportUnreachable(id: NodeId): void {
    this.raft.step(message({ type: 'MsgUnreachable', from: id }));
  }

  /** How sending a snapshot to `id` ended. */
  reportSnapshot(id: NodeId, status: SnapshotStatus): void {
    this.raft.step(message({ type: 'MsgSnapStatus', from: id, reject: status === 'failure' }));
  }

  hasReady(): boolean {
    const r = this.raft;
    const soft = r.softState();
    if (soft.lead !== this.prevSoftState.lead || soft.role !== this.prevSoftState.role) return true;
    const hard = r.hardState();
    if (!isEmptyHardState(hard) && !hardStateEqual(hard, this.prevHardState)) return true;
    if (r.raftLog.unstable.snapshot) return true;
    if (r.msgs.length > 0 || r.raftLog.unstable.entries.length > 0 || r.raftLog.hasNextCommittedEnts()) return true;
    return r.readStates.length > 0;
  }

  /** Everything the host must do now. Call advance() once it is done, before the next ready(). */
  ready(): Ready {
    if (this.pending) throw new Error('raft: ready() called again before advance()');
    const r = this.raft;
    const rd: Ready = {
      entries: r.raftLog.unstableEntries(),
      committedEntries: r.raftLog.nextCommittedEnts(),
      messages: r.msgs,
      readStates: r.readStates,
      mustSync: false,
    };
    const soft = r.softState();
    if (soft.lead !== this.prevSoftState.lead || soft.role !== this.prevSoftState.role) {
      rd.softState = soft;
      this.prevSoftState = soft;
    }
    const hard = r.hardState();
    if (!hardStateEqual(hard, this.prevHardState)) {
      rd.hardState = hard;
    }
    if (r.raftLog.unstable.snapshot) rd.snapshot = r.raftLog.unstable.snapshot;
    // Term and vote must be on disk before any message that depends on them leaves; so must
    // new entries before they are acknowledged. A commit index alone can be recovered.
    rd.mustSync =
      rd.entries.length > 0 ||
      rd.snapshot !== undefined ||
      (rd.hardState !== undefined && (hard.term !== this.prevHardState.term || hard.vote !== this.prevHardState.vote));
    if (rd.hardState) this.prevHardState = hard;
    r.msgs = [];
    r.readStates = [];
    this.pending = rd;
    return rd;
  }

  /** The last Ready was persisted, sent and applied. */
  advance(): void {
    const rd = this.pending;
    if (!rd) throw new Error('raft: advance() called without a pending ready()');
    this.pending = undefined;
    const r = this.raft;
    if (rd.snapshot) {
      r.raftLog.stableSnapTo(rd.snapshot.metadata.index);
      r.appliedSnapshot(rd.snapshot);
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]!;
      r.raftLog.stableTo(last.index, last.term);
    }
    if (rd.committedEntries.length > 0) {
      const last = rd.committedEntries[rd.committedEntries.length - 1]!;
      r.appliedTo(last.index, payloadSize(rd.committedEntries));
    }
  }

  status(): Status {
    const r = this.raft;
    const st: Status = {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      leadTransferee: r.leadTransferee,
      config: r.trk.confState(),
    };
    if (r.state === 'leader') {
      st.progress = new Map();
      r.trk.visit((id, pr) => {
        st.progress!.set(id, {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          isLearner: pr.isLearner,
          recentActive: pr.recentActive,
          pendingSnapshot: pr.pendingSnapshot,
          inflight: pr.inflights.length(),
        });
      });
    }
    return st;
  }
}

/**
 * Start a brand-new group: write the initial membership into an empty storage as committed
 * conf change entries (term 1), the way etcd bootstraps. The host then creates RawNodes over the
 * storage; the first Ready hands the entries out to apply, which builds the configuration.
 * Every founding member bootstraps with the same peer list.
 */
export function bootstrap(storage: MemoryStorage, peers: readonly NodeId[]): void {
  if (peers.length === 0) throw new Error('must provide at least one peer to bootstrap');
  if (storage.lastIndex() !== 0) throw new Error("can't bootstrap a nonempty storage");
  const ents: Entry[] = peers.map((id, i) => ({
    term: 1,
    index: i + 1,
    type: 'confChange',
    data: encodeConfChange({ transition: 'auto', changes: [{ type: 'addNode', nodeId: id }] }),
  }));
  storage.append(ents);
  // Committed (every founder holds them) but not applied: the host applies them first thing.
  storage.setHardState({ term: 1, vote: NONE, commit: ents.length });
}
