// Lease keep-alives and TTL queries are the leader's business (only it knows when leases expire),
// and so is promoting a learner (only it knows how far the learner is).
// A follower that receives one forwards it to the leader's client URL over gRPC, as etcd forwards
// them over its peer API, and relays the answer.

import * as grpc from '@grpc/grpc-js';
import { loadEtcdServices } from '../proto/load.js';
import type * as P from '../proto/types.js';
import { EtcdError, Errors } from '../state/errors.js';
import type { ServiceContext } from './context.js';

export class LeaderForwarder {
  private clients = new Map<string, grpc.Client>();

  constructor(private readonly ctx: ServiceContext) {}

  private client(): grpc.Client {
    const leader = this.ctx.member.leaderMember();
    const url = leader?.clientUrls[0];
    if (!leader || !url) throw Errors.noLeader();
    const target = new URL(url).host;
    let c = this.clients.get(target);
    if (!c) {
      c = new grpc.Client(target, grpc.credentials.createInsecure());
      this.clients.set(target, c);
    }
    return c;
  }

  timeToLive(req: P.LeaseTimeToLiveRequest): Promise<P.LeaseTimeToLiveResponse> {
    const def = loadEtcdServices().Lease.LeaseTimeToLive;
    const client = this.client();
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, req, { deadline: Date.now() + 5000 }, (err, res) => {
        if (err || !res) reject(err ? new EtcdError(err.code, err.details) : Errors.timeout());
        else resolve(res);
      });
    });
  }

  /** MemberPromote decided by the leader (only it knows how far the learner is). */
  memberPromote(id: bigint): Promise<void> {
    const def = loadEtcdServices().Cluster.MemberPromote;
    const client = this.client();
    const req: P.MemberPromoteRequest = { ID: id.toString() };
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, req, { deadline: Date.now() + 5000 }, (err) => {
        if (err) reject(new EtcdError(err.code, err.details));
        else resolve();
      });
    });
  }

  /** One renewal through a short-lived stream to the leader. */
  keepAliveOnce(id: string): Promise<P.LeaseKeepAliveResponse> {
    const def = loadEtcdServices().Lease.LeaseKeepAlive;
    const client = this.client();
    return new Promise((resolve, reject) => {
      const stream = client.makeBidiStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, { deadline: Date.now() + 5000 });
      stream.once('data', (res: P.LeaseKeepAliveResponse) => {
        resolve(res);
        stream.end();
      });
      stream.once('error', (err: grpc.ServiceError) => reject(new EtcdError(err.code, err.details)));
      stream.write({ ID: id });
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
