// etcdserverpb.KV: Range, Put, DeleteRange, Txn, Compact.

import type { KVHandlers } from '../proto/load.js';
import type * as P from '../proto/types.js';
import type * as R from '../state/requests.js';
import { deleteFromWire, deleteToWire, num, putFromWire, putToWire, rangeFromWire, rangeToWire, txnFromWire, txnToWire } from './convert.js';
import { checkSize, header, unary, type ServiceContext } from './context.js';

/** Bytes a txn carries, for the request size limit. */
function txnBytes(t: R.TxnRequest): number {
  let n = 0;
  const ops = (list: R.RequestOp[]) => {
    for (const op of list) {
      if ('put' in op) n += op.put.key.length + op.put.value.length;
      else if ('range' in op) n += op.range.key.length;
      else if ('deleteRange' in op) n += op.deleteRange.key.length;
      else n += txnBytes(op.txn);
    }
  };
  for (const c of t.compare) n += c.key.length + (c.value?.length ?? 0);
  ops(t.success);
  ops(t.failure);
  return n;
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
      checkSize(ctx, put.key, put.value);
      const r = await ctx.member.write({ put });
      if (!('put' in r)) throw new Error('internal: wrong response kind');
      return putToWire(r.put, h);
    }),
    DeleteRange: unary(ctx, async (req: P.DeleteRangeRequest) => {
      const r = await ctx.member.write({ deleteRange: deleteFromWire(req) });
      if (!('deleteRange' in r)) throw new Error('internal: wrong response kind');
      return deleteToWire(r.deleteRange, h);
    }),
    Txn: unary(ctx, async (req: P.TxnRequest) => {
      const txn = txnFromWire(req, ctx.maxTxnOps);
      if (txnBytes(txn) > ctx.maxRequestBytes) checkSize(ctx, new Uint8Array(txnBytes(txn)));
      // A transaction that only reads needs no log entry, as in etcd: a read barrier (unless
      // every range is serializable) and then the same evaluation on the local state.
      const r = isReadOnly(txn) ? await ctx.member.readOnlyTxn(txn, isSerializable(txn)) : await ctx.member.write({ txn });
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
