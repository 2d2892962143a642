// Lease calls, and keepAlive: a managed LeaseKeepAlive stream per kept lease that renews
// at a third of the TTL, survives stream breaks by reconnecting (to another endpoint if
// needed), and reports the lease as lost when the server says it is gone or when its TTL
// runs out before a renewal got through.

import type { ClientDuplexStream } from '@grpc/grpc-js';
import type {
  EtcdServices,
  Input,
  Int64,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
} from '../server/proto/load.js';
import { Backoff, isFatalStreamError, type CallOptions, type Connection } from './connection.js';
import {
  Code,
  ETCD_ERRORS,
  LeaseLostError,
  LeaseNotFoundError,
  UnavailableError,
  toEtcdError,
  type EtcdError,
} from './errors.js';

export class LeaseClient {
  /** Live keepalives, so that closing the client stops them quietly instead of reporting loss. */
  private readonly keepAlives = new Set<KeepAlive>();

  constructor(
    private readonly conn: Connection,
    private readonly services: EtcdServices,
  ) {}

  /** A new lease of `ttlSeconds`; `id` '0' or absent lets the server choose the id. */
  grant(ttlSeconds: number, options: { id?: Int64 } & CallOptions = {}): Promise<LeaseGrantResponse> {
    return this.conn.unary(this.services.Lease.LeaseGrant, { TTL: String(ttlSeconds), ID: options.id }, 'if-not-sent', options);
  }

  /** Ends the lease now and deletes every key bound to it. */
  revoke(id: Int64, options: CallOptions = {}): Promise<LeaseRevokeResponse> {
    return this.conn.unary(this.services.Lease.LeaseRevoke, { ID: id }, 'if-not-sent', options);
  }

  /** Remaining TTL (-1 if the lease does not exist) and, with `keys`, the keys bound to it. */
  timeToLive(id: Int64, options: { keys?: boolean } & CallOptions = {}): Promise<LeaseTimeToLiveResponse> {
    return this.conn.unary(this.services.Lease.LeaseTimeToLive, { ID: id, keys: options.keys }, 'idempotent', options);
  }

  leases(options: CallOptions = {}): Promise<LeaseLeasesResponse> {
    return this.conn.unary(this.services.Lease.LeaseLeases, {}, 'idempotent', options);
  }

  /**
   * Keeps `id` alive until `close()` or until the lease is lost. Resolves after the first
   * renewal; rejects with LeaseNotFoundError if the lease does not exist, or with the
   * connection error if no endpoint answered within the call timeout.
   */
  async keepAlive(id: Int64, options: { onLost?: (err: LeaseLostError) => void } & CallOptions = {}): Promise<KeepAlive> {
    const ka = new KeepAlive(this.conn, this.services, id, options.onLost);
    this.keepAlives.add(ka);
    void ka.closed.then(() => this.keepAlives.delete(ka));
    await ka.started(options.timeoutMs ?? this.conn.callTimeoutMs);
    return ka;
  }

  /** Stops every keepalive (the client is closing). */
  closeAll(): void {
    for (const ka of this.keepAlives) ka.close();
  }
}

export class KeepAlive {
  /** TTL in seconds granted by the latest renewal. TTLs are small, so a number is exact. */
  ttl = 0;
  /** Time (ms since epoch) at which the lease expires unless renewed again, as far as we can tell. */
  expiresAt = 0;
  /** Settles when renewals stop: with the error if the lease was lost, undefined after close(). */
  readonly closed: Promise<LeaseLostError | undefined>;

