// Pure builders from friendly options to etcd request messages. Kept apart from the
// calls so that transactions can reuse exactly the requests that kv.range/put/delete send,
// and so that key ranges are computed in one place.

import type {
  CompareResult,
  FilterType,
  Input,
  Int64,
  RequestOp,
  RangeRequest,
  PutRequest,
  DeleteRangeRequest,
  SortOrder,
  SortTarget,
  Compare,
  TxnRequest,
  WatchCreateRequest,
} from '../server/proto/load.js';

/** A key or value: strings are UTF-8 encoded. */
export type Bytes = string | Uint8Array;

export function toBuffer(b: Bytes): Buffer {
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The smallest key greater than every key starting with `prefix` (etcd's "prefix end"):
 * drop trailing 0xff bytes, then add one to the last byte. A prefix of only 0xff bytes
 * (or empty) has no such key, so the range runs to the end of the keyspace ("\0").
 */
export function prefixEnd(prefix: Bytes): Buffer {
  const p = toBuffer(prefix);
  for (let i = p.length - 1; i >= 0; i--) {
    if (p[i]! < 0xff) {
      const end = Buffer.from(p.subarray(0, i + 1));
      end[i] = end[i]! + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** How a request names a set of keys; at most one of the three may be given. */
export interface KeyRange {
  /** Exclusive end of the range [key, rangeEnd). */
  rangeEnd?: Bytes;
  /** Every key that starts with `key`. */
  prefix?: boolean;
  /** Every key >= `key`. */
  fromKey?: boolean;
}

function rangeEndOf(key: Bytes, r: KeyRange): Buffer | undefined {
  const given = [r.rangeEnd !== undefined, r.prefix === true, r.fromKey === true].filter(Boolean).length;
  if (given > 1) throw new Error('etcd client: give at most one of rangeEnd, prefix, fromKey');
  if (r.rangeEnd !== undefined) return toBuffer(r.rangeEnd);
  if (r.prefix) return prefixEnd(key);
  if (r.fromKey) return Buffer.from([0]);
  return undefined;
}

export interface RangeOptions extends KeyRange {
  limit?: number;
  /** Read as of this revision (decimal string); default: latest. */
  revision?: Int64;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
  minModRevision?: Int64;
  maxModRevision?: Int64;
  minCreateRevision?: Int64;
  maxCreateRevision?: Int64;
}

export function rangeRequest(key: Bytes, o: RangeOptions = {}): Input<RangeRequest> {
  return {
    key: toBuffer(key),
    range_end: rangeEndOf(key, o),
    limit: o.limit === undefined ? undefined : String(o.limit),
    revision: o.revision,
    sort_order: o.sortOrder,
    sort_target: o.sortTarget,
    serializable: o.serializable,
    keys_only: o.keysOnly,
    count_only: o.countOnly,
    min_mod_revision: o.minModRevision,
    max_mod_revision: o.maxModRevision,
    min_create_revision: o.minCreateRevision,
    max_create_revision: o.maxCreateRevision,
  };
}

export interface PutOptions {
  /** Lease id (decimal string) to bind the key to. */
  lease?: Int64;
  prevKv?: boolean;
  ignoreValue?: boolean;
  ignoreLease?: boolean;
}

export function putRequest(key: Bytes, value: Bytes, o: PutOptions = {}): Input<PutRequest> {
  return {
    key: toBuffer(key),
    value: toBuffer(value),
    lease: o.lease,
    prev_kv: o.prevKv,
    ignore_value: o.ignoreValue,
    ignore_lease: o.ignoreLease,
  };
}

export interface DeleteOptions extends KeyRange {
  prevKv?: boolean;
}

export function deleteRequest(key: Bytes, o: DeleteOptions = {}): Input<DeleteRangeRequest> {
  return { key: toBuffer(key), range_end: rangeEndOf(key, o), prev_kv: o.prevKv };
}

export interface WatchOptions extends KeyRange {
  /** First revision to deliver (inclusive, decimal string); default: only changes after the watch is created. */
  startRevision?: Int64;
  prevKv?: boolean;
  /** Drop these event types at the server. */
  filters?: FilterType[];
  /** Ask the server for periodic empty responses carrying the current revision. */
  progressNotify?: boolean;
}

export function watchCreateRequest(key: Bytes, o: WatchOptions, startRevision: Int64 | undefined): Input<WatchCreateRequest> {
  return {
    key: toBuffer(key),
    range_end: rangeEndOf(key, o),
    start_revision: startRevision,
    prev_kv: o.prevKv,
    filters: o.filters,
    progress_notify: o.progressNotify,
  };
}

/** Operations for the branches of a transaction. */
export const op = {
  range: (key: Bytes, o?: RangeOptions): Input<RequestOp> => ({ request_range: rangeRequest(key, o) }),
  put: (key: Bytes, value: Bytes, o?: PutOptions): Input<RequestOp> => ({ request_put: putRequest(key, value, o) }),
  delete: (key: Bytes, o?: DeleteOptions): Input<RequestOp> => ({ request_delete_range: deleteRequest(key, o) }),
  txn: (t: Input<TxnRequest>): Input<RequestOp> => ({ request_txn: t }),
};

type Relation = '=' | '!=' | '<' | '>';
const RESULT: Record<Relation, CompareResult> = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '<': 'LESS', '>': 'GREATER' };

/**
 * Guards of a transaction, read as "<target of key> <relation> <operand>", e.g.
 * `cmp.modRevision('/registry/pods/a', '=', '42')`; a modRevision of '0' means "absent".
 */
export const cmp = {
  version: (key: Bytes, rel: Relation, version: Int64, range?: KeyRange): Input<Compare> => ({
    key: toBuffer(key),
    range_end: range && rangeEndOf(key, range),
    target: 'VERSION',
    result: RESULT[rel],
    version,
  }),
  createRevision: (key: Bytes, rel: Relation, revision: Int64, range?: KeyRange): Input<Compare> => ({
    key: toBuffer(key),
    range_end: range && rangeEndOf(key, range),
    target: 'CREATE',
    result: RESULT[rel],
    create_revision: revision,
  }),
  modRevision: (key: Bytes, rel: Relation, revision: Int64, range?: KeyRange): Input<Compare> => ({
    key: toBuffer(key),
    range_end: range && rangeEndOf(key, range),
    target: 'MOD',
    result: RESULT[rel],
    mod_revision: revision,
  }),
  value: (key: Bytes, rel: Relation, value: Bytes, range?: KeyRange): Input<Compare> => ({
    key: toBuffer(key),
    range_end: range && rangeEndOf(key, range),
    target: 'VALUE',
    result: RESULT[rel],
    value: toBuffer(value),
  }),
  lease: (key: Bytes, rel: Relation, lease: Int64, range?: KeyRange): Input<Compare> => ({
    key: toBuffer(key),
    range_end: range && rangeEndOf(key, range),
    target: 'LEASE',
    result: RESULT[rel],
    lease,
  }),
};
