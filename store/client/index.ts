// kube-lite's etcd v3 client: a small typed client on grpc-js that speaks to kube-lite's
// store and to a real etcd alike. It covers what the apiserver needs (kv, watch, leases)
// plus the status and member list that health checks and tools ask for.
//
//   const etcd = new EtcdClient({ endpoints: 'http://127.0.0.1:2379,http://127.0.0.1:22379' });
//   await etcd.kv.put('/registry/pods/default/a', json);
//   const w = etcd.watch('/registry/pods/', { prefix: true, startRevision: '42' });
//   for await (const batch of w) { ... }
//   etcd.close();

import { loadEtcdServices } from '../server/proto/load.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { KVClient } from './kv.js';
import { LeaseClient } from './lease.js';
import { ClusterClient, MaintenanceClient } from './maintenance.js';
import type { Bytes, WatchOptions } from './ops.js';
import { WatchClient, type Watcher } from './watch.js';

export type EtcdClientOptions = ConnectionOptions;

export class EtcdClient {
  readonly kv: KVClient;
  readonly lease: LeaseClient;
  readonly maintenance: MaintenanceClient;
  readonly cluster: ClusterClient;
  /** The watch stream shared by every watcher of this client. */
  readonly watches: WatchClient;
  private readonly conn: Connection;

  constructor(options: EtcdClientOptions) {
    const services = loadEtcdServices();
    this.conn = new Connection(options);
    this.kv = new KVClient(this.conn, services);
    this.lease = new LeaseClient(this.conn, services);
    this.maintenance = new MaintenanceClient(this.conn, services);
    this.cluster = new ClusterClient(this.conn, services);
    this.watches = new WatchClient(this.conn, services);
  }

  /** See WatchClient.watch. */
  watch(key: Bytes, options?: WatchOptions): Watcher {
    return this.watches.watch(key, options);
  }

  /** host:port the client currently sends to. */
  get currentEndpoint(): string {
    return this.conn.currentTarget;
  }

  /** Ends every watcher (with ClientClosedError) and closes all connections. Keepalives stop with them. */
  close(): void {
    this.lease.closeAll();
    this.watches.close();
    this.conn.close();
  }
}

export { Connection, parseEndpoints } from './connection.js';
export type { CallOptions, ConnectionOptions, Retry } from './connection.js';
export { KVClient } from './kv.js';
export { LeaseClient, KeepAlive } from './lease.js';
export { MaintenanceClient, ClusterClient } from './maintenance.js';
export { WatchClient, Watcher, type WatchBatch } from './watch.js';
export { cmp, op, prefixEnd, toBuffer } from './ops.js';
export type { Bytes, KeyRange, RangeOptions, PutOptions, DeleteOptions, WatchOptions } from './ops.js';
export * from './errors.js';
// The message shapes (KeyValue, Event, RangeResponse, ...) as decoded.
export type * from '../server/proto/types.js';
