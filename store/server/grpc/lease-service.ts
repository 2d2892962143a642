// etcdserverpb.Lease: grants and revocations go through the log; keep-alives and TTL queries are
// answered by the leader (forwarded there by followers), since only the leader tracks expiry.

import type * as grpc from '@grpc/grpc-js';
import { LeaseNotFoundError, NotPrimaryError } from '../../lease/lessor.js';
import type { LeaseHandlers } from '../proto/load.js';
import type * as P from '../proto/types.js';
import { id64, num } from './convert.js';
import { header, toServiceError, unary, type ServiceContext } from './context.js';
import { LeaderForwarder } from './leader-forward.js';

export function leaseService(ctx: ServiceContext, forwarder: LeaderForwarder): LeaseHandlers {
  const m = ctx.member;

  const renew = async (id: bigint): Promise<P.Input<P.LeaseKeepAliveResponse>> => {
    if (m.isLeader()) {
      try {
        return { header: header(ctx), ID: id.toString(), TTL: String(m.lessor.renew(id)) };
      } catch (e) {
        // etcd answers a keep-alive for an unknown (or expired) lease with TTL 0, not an error.
        if (e instanceof LeaseNotFoundError) return { header: header(ctx), ID: id.toString(), TTL: '0' };
        if (!(e instanceof NotPrimaryError)) throw e;
      }
    }
    const res = await forwarder.keepAliveOnce(id.toString());
    return { header: header(ctx), ID: res.ID, TTL: res.TTL };
  };

  return {
    LeaseGrant: unary(ctx, async (req: P.LeaseGrantRequest) => {
      const id = id64(req.ID) || m.newLeaseId();
      const r = await m.write({ leaseGrant: { id, ttl: num(req.TTL) } });
      if (!('leaseGrant' in r)) throw new Error('internal: wrong response kind');
      return { header: header(ctx, r.leaseGrant.revision), ID: r.leaseGrant.id.toString(), TTL: String(r.leaseGrant.ttl), error: '' };
    }),
    LeaseRevoke: unary(ctx, async (req: P.LeaseRevokeRequest) => {
      const r = await m.write({ leaseRevoke: { id: id64(req.ID) } });
      if (!('leaseRevoke' in r)) throw new Error('internal: wrong response kind');
      return { header: header(ctx, r.leaseRevoke.revision) };
    }),
    LeaseKeepAlive: (call: grpc.ServerDuplexStream<P.LeaseKeepAliveRequest, P.Input<P.LeaseKeepAliveResponse>>) => {
      // Answers go back in request order, one per request.
      let chain = Promise.resolve();
      call.on('data', (req: P.LeaseKeepAliveRequest) => {
        chain = chain.then(async () => {
          try {
            call.write(await renew(id64(req.ID)));
          } catch (e) {
            call.destroy(Object.assign(new Error('keepalive failed'), toServiceError(ctx, e)));
          }
        });
      });
      call.on('end', () => void chain.then(() => call.end()));
      call.on('error', () => {});
    },
    LeaseTimeToLive: unary(ctx, async (req: P.LeaseTimeToLiveRequest) => {
      if (!m.isLeader()) {
        const res = await forwarder.timeToLive(req);
        return { ...res, header: header(ctx) };
      }
      const lease = m.lessor.lookup(id64(req.ID));
      const remaining = lease ? lease.remainingSeconds(Date.now()) : -1;
      if (!lease || remaining < 0) return { header: header(ctx), ID: req.ID, TTL: '-1', grantedTTL: '0', keys: [] };
      const keys = req.keys ? [...lease.keys].sort().map((k) => Buffer.from(k, 'latin1')) : [];
      return { header: header(ctx), ID: req.ID, TTL: String(remaining), grantedTTL: String(lease.ttl), keys };
    }),
    // etcd's lessor lists leases by expiry, soonest first (leasesByExpiry); our list() is by id
    // (it feeds snapshots, which must be deterministic), so sort a copy here. The sort is stable:
    // equal expiries (followers: never) stay in id order.
    LeaseLeases: unary(ctx, async () => ({
      header: header(ctx),
      leases: [...m.lessor.list()].sort((a, b) => (a.expiry === b.expiry ? 0 : a.expiry < b.expiry ? -1 : 1)).map((l) => ({ ID: l.id.toString() })),
    })),
  };
}
