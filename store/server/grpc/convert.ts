// Translation between etcd's wire messages (as proto-loader decodes them: snake_case, 64-bit
// integers as decimal strings, bytes as Buffer) and the member's own request types.
// Validation that etcd does before a request enters the log lives here too (v3rpc's checks).

import type { KeyValue as MvccKeyValue } from '../../mvcc/kv.js';
import type * as P from '../proto/types.js';
import { Errors } from '../state/errors.js';
import type * as R from '../state/requests.js';

/** A non-negative revision or count from the wire: etcd's int64, safe as a JS number for revisions. */
export function num(s: string | number | undefined): number {
  if (s === undefined || s === '') return 0;
  return Number(s);
}

export function id64(s: string | undefined): bigint {
  return s ? BigInt(s) : 0n;
}

const opt = (b: Buffer | undefined): Uint8Array | undefined => (b && b.length > 0 ? b : undefined);

export function kvToWire(kv: MvccKeyValue): P.Input<P.KeyValue> {
  return {
    key: kv.key,
    create_revision: String(kv.createRevision),
    mod_revision: String(kv.modRevision),
    version: String(kv.version),
    value: kv.value,
    lease: kv.lease.toString(),
  };
}

export function rangeFromWire(r: P.RangeRequest): R.RangeRequest {
  if (!r.key || r.key.length === 0) throw Errors.emptyKey();
  const out: R.RangeRequest = {
    key: r.key,
    limit: num(r.limit),
    revision: num(r.revision),
    sortOrder: r.sort_order,
    sortTarget: r.sort_target,
    serializable: r.serializable,
    keysOnly: r.keys_only,
    countOnly: r.count_only,
    minModRevision: num(r.min_mod_revision),
    maxModRevision: num(r.max_mod_revision),
    minCreateRevision: num(r.min_create_revision),
    maxCreateRevision: num(r.max_create_revision),
  };
  const end = opt(r.range_end);
  if (end) out.rangeEnd = end;
  return out;
}

export function putFromWire(p: P.PutRequest): R.PutRequest {
  if (!p.key || p.key.length === 0) throw Errors.emptyKey();
  if (p.ignore_value && p.value.length !== 0) throw Errors.valueProvided();
  if (p.ignore_lease && id64(p.lease) !== 0n) throw Errors.leaseProvided();
  return { key: p.key, value: p.value, lease: id64(p.lease), prevKv: p.prev_kv, ignoreValue: p.ignore_value, ignoreLease: p.ignore_lease };
}

export function deleteFromWire(d: P.DeleteRangeRequest): R.DeleteRangeRequest {
  if (!d.key || d.key.length === 0) throw Errors.emptyKey();
  const out: R.DeleteRangeRequest = { key: d.key, prevKv: d.prev_kv };
  const end = opt(d.range_end);
  if (end) out.rangeEnd = end;
  return out;
}

function compareFromWire(c: P.Compare): R.Compare {
  const out: R.Compare = { result: c.result, target: c.target, key: c.key };
  const end = opt(c.range_end);
  if (end) out.rangeEnd = end;
  switch (c.target) {
    case 'VALUE':
      out.value = c.target_union === 'value' ? c.value : Buffer.alloc(0);
      break;
    case 'LEASE':
      out.lease = c.target_union === 'lease' ? id64(c.lease) : 0n;
      break;
    case 'VERSION':
      out.number = c.target_union === 'version' ? num(c.version) : 0;
      break;
    case 'CREATE':
      out.number = c.target_union === 'create_revision' ? num(c.create_revision) : 0;
      break;
    case 'MOD':
      out.number = c.target_union === 'mod_revision' ? num(c.mod_revision) : 0;
      break;
  }
  return out;
}

function opFromWire(op: P.RequestOp): R.RequestOp {
  switch (op.request) {
    case 'request_range':
      return { range: rangeFromWire(op.request_range) };
    case 'request_put':
      return { put: putFromWire(op.request_put) };
    case 'request_delete_range':
      return { deleteRange: deleteFromWire(op.request_delete_range) };
    case 'request_txn':
      return { txn: txnFromWire(op.request_txn, Number.POSITIVE_INFINITY) };
    default:
      throw Errors.emptyKey();
  }
}

