// The client's transport: one gRPC channel per endpoint, a preferred endpoint, and the
// rules for moving to another one. Everything above (kv, lease, watch, ...) goes through
// `unary` or `openStream` and never touches grpc-js channels itself.

import * as grpc from '@grpc/grpc-js';
import type { EtcdMethod, Input } from '../server/proto/load.js';
import { ClientClosedError, Code, EtcdError, toEtcdError, ETCD_ERRORS } from './errors.js';

export interface ConnectionOptions {
  /** Comma-separated `http://host:port` URLs (or an array of them). Plain `host:port` is accepted too. */
  endpoints: string | readonly string[];
  /** Deadline of each unary call, unless the call sets its own. Default 5000 ms. */
  callTimeoutMs?: number;
  /** Extra grpc-js channel options (merged over ours). */
  channelOptions?: Partial<grpc.ChannelOptions>;
}

export interface CallOptions {
  /** Deadline for this call, retries included. */
  timeoutMs?: number;
  /**
   * Send to this endpoint only (one of the configured URLs), without failover.
   * For per-member questions such as Status.
   */
  endpoint?: string;
}

/** How a unary call may be retried on another endpoint when it fails with UNAVAILABLE. */
export type Retry =
  /** Reads: the same request again gives the same kind of answer, so always retry. */
  | 'idempotent'
  /** Writes: retry only when the request provably never reached a server (else it may have been applied). */
  | 'if-not-sent';

const DEFAULT_CALL_TIMEOUT_MS = 5000;
const MAX_BACKOFF_MS = 1000;

// Why these channel options:
// - no receive limit: a watch response or a range carries many objects of up to 1.5 MiB
//   each; grpc-js's default 4 MiB cap would fail them (clientv3 lifts it too);
// - keepalive pings every 30 s detect a silently dead connection (a member frozen or
//   partitioned) even while a watch stream is idle; etcd allows pings every 5 s;
// - short reconnect backoff so a restarted member is picked up within a second instead of
//   grpc-js's default exponential backoff of up to two minutes.
const BASE_CHANNEL_OPTIONS: Partial<grpc.ChannelOptions> = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

