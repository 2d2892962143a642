// etcdserverpb.KV: Range, Put, DeleteRange, Txn, Compact.

import type { KVHandlers } from '../proto/load.js';
import type * as P from '../proto/types.js';
import type * as R from '../state/requests.js';
import { deleteFromWire, deleteToWire, num, putFromWire, putToWire, rangeFromWire, rangeToWire, txnFromWire, txnToWire } from './convert.js';
import { header, unary, type ServiceContext } from './context.js';
import { Errors } from '../state/errors.js';
import { raftRequestBytes } from './request-size.js';

/** etcd refuses a write whose log entry would exceed --max-request-bytes, before proposing it. */
function checkRequestSize(ctx: ServiceContext, req: Parameters<typeof raftRequestBytes>[0]): void {
  if (raftRequestBytes(req) > ctx.maxRequestBytes) throw Errors.requestTooLarge();
}

function isReadOnly(t: R.TxnRequest): boolean {
  return [...t.success, ...t.failure].every((op) => 'range' in op || ('txn' in op && isReadOnly(op.txn)));
}

function isSerializable(t: R.TxnRequest): boolean {
  return [...t.success, ...t.failure].every((op) => ('range' in op && op.range.serializable) || ('txn' in op && isSerializable(op.txn)));
}

export function kvService(ctx: ServiceContext): KVHandlers {
  const h = (rev: number) => header(ctx, rev);
  return {
    Range: unary(ctx, async (req: P.RangeRequest) => rangeToWire(await ctx.member.read(rangeFromWire(req)), h)),
    Put: unary(ctx, async (req: P.PutRequest) => {
      const put = putFromWire(req);
      checkRequestSize(ctx, { put });
      const r = await ctx.member.write({ put });
      if (!('put' in r)) throw new Error('internal: wrong response kind');
      return putToWire(r.put, h);
    }),
    DeleteRange: unary(ctx, async (req: P.DeleteRangeRequest) => {
      const deleteRange = deleteFromWire(req);
      checkRequestSize(ctx, { deleteRange });
      const r = await ctx.member.write({ deleteRange });
      if (!('deleteRange' in r)) throw new Error('internal: wrong response kind');
      return deleteToWire(r.deleteRange, h);
    }),
    Txn: unary(ctx, async (req: P.TxnRequest) => {
      const txn = txnFromWire(req, ctx.maxTxnOps);
      // A transaction that only reads needs no log entry, as in etcd: a read barrier (unless
      // every range is serializable) and then the same evaluation on the local state. Only a
      // transaction that goes through the log is held to the request size limit, as in etcd.
      const readOnly = isReadOnly(txn);
      if (!readOnly) checkRequestSize(ctx, { txn });
      const r = readOnly ? await ctx.member.readOnlyTxn(txn, isSerializable(txn)) : await ctx.member.write({ txn });
      if (!('txn' in r)) throw new Error('internal: wrong response kind');
      return txnToWire(r.txn, h);
    }),
    Compact: unary(ctx, async (req: P.CompactionRequest) => {
      const r = await ctx.member.write({ compaction: { revision: num(req.revision), physical: req.physical } });
      if (!('compaction' in r)) throw new Error('internal: wrong response kind');
      return { header: h(r.compaction.revision) };
    }),
  };
}