/** Also checks what etcd checks: the op count and that no two writes touch the same key. */
export function txnFromWire(t: P.TxnRequest, maxTxnOps: number): R.TxnRequest {
  if (t.compare.length > maxTxnOps || t.success.length > maxTxnOps || t.failure.length > maxTxnOps) throw Errors.tooManyOps();
  const txn: R.TxnRequest = { compare: t.compare.map(compareFromWire), success: t.success.map(opFromWire), failure: t.failure.map(opFromWire) };
  for (const branch of [txn.success, txn.failure]) checkNoDuplicateWrites(branch);
  return txn;
}

interface Interval {
  key: string;
  /** undefined: the single key; '\uffff': every key from `key` on. */
  end: string | undefined;
}

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const covers = (iv: Interval, k: string): boolean => (iv.end === undefined ? k === iv.key : k >= iv.key && k < iv.end);

/**
 * etcd's rule (checkIntervals): within a branch, a key may be put only once and may not be put
 * inside a range the same branch deletes, counting nested transactions, whose success and failure
 * puts and deletes all count together.
 */
function checkNoDuplicateWrites(ops: readonly R.RequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const op of ops) {
    if (!('deleteRange' in op)) continue;
    const end = op.deleteRange.rangeEnd;
    dels.push({ key: latin1(op.deleteRange.key), end: end ? (end.length === 1 && end[0] === 0 ? '\uffff' : latin1(end)) : undefined });
  }
  const puts = new Set<string>();
  const addPut = (k: string) => {
    if (puts.has(k) || dels.some((d) => covers(d, k))) throw Errors.duplicateKey();
    puts.add(k);
  };
  for (const op of ops) {
    if (!('txn' in op)) continue;
    const then = checkNoDuplicateWrites(op.txn.success);
    const otherwise = checkNoDuplicateWrites(op.txn.failure);
    for (const k of then.puts) addPut(k);
    for (const k of otherwise.puts) addPut(k);
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of ops) if ('put' in op) addPut(latin1(op.put.key));
  return { puts, dels };
}

export function rangeToWire(r: R.RangeResponse, header: (rev: number) => P.Input<P.ResponseHeader>): P.Input<P.RangeResponse> {
  return { header: header(r.revision), kvs: r.kvs.map(kvToWire), more: r.more, count: String(r.count) };
}

export function putToWire(r: R.PutResponse, header: (rev: number) => P.Input<P.ResponseHeader>): P.Input<P.PutResponse> {
  const out: P.Input<P.PutResponse> = { header: header(r.revision) };
  if (r.prevKv) out.prev_kv = kvToWire(r.prevKv);
  return out;
}

export function deleteToWire(r: R.DeleteRangeResponse, header: (rev: number) => P.Input<P.ResponseHeader>): P.Input<P.DeleteRangeResponse> {
  return { header: header(r.revision), deleted: String(r.deleted), prev_kvs: r.prevKvs.map(kvToWire) };
}

/**
 * Responses nested in a transaction carry only a revision in their header, as etcd's do;
 * the outer response gets the full header.
 */
export function txnToWire(r: R.TxnResponse, header: (rev: number) => P.Input<P.ResponseHeader>): P.Input<P.TxnResponse> {
  const inner = (rev: number): P.Input<P.ResponseHeader> => ({ revision: String(rev) });
  const responses = r.responses.map((op): P.Input<P.ResponseOp> => {
    if ('range' in op) return { response_range: rangeToWire(op.range, inner) };
    if ('put' in op) return { response_put: putToWire(op.put, inner) };
    if ('deleteRange' in op) return { response_delete_range: deleteToWire(op.deleteRange, inner) };
    return { response_txn: txnToWire(op.txn, inner) };
  });
  return { header: header(r.revision), succeeded: r.succeeded, responses };
}
