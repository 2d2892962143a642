// Key-value calls: range, put, delete, txn, compact. Responses are returned as decoded,
// so callers see etcd's own fields (header.revision, kvs[i].mod_revision, ...).

import type {
  CompactionResponse,
  DeleteRangeResponse,
  EtcdServices,
  Input,
  Int64,
  PutResponse,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from '../server/proto/load.js';
import type { CallOptions, Connection } from './connection.js';
import {
  deleteRequest,
  putRequest,
  rangeRequest,
  type Bytes,
  type DeleteOptions,
  type PutOptions,
  type RangeOptions,
} from './ops.js';

export class KVClient {
  constructor(
    private readonly conn: Connection,
    private readonly services: EtcdServices,
  ) {}

  /** Reads are retried on another endpoint when one is unavailable. */
  range(key: Bytes, options: RangeOptions & CallOptions = {}): Promise<RangeResponse> {
    return this.conn.unary(this.services.KV.Range, rangeRequest(key, options), 'idempotent', options);
  }

  /**
   * Writes are retried only if they provably never reached a server: after a timeout or a
   * dropped connection the write may have been applied, and only the caller can tell
   * (e.g. by reading, or by guarding the write with a compare).
   */
  put(key: Bytes, value: Bytes, options: PutOptions & CallOptions = {}): Promise<PutResponse> {
    return this.conn.unary(this.services.KV.Put, putRequest(key, value, options), 'if-not-sent', options);
  }

  delete(key: Bytes, options: DeleteOptions & CallOptions = {}): Promise<DeleteRangeResponse> {
    return this.conn.unary(this.services.KV.DeleteRange, deleteRequest(key, options), 'if-not-sent', options);
  }

  /**
   * Build compares with `cmp` and operations with `op` from ops.ts. A transaction whose
   * branches only read is retried like a read.
   */
  txn(request: Input<TxnRequest>, options: CallOptions = {}): Promise<TxnResponse> {
    return this.conn.unary(this.services.KV.Txn, request, readOnly(request) ? 'idempotent' : 'if-not-sent', options);
  }

  /** Compacting twice to the same revision is an error, not a no-op, so this is a write too. */
  compact(revision: Int64, options: { physical?: boolean } & CallOptions = {}): Promise<CompactionResponse> {
    return this.conn.unary(this.services.KV.Compact, { revision, physical: options.physical }, 'if-not-sent', options);
  }
}

function readOnly(t: Input<TxnRequest>): boolean {
  return [...(t.success ?? []), ...(t.failure ?? [])].every(
    (o) => 'request_range' in o && o.request_range !== undefined,
  );
}
