// What etcd's v3lock and v3election servers get from clientv3/concurrency, done on the member
// itself: etcd builds those services on an in-process client, we build them on member.write
// (through the log), member.read (linearizable) and the watch hub (waiting without polling).
//
// The recipe both services share: a lock or election is a key prefix "<name>/"; a contender owns
// the key "<name>/<its lease id in hex>", created with its lease in a transaction if absent; the
// contender whose key has the lowest create revision holds the lock or leads. Waiting for one's
// turn means waiting until every key under the prefix with a lower create revision is gone,
// watching only the next lower one each time (no thundering herd).
//
// Errors: etcd's services return what its in-process client returned, which grpc-go sends as
// code UNKNOWN with the error's text ("etcdserver: requested lease not found", "election: no
// leader", ...). The client's own cancellation or deadline ends the call with CANCELLED or
// DEADLINE_EXCEEDED, which grpc-js sends itself; the handler's late answer is dropped.

import * as grpc from '@grpc/grpc-js';
import { prefixEnd } from '../../mvcc/keys.js';
import type { KeyValue } from '../../mvcc/kv.js';
import type { WatchEvent, WatchOptions } from '../../watch/hub.js';
import type { Member } from '../member.js';
import { EtcdError, Errors } from '../state/errors.js';
import type * as R from '../state/requests.js';
import { toServiceError, type ServiceContext } from './context.js';

/** etcd's concurrency.NewSession TTL when the request names no lease (60 s, never renewed). */
export const DEFAULT_SESSION_TTL = 60;

/** An error etcd's services return as a plain Go error: gRPC code UNKNOWN, the text as is. */
export const plainError = (message: string): EtcdError => new EtcdError(grpc.status.UNKNOWN, message);

/** The call ended from the client's side (cancelled or past its deadline). */
export class CallEndedError extends Error {
  constructor() {
    super('context canceled');
    this.name = 'CallEndedError';
  }
}

/** How a failure is sent: errors of the store keep their text but become UNKNOWN, as in etcd. */
export function toConcurrencyError(ctx: ServiceContext, e: unknown): Partial<grpc.StatusObject> {
  if (e instanceof EtcdError) return { code: grpc.status.UNKNOWN, details: e.message };
  return toServiceError(ctx, e);
}

/** An AbortSignal that fires when the client cancels the call or its deadline passes. */
export function callSignal(call: { cancelled: boolean; once(event: 'cancelled', f: () => void): unknown }): AbortSignal {
  const ac = new AbortController();
  if (call.cancelled) ac.abort();
  else call.once('cancelled', () => ac.abort());
  return ac.signal;
}

/** A unary handler that may wait: it is told when the call ends, and answers only a live call. */
export function waitingUnary<Req, Res>(
  ctx: ServiceContext,
  f: (req: Req, signal: AbortSignal) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const signal = callSignal(call);
    f(call.request, signal).then(
      (res) => {
        if (!signal.aborted) callback(null, res);
      },
      (e: unknown) => {
        if (!signal.aborted) callback(toConcurrencyError(ctx, e));
      },
    );
  };
}

/** A child of `parent`: aborted with it, or on its own by abort(). dispose() unhooks it. */
function childSignal(parent: AbortSignal): { signal: AbortSignal; abort(): void; dispose(): void } {
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  if (parent.aborted) ac.abort();
  else parent.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ac.signal,
    abort: () => ac.abort(),
    dispose: () => parent.removeEventListener('abort', onAbort),
  };
}

