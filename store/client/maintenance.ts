// Per-member questions (Status) and cluster membership (MemberList): what an operator or a
// health check asks, as opposed to the data path in kv.ts.

import type { EtcdServices, MemberAddResponse, MemberListResponse, MemberRemoveResponse, StatusResponse } from '../server/proto/load.js';
import type { CallOptions, Connection } from './connection.js';

export class MaintenanceClient {
  constructor(
    private readonly conn: Connection,
    private readonly services: EtcdServices,
  ) {}

  /**
   * Status of one member: by default the preferred endpoint (failing over like a read);
   * pass `endpoint` to ask a particular member and no other.
   */
  status(options: CallOptions = {}): Promise<StatusResponse> {
    return this.conn.unary(this.services.Maintenance.Status, {}, 'idempotent', options);
  }
}

export class ClusterClient {
  constructor(
    private readonly conn: Connection,
    private readonly services: EtcdServices,
  ) {}

  /** `linearizable` (etcd >= 3.5) makes the member confirm the list with the leader first; 3.4 ignores it. */
  memberList(options: { linearizable?: boolean } & CallOptions = {}): Promise<MemberListResponse> {
    return this.conn.unary(this.services.Cluster.MemberList, { linearizable: options.linearizable }, 'idempotent', options);
  }

  /** etcdctl member add: the new member's record and the table it joins (its name stays empty until it starts). */
  memberAdd(peerURLs: string[], options: { isLearner?: boolean } & CallOptions = {}): Promise<MemberAddResponse> {
    return this.conn.unary(this.services.Cluster.MemberAdd, { peerURLs, isLearner: options.isLearner ?? false }, 'if-not-sent', options);
  }

  /** etcdctl member remove, by the member's id (decimal or as the server sent it). */
  memberRemove(id: string, options: CallOptions = {}): Promise<MemberRemoveResponse> {
    return this.conn.unary(this.services.Cluster.MemberRemove, { ID: id }, 'if-not-sent', options);
  }
}