  private call: ClientDuplexStream<Input<LeaseKeepAliveRequest>, LeaseKeepAliveResponse> | undefined;
  private callIndex = 0;
  private renewTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** When the renewal in flight was sent: the new TTL counts from then, not from its answer. */
  private sentAt = 0;
  private stopped = false;
  private readonly backoff = new Backoff();
  private settle!: (err: LeaseLostError | undefined) => void;
  private firstRenewal: { resolve: () => void; reject: (err: EtcdError) => void } | undefined;
  private lastError: EtcdError | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly services: EtcdServices,
    readonly id: Int64,
    private readonly onLost: ((err: LeaseLostError) => void) | undefined,
  ) {
    this.closed = new Promise((resolve) => (this.settle = resolve));
  }

  /** Opens the stream and waits for the first answer. */
  started(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const err = this.lastError ?? new UnavailableError(Code.UNAVAILABLE, `no answer to keepalive of lease ${this.id}`);
        this.stop(undefined);
        reject(err);
      }, timeoutMs);
      this.firstRenewal = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (err) => (clearTimeout(timer), reject(err)),
      };
      this.connect();
    });
  }

  /** Stops renewing. The lease itself lives on until its TTL runs out (revoke it to end it now). */
  close(): void {
    this.stop(undefined);
  }

  private connect(): void {
    if (this.stopped) return;
    let opened;
    try {
      opened = this.conn.openStream(this.services.Lease.LeaseKeepAlive);
    } catch (e) {
      this.fail(toEtcdError(e));
      return;
    }
    const { call, index } = opened;
    this.call = call;
    this.callIndex = index;
    let ended = false;
    const end = (err: EtcdError | undefined): void => {
      if (ended) return;
      ended = true;
      if (this.call === call) this.onStreamEnd(err);
    };
    call.on('data', (resp: LeaseKeepAliveResponse) => this.onResponse(resp));
    call.on('error', (e) => end(toEtcdError(e, { method: this.services.Lease.LeaseKeepAlive.path, endpoint: opened.target })));
    call.on('end', () => end(undefined));
    this.send();
  }

  private send(): void {
    clearTimeout(this.renewTimer);
    if (!this.call || this.stopped) return;
    this.sentAt = Date.now();
    this.call.write({ ID: this.id });
  }

  private onResponse(resp: LeaseKeepAliveResponse): void {
    if (this.stopped || resp.ID !== this.id) return;
    this.backoff.reset();
    const ttl = Number(resp.TTL);
    if (ttl <= 0) {
      // etcd answers a renewal of an unknown lease with TTL 0 rather than an error.
      if (this.firstRenewal) {
        const first = this.firstRenewal;
        this.stop(undefined);
        first.reject(
          new LeaseNotFoundError(ETCD_ERRORS.LeaseNotFound.code, ETCD_ERRORS.LeaseNotFound.message, {
            method: this.services.Lease.LeaseKeepAlive.path,
          }),
        );
      } else {
        this.lose(ETCD_ERRORS.LeaseNotFound.message);
      }
      return;
    }
    this.ttl = ttl;
    this.expiresAt = this.sentAt + ttl * 1000;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => this.lose(`lease ${this.id} expired before it could be renewed`), this.expiresAt - Date.now());
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => this.send(), Math.max(500, (ttl * 1000) / 3));
    const first = this.firstRenewal;
    this.firstRenewal = undefined;
    first?.resolve();
  }

  private onStreamEnd(err: EtcdError | undefined): void {
    this.call = undefined;
    clearTimeout(this.renewTimer);
    if (this.stopped) return;
    if (err) this.lastError = err;
    if (err && isFatalStreamError(err.code)) {
      this.fail(err);
      return;
    }
    // Reconnect, preferably elsewhere; the expiry timer keeps running meanwhile, so a lease
    // that cannot be renewed in time is reported lost even while we keep trying.
    this.conn.failover(this.callIndex);
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.delay());
  }

  private fail(err: EtcdError): void {
    if (this.firstRenewal) {
      const first = this.firstRenewal;
      this.stop(undefined);
      first.reject(err);
    } else {
      this.lose(err.message, err.code);
    }
  }

  private lose(message: string, code?: Code): void {
    if (this.stopped) return;
    const err = new LeaseLostError(this.id, message, code);
    this.stop(err);
    this.onLost?.(err);
  }

  private stop(err: LeaseLostError | undefined): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.renewTimer);
    clearTimeout(this.expiryTimer);
    clearTimeout(this.reconnectTimer);
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.firstRenewal = undefined;
    this.settle(err);
  }
}