/** `http://127.0.0.1:2379` -> `127.0.0.1:2379`. TLS is not supported yet, so https is refused loudly. */
export function parseEndpoints(endpoints: string | readonly string[]): string[] {
  const list = (typeof endpoints === 'string' ? endpoints.split(',') : [...endpoints]).map((e) => e.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('etcd client: no endpoints given');
  return list.map((e) => {
    if (!e.includes('://')) return e;
    const url = new URL(e);
    if (url.protocol !== 'http:') throw new Error(`etcd client: unsupported endpoint ${e} (only http:// for now)`);
    if (!url.port) throw new Error(`etcd client: endpoint ${e} has no port`);
    return url.host;
  });
}

/** A request that failed this way was never written to any server, so even a write may be retried. */
function provablyNotSent(err: EtcdError): boolean {
  return (
    err.message.startsWith('No connection established') || // grpc-js: no transport to send on
    err.message === ETCD_ERRORS.NoLeader.message || // etcd refuses before proposing
    err.message === ETCD_ERRORS.NotSupportedForLearner.message
  );
}

/** Not unref'd: a caller awaiting a retried call must keep the process alive until it settles. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Connection {
  /** host:port of each endpoint, in the order given. */
  readonly targets: readonly string[];
  readonly callTimeoutMs: number;
  private readonly channels: (grpc.Client | undefined)[];
  private readonly channelOptions: Partial<grpc.ChannelOptions>;
  private preferred = 0;
  private closed = false;

  constructor(options: ConnectionOptions) {
    this.targets = parseEndpoints(options.endpoints);
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.channels = this.targets.map(() => undefined);
    this.channelOptions = { ...BASE_CHANNEL_OPTIONS, ...options.channelOptions };
  }

  /** The endpoint new calls and streams go to. */
  get currentTarget(): string {
    return this.targets[this.preferred]!;
  }

  /** Channels are created lazily: an endpoint that is never needed is never dialled. */
  private channel(index: number): grpc.Client {
    if (this.closed) throw new ClientClosedError();
    let ch = this.channels[index];
    if (!ch) {
      ch = new grpc.Client(this.targets[index]!, grpc.credentials.createInsecure(), this.channelOptions);
      this.channels[index] = ch;
    }
    return ch;
  }

  /**
   * The endpoint at `index` failed: prefer the next one. Only moves if nobody moved already,
   * so that many calls failing on the same endpoint at once advance it by one, not by many.
   */
  failover(index: number): void {
    if (this.preferred === index && this.targets.length > 1) this.preferred = (index + 1) % this.targets.length;
  }

  /**
   * One unary call with a deadline covering all attempts. On UNAVAILABLE the next endpoint
   * becomes preferred and, if `retry` allows it, the call is sent again; after a full round of
   * failures it waits (100 ms doubling up to 1 s) and goes round again until the deadline.
   */
  async unary<Req, Res>(method: EtcdMethod<Req, Res>, request: Input<Req>, retry: Retry, options: CallOptions = {}): Promise<Res> {
    const deadline = Date.now() + (options.timeoutMs ?? this.callTimeoutMs);
    const pinned = options.endpoint === undefined ? undefined : this.indexOf(options.endpoint);
    let backoff = 100;
    let failuresThisRound = 0;
    for (;;) {
      const index = pinned ?? this.preferred;
      try {
        return await this.callOnce(method, request, index, deadline);
      } catch (e) {
        const err = toEtcdError(e, { method: method.path, endpoint: this.targets[index] });
        if (this.closed) throw new ClientClosedError();
        if (err.code !== Code.UNAVAILABLE || pinned !== undefined) throw err;
        this.failover(index);
        if (retry === 'if-not-sent' && !provablyNotSent(err)) throw err;
        if (++failuresThisRound >= this.targets.length) {
          failuresThisRound = 0;
          if (Date.now() + backoff >= deadline) throw err;
          await sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
        if (Date.now() >= deadline) throw err;
      }
    }
  }

  private callOnce<Req, Res>(method: EtcdMethod<Req, Res>, request: Input<Req>, index: number, deadline: number): Promise<Res> {
    const channel = this.channel(index);
    return new Promise<Res>((resolve, reject) => {
      channel.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        new grpc.Metadata(),
        { deadline },
        (err, res) => (err || res === undefined ? reject(err ?? new Error('empty response')) : resolve(res)),
      );
    });
  }

  /**
   * Opens a long-lived stream (watch, keepalive) on the preferred endpoint. The caller owns
   * reconnection: on failure it calls `failover(stream.index)` and opens again.
   */
  openStream<Req, Res>(
    method: EtcdMethod<Req, Res>,
    metadata: Record<string, string> = {},
  ): { call: grpc.ClientDuplexStream<Input<Req>, Res>; index: number; target: string } {
    const index = this.preferred;
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(metadata)) md.set(k, v);
    const call = this.channel(index).makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, md, {});
    return { call, index, target: this.targets[index]! };
  }

  private indexOf(endpoint: string): number {
    const target = parseEndpoints(endpoint)[0]!;
    const index = this.targets.indexOf(target);
    if (index < 0) throw new Error(`etcd client: ${endpoint} is not one of this client's endpoints`);
    return index;
  }

  close(): void {
    this.closed = true;
    for (const ch of this.channels) ch?.close();
    this.channels.fill(undefined);
  }
}

/** Reconnection delays for long-lived streams: 100 ms doubling up to 1 s, reset after a success. */
export class Backoff {
  private next = 100;
  delay(): number {
    const d = this.next;
    this.next = Math.min(this.next * 2, MAX_BACKOFF_MS);
    return d;
  }
  reset(): void {
    this.next = 100;
  }
}

/**
 * Stream failures that another attempt (possibly on another endpoint) cannot fix: the
 * server does not implement the call, or refuses this client. Everything else (connection
 * lost, member stopping, no leader, stream reset) is worth reconnecting for.
 */
export function isFatalStreamError(code: Code): boolean {
  return (
    code === Code.UNIMPLEMENTED ||
    code === Code.PERMISSION_DENIED ||
    code === Code.UNAUTHENTICATED ||
    code === Code.INVALID_ARGUMENT
  );
}