export function concatBytes(...parts: (Uint8Array | string)[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The prefix of a lock or election: its name and a slash. */
export const prefixOf = (name: Uint8Array): Uint8Array => concatBytes(name, '/');

/** A contender's key: the prefix and its lease id in lowercase hex (Go's %x of the int64). */
export const contenderKey = (prefix: Uint8Array, lease: bigint): Uint8Array => concatBytes(prefix, lease.toString(16));

/** The key under the prefix with the lowest create revision: the holder or leader. */
export function firstCreate(prefix: Uint8Array): R.RangeRequest {
  return { key: prefix, rangeEnd: prefixEnd(prefix), sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 1 };
}

/** The key under the prefix with the highest create revision not above maxCreateRevision. */
function lastCreateUpTo(prefix: Uint8Array, maxCreateRevision: number): R.RangeRequest {
  return { key: prefix, rangeEnd: prefixEnd(prefix), sortTarget: 'CREATE', sortOrder: 'DESCEND', limit: 1, maxCreateRevision };
}

/**
 * The lease a request's session uses: its own, or (lease 0) a new one of 60 s that nobody renews,
 * which is what etcd's concurrency.NewSession does for the server.
 */
export async function sessionLease(m: Member, lease: bigint): Promise<bigint> {
  if (lease !== 0n) return lease;
  const r = await m.write({ leaseGrant: { id: m.newLeaseId(), ttl: DEFAULT_SESSION_TTL } });
  if (!('leaseGrant' in r)) throw new Error('internal: wrong response kind');
  return r.leaseGrant.id;
}

export async function txn(m: Member, t: R.TxnRequest): Promise<R.TxnResponse> {
  const r = await m.write({ txn: t });
  if (!('txn' in r)) throw new Error('internal: wrong response kind');
  return r.txn;
}

export function rangeOf(op: R.ResponseOp | undefined): R.RangeResponse {
  if (!op || !('range' in op)) throw new Error('internal: expected a range response');
  return op.range;
}

/** compare(create_revision(key) == rev) */
export const createRevisionIs = (key: Uint8Array, rev: number): R.Compare => ({ target: 'CREATE', result: 'EQUAL', key, number: rev });

/** Delete a contender's key after the call ended; failures are only logged (as etcd ignores them). */
export function cleanUp(ctx: ServiceContext, what: Promise<unknown>): void {
  what.catch((e: unknown) => ctx.logger.warn({ err: e }, 'lock/election: cleaning up a contender key failed'));
}

/**
 * Watch from `opts.startRevision` until `onEvent` says stop (returns true). Events arrive as the
 * member applies them (history first, if the start revision is behind). Rejects with
 * CallEndedError when the signal fires, with etcd's compaction error if history is gone.
 */
export function watchUntil(
  m: Member,
  opts: WatchOptions,
  signal: AbortSignal,
  onEvent: (e: WatchEvent, revision: number) => boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(new CallEndedError());
      return;
    }
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      m.hub.cancel(watcher);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => finish(new CallEndedError());
    signal.addEventListener('abort', onAbort, { once: true });
    const watcher = m.hub.watch(opts, {
      offer: (_w, events, revision) => {
        for (const e of events) {
          if (finished) break;
          if (onEvent(e, revision)) finish();
        }
        return true;
      },
      compacted: () => finish(Errors.compacted()),
    });
    // Behind the current revision (the store moved since our read): catch up from history now
    // rather than at the hub's next periodic pass.
    if (!watcher.synced) m.hub.syncWatchers();
  });
}

/** Resolves once `key` is deleted at or after `fromRevision` (etcd's waitDelete). */
export function waitDelete(m: Member, key: Uint8Array, fromRevision: number, signal: AbortSignal): Promise<void> {
  return watchUntil(m, { key, startRevision: fromRevision, noPut: true }, signal, (e) => e.type === 'delete');
}

/**
 * etcd's waitDeletes: until no key under the prefix has a create revision <= maxCreateRevision,
 * wait for the deletion of the newest such key (the contender just ahead), then look again.
 * Returns the revision of the read that found none.
 */
export async function waitDeletes(m: Member, prefix: Uint8Array, maxCreateRevision: number, signal: AbortSignal): Promise<number> {
  for (;;) {
    if (signal.aborted) throw new CallEndedError();
    const r = await m.read(lastCreateUpTo(prefix, maxCreateRevision));
    const ahead: KeyValue | undefined = r.kvs[0];
    if (!ahead) return r.revision;
    await waitDelete(m, ahead.key, r.revision + 1, signal);
  }
}

/**
 * Wait for the contender's turn: every key under the prefix created before `myRevision` is gone.
 * Meanwhile the contender's own key is watched (from `watchOwnFrom`): if it is deleted first (its
 * lease was revoked or expired, or someone deleted it), the wait fails at once with `lost()`.
 * etcd's Mutex only notices a lost key when its turn comes (a TODO in its source); the answer
 * is the same, only sooner.
 */
export async function waitTurn(
  m: Member,
  prefix: Uint8Array,
  myKey: Uint8Array,
  myRevision: number,
  watchOwnFrom: number,
  signal: AbortSignal,
  lost: () => Error,
): Promise<number> {
  const scope = childSignal(signal);
  const ownKeyGone = waitDelete(m, myKey, watchOwnFrom, scope.signal).then(() => {
    throw lost();
  });
  const turn = waitDeletes(m, prefix, myRevision - 1, scope.signal);
  // Whichever loses the race is aborted below; its rejection is expected and ignored.
  ownKeyGone.catch(() => {});
  turn.catch(() => {});
  try {
    return await Promise.race([turn, ownKeyGone]);
  } finally {
    scope.abort();
    scope.dispose();
  }
}
