// The size etcd measures against --max-request-bytes: the protobuf encoding of the request as it
// enters the Raft log, InternalRaftRequest{header: RequestHeader{ID}, put|delete_range|txn: ...}.
// Counting only keys and values lets through requests etcd refuses (a value ~25 bytes under the
// limit), so the encoded length is computed here, field by field, without encoding anything.

import type * as R from '../state/requests.js';

function varintLen(v: number | bigint): number {
  let n = typeof v === 'bigint' ? v : BigInt(v);
  if (n < 0n) return 10;
  let len = 1;
  while (n >= 0x80n) {
    n >>= 7n;
    len++;
  }
  return len;
}

/** A length-delimited field (bytes or sub-message) with a one-byte tag (field numbers < 16). */
const lenField = (len: number, tagLen = 1): number => tagLen + varintLen(len) + len;
/** A varint field, omitted when zero (proto3), with a one-byte tag. */
const intField = (v: number | bigint | undefined): number => (v ? 1 + varintLen(v) : 0);
const boolField = (b: boolean | undefined): number => (b ? 2 : 0);
const bytesField = (b: Uint8Array | undefined): number => (b && b.length > 0 ? lenField(b.length) : 0);

const SORT_ORDER = { NONE: 0, ASCEND: 1, DESCEND: 2 } as const;
const SORT_TARGET = { KEY: 0, VERSION: 1, CREATE: 2, MOD: 3, VALUE: 4 } as const;
const CMP_RESULT = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;
const CMP_TARGET = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const;

function rangeLen(r: R.RangeRequest): number {
  return (
    bytesField(r.key) +
    bytesField(r.rangeEnd) +
    intField(r.limit) +
    intField(r.revision) +
    intField(SORT_ORDER[r.sortOrder ?? 'NONE']) +
    intField(SORT_TARGET[r.sortTarget ?? 'KEY']) +
    boolField(r.serializable) +
    boolField(r.keysOnly) +
    boolField(r.countOnly) +
    intField(r.minModRevision) +
    intField(r.maxModRevision) +
    intField(r.minCreateRevision) +
    intField(r.maxCreateRevision)
  );
}

function putLen(p: R.PutRequest): number {
  return bytesField(p.key) + bytesField(p.value) + intField(p.lease) + boolField(p.prevKv) + boolField(p.ignoreValue) + boolField(p.ignoreLease);
}

function deleteLen(d: R.DeleteRangeRequest): number {
  return bytesField(d.key) + bytesField(d.rangeEnd) + boolField(d.prevKv);
}

function compareLen(c: R.Compare): number {
  // The target_union member is a oneof: encoded even when zero.
  let operand: number;
  if (c.target === 'VALUE') operand = lenField(c.value?.length ?? 0);
  else if (c.target === 'LEASE') operand = 1 + varintLen(c.lease ?? 0n);
  else operand = 1 + varintLen(c.number ?? 0);
  // range_end is field 64: a two-byte tag.
  const end = c.rangeEnd && c.rangeEnd.length > 0 ? lenField(c.rangeEnd.length, 2) : 0;
  return intField(CMP_RESULT[c.result]) + intField(CMP_TARGET[c.target]) + bytesField(c.key) + operand + end;
}

function opLen(op: R.RequestOp): number {
  if ('range' in op) return lenField(rangeLen(op.range));
  if ('put' in op) return lenField(putLen(op.put));
  if ('deleteRange' in op) return lenField(deleteLen(op.deleteRange));
  return lenField(txnLen(op.txn));
}

function txnLen(t: R.TxnRequest): number {
  let n = 0;
  for (const c of t.compare) n += lenField(compareLen(c));
  for (const op of t.success) n += lenField(opLen(op));
  for (const op of t.failure) n += lenField(opLen(op));
  return n;
}

/**
 * etcd's header: field 100 (two-byte tag) holding RequestHeader{ID}, a 64-bit request id whose
 * top bits come from the member id: counted as a full ten-byte varint.
 */
const HEADER_LEN = lenField(1 + 10, 2);

/** The encoded size of the log entry etcd would build for this write. */
export function raftRequestBytes(req: { put: R.PutRequest } | { deleteRange: R.DeleteRangeRequest } | { txn: R.TxnRequest }): number {
  if ('put' in req) return HEADER_LEN + lenField(putLen(req.put));
  if ('deleteRange' in req) return HEADER_LEN + lenField(deleteLen(req.deleteRange));
  return HEADER_LEN + lenField(txnLen(req.txn));
}
