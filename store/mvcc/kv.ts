// What the keyspace stores and reports, in etcd's terms (mvccpb.KeyValue and mvccpb.Event).

/** One version of a key. Keys and values are bytes; lease ids are full 64-bit values. */
export interface KeyValue {
  key: Uint8Array;
  createRevision: number;
  modRevision: number;
  /** 1 on creation, +1 on every put; a deletion ends the key's generation (version 0). */
  version: number;
  value: Uint8Array;
  /** 0n when the key is not attached to a lease. */
  lease: bigint;
}

export type EventType = 'put' | 'delete';

/** One change. A delete event's kv carries only the key and the deletion's modRevision. */
export interface Event {
  type: EventType;
  kv: KeyValue;
}

/** The error strings are etcd's: clients match on them. */
export const ERR_COMPACTED = 'mvcc: required revision has been compacted';
export const ERR_FUTURE_REV = 'mvcc: required revision is a future revision';

export class CompactedRevisionError extends Error {
  constructor() {
    super(ERR_COMPACTED);
    this.name = 'CompactedRevisionError';
  }
}

export class FutureRevisionError extends Error {
  constructor() {
    super(ERR_FUTURE_REV);
    this.name = 'FutureRevisionError';
  }
}
