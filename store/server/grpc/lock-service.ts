// v3lockpb.Lock: etcd's lock service (etcd's v3lock server over concurrency.Mutex), served from
// the member's own log, reads and watch hub. See concurrency.ts for the shared recipe.
//
// Lock(name, lease): put "<name>/<lease hex>" with the lease if absent (a second Lock with the same
// lease reuses the key and its place in line), then wait until every key under "<name>/" created
// before it is deleted. Answers the key, which the caller holds until it is deleted (Unlock, or
// the lease ends). Lease 0 gets a new 60 s lease that nobody renews, as in etcd.
// If the call ends (client cancel or deadline) or the wait fails, the key is deleted again, unless
// another call on this member still stands in line with the same key (same lease).
// If the key is lost while waiting (its lease revoked or expired), the call fails with
// "mutex: session is expired" (etcd >= 3.5.8 says the same, but only once its turn comes; 3.4
// answers with the lost key as if it were held).
//
// Unlock(key): deletes the key, whatever it is (etcd does not check it is a lock key).

import type { LockHandlers } from '../proto/load.js';
import type * as P from '../proto/types.js';
import { Errors } from '../state/errors.js';
import { id64 } from './convert.js';
import { header, type ServiceContext } from './context.js';
import {
  cleanUp,
  contenderKey,
  createRevisionIs,
  firstCreate,
  plainError,
  prefixOf,
  rangeOf,
  sessionLease,
  txn,
  waitingUnary,
  waitTurn,
} from './concurrency.js';

/** concurrency.ErrSessionExpired */
export const ERR_SESSION_EXPIRED = 'mutex: session is expired';

export function lockService(ctx: ServiceContext): LockHandlers {
  const m = ctx.member;
  // Calls on this member using each contender key: a Lock with the same lease reuses the key, so a
  // call that gives up must not delete it while another call still stands in line with it.
  const users = new Map<string, number>();
  const keyId = (k: Uint8Array) => Buffer.from(k).toString('latin1');
  /** Called by a call that is itself still counted: delete only if no other call uses the key. */
  const releaseIfAlone = (myKey: Uint8Array) => {
    if ((users.get(keyId(myKey)) ?? 0) <= 1) cleanUp(ctx, m.write({ deleteRange: { key: myKey } }));
  };

  const lock = async (req: P.LockRequest, signal: AbortSignal): Promise<P.Input<P.LockResponse>> => {
    const lease = await sessionLease(m, id64(req.lease));
    const prefix = prefixOf(req.name);
    const myKey = contenderKey(prefix, lease);
    const id = keyId(myKey);
    users.set(id, (users.get(id) ?? 0) + 1);
    try {
      return await lockWith(prefix, myKey, lease, signal);
    } finally {
      const left = (users.get(id) ?? 1) - 1;
      if (left === 0) users.delete(id);
      else users.set(id, left);
    }
  };

  const lockWith = async (prefix: Uint8Array, myKey: Uint8Array, lease: bigint, signal: AbortSignal): Promise<P.Input<P.LockResponse>> => {
    const t = await txn(m, {
      compare: [createRevisionIs(myKey, 0)],
      success: [{ put: { key: myKey, value: new Uint8Array(0), lease } }, { range: firstCreate(prefix) }],
      failure: [{ range: { key: myKey } }, { range: firstCreate(prefix) }],
    });
    // Our place in line: the creation of our key, now or by an earlier Lock with this lease.
    const myRevision = t.succeeded ? t.revision : rangeOf(t.responses[0]).kvs[0]!.createRevision;
    const owner = rangeOf(t.responses[1]).kvs[0];
    if (!owner || owner.createRevision === myRevision) {
      // Nobody will learn of a key created for a call that ended meanwhile: do not leave it held.
      if (signal.aborted && t.succeeded) releaseIfAlone(myKey);
      return { header: header(ctx, t.revision), key: myKey };
    }

    const lost = () => plainError(ERR_SESSION_EXPIRED);
    try {
      await waitTurn(m, prefix, myKey, myRevision, t.revision + 1, signal, lost);
    } catch (e) {
      // Give up our place (etcd's Mutex.Unlock on a failed wait); a lost key is gone already.
      if (!(e instanceof Error && e.message === ERR_SESSION_EXPIRED)) releaseIfAlone(myKey);
      throw e;
    }
    // Our turn: make sure the key is still ours (it may have gone with the last one ahead).
    const g = await m.read({ key: myKey });
    if (g.kvs.length === 0) throw lost();
    if (signal.aborted) releaseIfAlone(myKey);
    return { header: header(ctx, g.revision), key: myKey };
  };

  return {
    Lock: waitingUnary(ctx, lock),
    Unlock: waitingUnary(ctx, async (req: P.UnlockRequest) => {
      if (!req.key || req.key.length === 0) throw Errors.emptyKey();
      const r = await m.write({ deleteRange: { key: req.key } });
      if (!('deleteRange' in r)) throw new Error('internal: wrong response kind');
      return { header: header(ctx, r.deleteRange.revision) };
    }),
  };
}
