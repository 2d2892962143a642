// v3electionpb.Election: etcd's election service (etcd's v3election server over
// concurrency.Election), served from the member's own log, reads and watch hub. See
// concurrency.ts for the shared recipe.
//
// Campaign(name, lease, value): put "<name>/<lease hex>" = value with the lease if absent (a
//   contender campaigning again with the same lease keeps its place; a different value is
//   proclaimed), then wait until every key under "<name>/" created before it is gone. Answers the
//   LeaderKey {name, key, rev: the key's create revision, lease}; the header is the put's.
//   If the call ends (cancel, deadline) while waiting, the key is deleted (etcd's Resign).
//   If the key is lost while waiting (lease revoked or expired), the call fails with
//   "election: not leader". Here etcd (every version) keeps waiting and then answers as if
//   elected, with a key that no longer exists; we refuse to name a dead contender leader.
// Proclaim(leader, value): put the value if the leader key still has leader.rev as its create
//   revision, else "election: not leader".
// Leader(name): the key under "<name>/" with the lowest create revision, else "election: no leader".
// Observe(name): streams the leader: the current one (or the first put under the prefix when there
//   is none), then every new value it proclaims, and the next leader once its key is deleted.
// Resign(leader): deletes the leader key if its create revision is still leader.rev; succeeds
//   either way.
// A missing `leader` field fails with "\"leader\" field must be provided".

import type * as grpc from '@grpc/grpc-js';
import { prefixEnd } from '../../mvcc/keys.js';
import type { KeyValue } from '../../mvcc/kv.js';
import type { ElectionHandlers } from '../proto/load.js';
import type * as P from '../proto/types.js';
import { Errors } from '../state/errors.js';
import { id64, kvToWire, num } from './convert.js';
import { header, type ServiceContext } from './context.js';
import {
  bytesEqual,
  CallEndedError,
  callSignal,
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
  watchUntil,
} from './concurrency.js';

/** concurrency.ErrElectionNotLeader, ErrElectionNoLeader; v3election.ErrMissingLeaderKey */
export const ERR_NOT_LEADER = 'election: not leader';
export const ERR_NO_LEADER = 'election: no leader';
export const ERR_MISSING_LEADER_KEY = '"leader" field must be provided';

export function electionService(ctx: ServiceContext): ElectionHandlers {
  const m = ctx.member;

  const leaderKeyOf = (leader: P.LeaderKey | null): P.LeaderKey => {
    if (!leader) throw plainError(ERR_MISSING_LEADER_KEY);
    if (!leader.key || leader.key.length === 0) throw Errors.emptyKey();
    return leader;
  };

  /** Put a new value on our key if it is still the one created at `rev`. */
  const proclaim = async (key: Uint8Array, rev: number, lease: bigint, value: Uint8Array): Promise<number> => {
    const t = await txn(m, { compare: [createRevisionIs(key, rev)], success: [{ put: { key, value, lease } }], failure: [] });
    if (!t.succeeded) throw plainError(ERR_NOT_LEADER);
    return t.revision;
  };

  /** Delete our key if it is still the one created at `rev`. */
  const resign = async (key: Uint8Array, rev: number): Promise<number> => {
    const t = await txn(m, { compare: [createRevisionIs(key, rev)], success: [{ deleteRange: { key } }], failure: [] });
    return t.revision;
  };

  const campaign = async (req: P.CampaignRequest, signal: AbortSignal): Promise<P.Input<P.CampaignResponse>> => {
    const lease = await sessionLease(m, id64(req.lease));
    const prefix = prefixOf(req.name);
    const key = contenderKey(prefix, lease);
    const t = await txn(m, {
      compare: [createRevisionIs(key, 0)],
      success: [{ put: { key, value: req.value, lease } }],
      failure: [{ range: { key } }],
    });
    let rev = t.revision;
    if (!t.succeeded) {
      const kv = rangeOf(t.responses[0]).kvs[0]!;
      rev = kv.createRevision;
      if (!bytesEqual(kv.value, req.value)) {
        try {
          await proclaim(key, rev, lease, req.value);
        } catch (e) {
          await resign(key, rev).catch(() => {});
          throw e;
        }
      }
    }
    try {
      await waitTurn(m, prefix, key, rev, t.revision + 1, signal, () => plainError(ERR_NOT_LEADER));
    } catch (e) {
      if (e instanceof CallEndedError) cleanUp(ctx, resign(key, rev));
      throw e;
    }
    if (signal.aborted) cleanUp(ctx, resign(key, rev));
    return { header: header(ctx, t.revision), leader: { name: req.name, key, rev: String(rev), lease: lease.toString() } };
  };

  const observe = (call: grpc.ServerWritableStream<P.LeaderRequest, P.Input<P.LeaderResponse>>): void => {
    const signal = callSignal(call);
    const prefix = prefixOf(call.request.name);
    const send = (kv: KeyValue, revision: number) => {
      if (!signal.aborted) call.write({ header: header(ctx, revision), kv: kvToWire(kv) });
    };
    const run = async () => {
      while (!signal.aborted) {
        const r = await m.read(firstCreate(prefix));
        let leader = r.kvs[0];
        let revision = r.revision;
        if (!leader) {
          // No leader: the first key put under the prefix is the next one.
          await watchUntil(m, { key: prefix, rangeEnd: prefixEnd(prefix), startRevision: r.revision + 1, noDelete: true }, signal, (e) => {
            leader = e.kv;
            revision = e.kv.modRevision;
            return true;
          });
        }
        send(leader!, revision);
        // Follow the leader's key: each new value is news; its deletion means a new leader.
        await watchUntil(m, { key: leader!.key, startRevision: revision + 1 }, signal, (e, rev) => {
          if (e.type === 'delete') return true;
          send(e.kv, rev);
          return false;
        });
      }
    };
    run().then(
      () => {},
      (e: unknown) => {
        if (e instanceof CallEndedError || signal.aborted) return;
        // etcd's observer just stops on a failed read or watch, and the stream ends without error.
        ctx.logger.warn({ err: e }, 'election observe stopped');
        call.end();
      },
    );
  };

  return {
    Campaign: waitingUnary(ctx, campaign),
    Proclaim: waitingUnary(ctx, async (req: P.ProclaimRequest) => {
      const leader = leaderKeyOf(req.leader);
      const lease = await sessionLease(m, id64(leader.lease));
      const rev = await proclaim(leader.key, num(leader.rev), lease, req.value);
      return { header: header(ctx, rev) };
    }),
    Leader: waitingUnary(ctx, async (req: P.LeaderRequest) => {
      const r = await m.read(firstCreate(prefixOf(req.name)));
      const kv = r.kvs[0];
      if (!kv) throw plainError(ERR_NO_LEADER);
      return { header: header(ctx, r.revision), kv: kvToWire(kv) };
    }),
    Observe: observe,
    Resign: waitingUnary(ctx, async (req: P.ResignRequest) => {
      const leader = leaderKeyOf(req.leader);
      return { header: header(ctx, await resign(leader.key, num(leader.rev))) };
    }),
  };
}
