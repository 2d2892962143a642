// The vocabulary of the Raft core: what goes into it, what comes out of it.
//
// Everything here is plain data. The core never touches a socket, a disk or a clock: the host
// serialises these shapes however it likes (JSON, protobuf) and carries them between members.

/** A member's identity. Positive safe integer; 0 means "nobody" (see NONE). */
export type NodeId = number;

/** The "no node" value: no leader known, no vote cast. */
export const NONE: NodeId = 0;

export type EntryType = 'normal' | 'confChange';

/** One slot of the replicated log. */
export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  /** Opaque to the core for 'normal'; an encoded ConfChange (see confchange-codec.ts) for 'confChange'. */
  data: Uint8Array;
}

/** What must survive a crash besides the log: the term, the vote in that term, the commit index. */
export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

/**
 * A membership: the voters, the learners, and during a joint change the outgoing voters
 * plus the learners that will be added once the joint state is left.
 */
export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
  /** Voters of the outgoing configuration while in a joint configuration; empty otherwise. */
  votersOutgoing: NodeId[];
  /** Learners that become learners when the joint configuration is left (they are outgoing voters now). */
  learnersNext: NodeId[];
  /** In a joint configuration: leave it automatically (the leader proposes the leave entry). */
  autoLeave: boolean;
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

/** The application's state at an index, plus the membership at that index. */
export interface Snapshot {
  metadata: SnapshotMetadata;
  /** The host's state machine image; the core never looks inside. */
  data: Uint8Array;
}

export type ConfChangeType = 'addNode' | 'removeNode' | 'addLearner';

export interface ConfChangeSingle {
  type: ConfChangeType;
  nodeId: NodeId;
}

/**
 * How a multi-change proposal is carried out:
 * - 'auto': simple (one step) when at most one voter changes, joint with automatic leave otherwise;
 * - 'jointImplicit': always joint, left automatically;
 * - 'jointExplicit': always joint, left only when the host proposes an empty ConfChange.
 */
export type ConfChangeTransition = 'auto' | 'jointImplicit' | 'jointExplicit';

/**
 * A membership change proposal. An empty `changes` list means "leave the joint configuration".
 * `context` is opaque to the core (the store server puts the member's peer URLs there).
 */
export interface ConfChange {
  transition: ConfChangeTransition;
  changes: ConfChangeSingle[];
  context?: Uint8Array;
}

export type MessageType =
  // Local messages: never cross the network, created by the host or by the core itself.
  | 'MsgHup' // start an election
  | 'MsgBeat' // leader: send heartbeats now
  | 'MsgCheckQuorum' // leader: verify that a quorum was active since the last check
  | 'MsgUnreachable' // host reports that a peer could not be reached
  | 'MsgSnapStatus' // host reports how sending a snapshot went
  // Network messages.
  | 'MsgProp' // a proposal (local, or forwarded by a follower)
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp';

/** A message between members (or from the host to the core). Unused fields are 0/empty. */
export interface Message {
  type: MessageType;
  to: NodeId;
  from: NodeId;
  term: number;
  /** MsgApp: term of the entry preceding `entries`; MsgAppResp reject: term at rejectHint. Votes: last log term. */
  logTerm: number;
  /** MsgApp: index preceding `entries`; MsgAppResp: last index accepted or the rejected index. Votes: last log index. */
  index: number;
  entries: Entry[];
  commit: number;
  snapshot?: Snapshot;
  reject: boolean;
  /** MsgAppResp reject: the follower's hint where the leader should probe next. */
  rejectHint: number;
  /** ReadIndex request id; campaign kind on votes ('transfer'); SnapStatus failure. */
  context?: Uint8Array;
}

/** A linearizable read that may proceed once the host has applied up to `index`. */
export interface ReadState {
  index: number;
  /** The context the host passed to readIndex(); identifies the request. */
  requestCtx: Uint8Array;
}

export type StateRole = 'follower' | 'candidate' | 'preCandidate' | 'leader';

/** Volatile state worth showing to the host (not persisted). */
export interface SoftState {
  lead: NodeId;
  role: StateRole;
}

/**
 * What the host must do next, in this order:
 *  1. persist `snapshot` (if any), `entries` and `hardState` (if any) durably;
 *  2. send `messages` (some of them announce what step 1 persisted);
 *  3. apply `committedEntries` to the state machine (ConfChange entries via applyConfChange);
 *     answer `readStates` once applied index >= their index;
 *  4. call advance().
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  readStates: ReadState[];
  entries: Entry[];
  snapshot?: Snapshot;
  committedEntries: Entry[];
  messages: Message[];
  /** True when the host must fsync before sending (hard state or entries changed). */
  mustSync: boolean;
}

/** Thrown by propose() and friends when the core cannot take the proposal; the host may retry later. */
export class ProposalDroppedError extends Error {
  constructor(reason: string) {
    super(`raft proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
  }
}

/** Thrown when storage is asked for an index that was compacted into a snapshot. */
export class CompactedError extends Error {
  constructor() {
    super('requested index is unavailable due to compaction');
    this.name = 'CompactedError';
  }
}

/** Thrown when storage is asked for an index beyond what it holds. */
export class UnavailableError extends Error {
  constructor() {
    super('requested entry at index is unavailable');
    this.name = 'UnavailableError';
  }
}

/** Thrown when a snapshot older than the one held is applied or created. */
export class SnapshotOutOfDateError extends Error {
  constructor() {
    super('requested index is older than the existing snapshot');
    this.name = 'SnapshotOutOfDateError';
  }
}

export function emptyConfState(): ConfState {
  return { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
}

export function emptySnapshot(): Snapshot {
  return { metadata: { index: 0, term: 0, confState: emptyConfState() }, data: new Uint8Array() };
}

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

export function isEmptyHardState(h: HardState): boolean {
  return h.term === 0 && h.vote === NONE && h.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** A message with every field at its zero value but those given. */
export function message(fields: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...fields,
  };
}

/** Messages that exist only between the host and its own core. */
export function isLocalMessage(t: MessageType): boolean {
  return (
    t === 'MsgHup' ||
    t === 'MsgBeat' ||
    t === 'MsgUnreachable' ||
    t === 'MsgSnapStatus' ||
    t === 'MsgCheckQuorum'
  );
}

/** Responses: a message a node answers with, never a request. */
export function isResponseMessage(t: MessageType): boolean {
  return (
    t === 'MsgAppResp' ||
    t === 'MsgVoteResp' ||
    t === 'MsgHeartbeatResp' ||
    t === 'MsgUnreachable' ||
    t === 'MsgPreVoteResp'
  );
}

export function voteResponseType(t: MessageType): MessageType {
  switch (t) {
    case 'MsgVote':
      return 'MsgVoteResp';
    case 'MsgPreVote':
      return 'MsgPreVoteResp';
    default:
      throw new Error(`not a vote message: ${t}`);
  }
}
