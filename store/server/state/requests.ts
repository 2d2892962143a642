// The requests that go through the Raft log, in the member's own terms (camelCase, bytes as
// Uint8Array, 64-bit ids as bigint). The gRPC and JSON layers translate etcd's wire messages to
// and from these; the state machine applies them. Reads that are served without the log (ranges)
// use the same types.

import type { KeyValue } from '../../mvcc/kv.js';
import { decodeBinary, encodeBinary, isBinary } from './binary.js';

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  limit?: number;
  revision?: number;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface RangeResponse {
  revision: number;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: Uint8Array;
  value: Uint8Array;
  lease?: bigint;
  prevKv?: boolean;
  ignoreValue?: boolean;
  ignoreLease?: boolean;
}

export interface PutResponse {
  revision: number;
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  revision: number;
  deleted: number;
  prevKvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

export interface Compare {
  result: CompareResult;
  target: CompareTarget;
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  /** The operand, by target: VERSION, CREATE and MOD use `number`, LEASE uses `lease`, VALUE uses `value`. */
  number?: number;
  lease?: bigint;
  value?: Uint8Array;
}

export type RequestOp =
  | { range: RangeRequest }
  | { put: PutRequest }
  | { deleteRange: DeleteRangeRequest }
  | { txn: TxnRequest };

export type ResponseOp =
  | { range: RangeResponse }
  | { put: PutResponse }
  | { deleteRange: DeleteRangeResponse }
  | { txn: TxnResponse };

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  revision: number;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}

export interface LeaseGrantRequest {
  /** Chosen by the member that proposes it (etcd does the same), so every member applies the same id. */
  id: bigint;
  ttl: number;
}

export interface LeaseRevokeRequest {
  id: bigint;
}

/** A member announces its name and client URLs (etcd's "publish") so MemberList can show them. */
export interface MemberAttributesRequest {
  memberId: bigint;
  name: string;
  clientUrls: string[];
}

/** Requests for the keyspace and leases: what the state machine applies. */
export type KvLogRequest =
  | { put: PutRequest }
  | { deleteRange: DeleteRangeRequest }
  | { txn: TxnRequest }
  | { compaction: CompactionRequest }
  | { leaseGrant: LeaseGrantRequest }
  | { leaseRevoke: LeaseRevokeRequest };

export type AlarmType = 'NOSPACE' | 'CORRUPT';

/** Raise or clear an alarm; replicated so every member refuses the same writes. */
export interface AlarmRequest {
  action: 'activate' | 'deactivate';
  memberId: bigint;
  alarm: AlarmType;
}

/** Everything the log can carry. Exactly one field is set. */
export type LogRequest = KvLogRequest | { memberAttributes: MemberAttributesRequest } | { alarm: AlarmRequest };

/** A log entry's payload: the request and the id its proposer waits on. */
export interface LogEnvelope {
  /** Unique per proposer; the proposer's member id is part of it so ids never collide. */
  id: string;
  request: LogRequest;
}

// ---- encoding for the log ----
// JSON, with bytes as {"$b": base64} and 64-bit integers as {"$n": decimal}: readable when
// debugging a log, exact for 64-bit ids, and independent of any wire format.

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `this[key]` is the value before JSON.stringify called its toJSON: a Buffer would already have
  // turned into {type, data} in `value`.
  const raw = this[key];
  if (raw instanceof Uint8Array) return { $b: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  if (typeof value === 'bigint') return { $n: value.toString() };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object') {
    const o = value as { $b?: unknown; $n?: unknown };
    if (typeof o.$b === 'string') return new Uint8Array(Buffer.from(o.$b, 'base64'));
    if (typeof o.$n === 'string') return BigInt(o.$n);
  }
  return value;
}

/** Encode any value holding bytes and 64-bit integers (log entries, snapshots). */
export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value, replacer));
}

export function decodeJson<T>(data: Uint8Array): T {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(), reviver) as T;
}

// Log entries and Raft snapshot images are written in the binary encoding (binary.ts); logs and
// snapshots written in JSON before it are still read. The snapshot *file* of `etcdctl snapshot
// save` stays JSON (encodeJson above).

export function encodeEnvelope(e: LogEnvelope): Uint8Array {
  return encodeBinary(e);
}

export function decodeEnvelope(data: Uint8Array): LogEnvelope {
  return decodeStored<LogEnvelope>(data);
}

/** Decode a log entry or snapshot image in either encoding. */
export function decodeStored<T>(data: Uint8Array): T {
  return isBinary(data) ? decodeBinary<T>(data) : decodeJson<T>(data);
}
