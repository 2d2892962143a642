// Watches: one bidirectional Watch stream carries every watcher of the client (as etcd
// intends; a stream per watcher would cost a server goroutine pair and an HTTP/2 stream each).
//
// Resumption is the point of this file. For each watcher we keep `resumeRev`, the first
// revision it has not seen for sure. When the stream breaks, every watcher is created again
// on a new stream (on another endpoint if needed) from its resumeRev, so the consumer sees
// every event exactly once, in order: no gap (we restart at the first unseen revision) and
// no duplicate (an event is dropped if its revision is not above the last one delivered).
// This relies on etcd never splitting one revision's events over two responses, which holds
// unless a watcher asks for `fragment` (we never do).
//
// Creates are sent one at a time, each after the previous one was answered, because etcd
// (before 3.4 it had no client-chosen ids) identifies the new watcher only by the order of
// its "created" answer. etcd's first watch id on a stream is 0, so ids are compared as strings,
// never tested for truthiness.

import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { EtcdServices, Event, Input, Int64, ResponseHeader, WatchRequest, WatchResponse } from '../server/proto/load.js';
import { Backoff, isFatalStreamError, type Connection } from './connection.js';
import { ClientClosedError, EtcdError, WatchCanceledError, WatchCompactedError, toEtcdError } from './errors.js';
import { toBuffer, watchCreateRequest, type Bytes, type WatchOptions } from './ops.js';

/** What a watcher yields: the events of one response, or a progress notification. */
export interface WatchBatch {
  /** In revision order; empty for a progress notification. */
  events: Event[];
  /** header.revision: the store revision when the server sent this. */
  revision: Int64;
  /** No events: the server reports that nothing in range happened up to `revision`. */
  progress: boolean;
  header: ResponseHeader | null;
}

/** Watch id etcd uses for answers that concern the whole stream (e.g. a progress request). */
const STREAM_WIDE_ID = '-1';

export class Watcher implements AsyncIterable<WatchBatch, undefined> {
  /** Resolves with header.revision of the first "created" answer; rejects if the watch is refused. */
  readonly created: Promise<Int64>;

  /** @internal the server's id on the current stream, if created there. */
  id: string | undefined;
  /** @internal first revision not yet seen for sure; undefined = "from now on" and nothing seen yet. */
  resumeRev: bigint | undefined;
  /** @internal revision of the last event delivered (0 = none). */
  lastDelivered = 0n;
  /** @internal */
  done = false;

  private readonly queue: WatchBatch[] = [];
  private error: EtcdError | undefined;
  private waiter: { resolve: (r: IteratorResult<WatchBatch, undefined>) => void; reject: (e: unknown) => void } | undefined;
  private resolveCreated!: (rev: Int64) => void;
  private rejectCreated!: (err: EtcdError) => void;
  private isCreated = false;

  constructor(
    private readonly hub: WatchClient,
    readonly key: Buffer,
    readonly options: WatchOptions,
  ) {
    this.created = new Promise<Int64>((resolve, reject) => {
      this.resolveCreated = resolve;
      this.rejectCreated = reject;
    });
    // A consumer that only iterates must not get an unhandled rejection from `created`.
    this.created.catch(() => undefined);
    if (options.startRevision !== undefined && BigInt(options.startRevision) > 0n) {
      this.resumeRev = BigInt(options.startRevision);
    }
  }

  /** Stops the watcher; pending batches are discarded and iteration ends. */
  cancel(): void {
    if (this.done) return;
    this.finish(undefined);
    this.hub.release(this);
  }

  /** @internal the server created this watcher (again). */
  onCreated(id: string, header: ResponseHeader | null): void {
    this.id = id;
    const rev = BigInt(header?.revision ?? '0');
    // A watcher "from now on" sees everything after the revision it was created at.
    if (this.resumeRev === undefined) this.resumeRev = rev + 1n;
    if (!this.isCreated) {
      this.isCreated = true;
      this.resolveCreated(rev.toString());
    }
  }

  /** @internal events (or a progress notification) for this watcher. */
  onResponse(resp: WatchResponse): void {
    if (this.done) return;
    const fresh = resp.events.filter((e) => BigInt(e.kv?.mod_revision ?? '0') > this.lastDelivered);
    if (resp.events.length > 0 && fresh.length === 0) return; // all already delivered before a resume
    if (fresh.length > 0) {
      this.lastDelivered = BigInt(fresh[fresh.length - 1]!.kv?.mod_revision ?? '0');
      this.resumeRev = this.lastDelivered + 1n;
    } else {
      // A progress notification for this watcher: etcd sends it only once the watcher has
      // caught up, through the same channel as its events, so nothing at or below it is pending.
      const rev = BigInt(resp.header?.revision ?? '0') + 1n;
      if (this.resumeRev === undefined || rev > this.resumeRev) this.resumeRev = rev;
    }
    this.push({ events: fresh, revision: resp.header?.revision ?? '0', progress: fresh.length === 0, header: resp.header });
  }

  /**
   * @internal a stream-wide progress answer. Not used to advance resumeRev: etcd 3.4 sends
   * it without waiting for watchers that are still catching up, so events at or below its
   * revision may still be on their way.
   */
  onStreamProgress(resp: WatchResponse): void {
    if (this.done) return;
    this.push({ events: [], revision: resp.header?.revision ?? '0', progress: true, header: resp.header });
  }

  /** @internal ends the watcher, with an error or cleanly. */
  finish(err: EtcdError | undefined): void {
    if (this.done) return;
    this.done = true;
    // After an error the consumer still gets what arrived before it; after a cancel, nothing.
    if (!err) this.queue.length = 0;
    this.error = err;
    if (!this.isCreated) this.rejectCreated(err ?? new WatchCanceledError('watch cancelled before it was created'));
    this.flush();
  }

  private push(batch: WatchBatch): void {
    this.queue.push(batch);
    this.flush();
  }

  private flush(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.queue.length > 0) {
      this.waiter = undefined;
      w.resolve({ value: this.queue.shift()!, done: false });
    } else if (this.done) {
      this.waiter = undefined;
      const err = this.error;
      this.error = undefined;
      if (err) w.reject(err);
      else w.resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchBatch, undefined> {
    return {
      next: () =>
        new Promise<IteratorResult<WatchBatch, undefined>>((resolve, reject) => {
          if (this.waiter) throw new Error('etcd watcher: next() called again before the previous one settled');
          this.waiter = { resolve, reject };
          this.flush();
        }),
      // `break` out of for-await cancels the watcher.
      return: async () => {
        this.cancel();
        return { value: undefined, done: true };
      },
    };
  }
}

export class WatchClient {
  private call: ClientDuplexStream<Input<WatchRequest>, WatchResponse> | undefined;
  private callIndex = 0;
  private callTarget = '';
  private readonly active = new Set<Watcher>();
  private readonly byId = new Map<string, Watcher>();
  /** Watchers waiting to be created on the current stream, in order. */
  private pending: Watcher[] = [];
  /** The create request in flight (answers come back in order). */
  private creating: Watcher | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff();
  private closed = false;

  constructor(
    private readonly conn: Connection,
    private readonly services: EtcdServices,
  ) {}

  /**
   * Watches `key` (or a range of keys, see WatchOptions). Iterate the result with
   * `for await`; it throws WatchCompactedError if the history it needs was compacted.
   */
  watch(key: Bytes, options: WatchOptions = {}): Watcher {
    if (this.closed) throw new ClientClosedError();
    const w = new Watcher(this, toBuffer(key), options);
    this.active.add(w);
    this.pending.push(w);
    this.ensureStream();
    this.pump();
    return w;
  }

  /**
   * Asks the server for a progress notification on the stream; every watcher then yields a
   * progress batch with the revision up to which the server has sent everything it knows of.
   */
  requestProgress(): void {
    if (this.active.size === 0) return;
    this.ensureStream();
    this.call?.write({ progress_request: {} });
  }

  /** @internal a watcher was cancelled by its consumer. */
  release(w: Watcher): void {
    this.active.delete(w);
    this.pending = this.pending.filter((p) => p !== w);
    // Tell the server; its "canceled" answer then removes the id. A watcher still being
    // created is cancelled when its "created" answer arrives.
    if (w.id !== undefined && this.call) this.call.write({ cancel_request: { watch_id: w.id } });
    if (this.active.size === 0) this.closeStream();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    for (const w of [...this.active]) w.finish(new ClientClosedError());
    this.active.clear();
    this.closeStream();
  }

  private ensureStream(): void {
    if (this.call || this.closed || this.reconnectTimer) return;
    let opened;
    try {
      // Like clientv3 (and so the Kubernetes apiserver): ask the server to end the stream with
      // "no leader" when its member is cut off, so that we move to a member that has one
      // instead of waiting silently on a stale one.
      opened = this.conn.openStream(this.services.Watch.Watch, { hasleader: 'true' });
    } catch (e) {
      for (const w of [...this.active]) w.finish(toEtcdError(e));
      this.active.clear();
      return;
    }
    const { call, index, target } = opened;
    this.call = call;
    this.callIndex = index;
    this.callTarget = target;
    let ended = false;
    const end = (err: EtcdError | undefined): void => {
      if (ended) return;
      ended = true;
      if (this.call === call) this.onStreamEnd(err);
    };
    call.on('data', (resp: WatchResponse) => this.onResponse(resp));
    call.on('error', (e) => end(toEtcdError(e, { method: this.services.Watch.Watch.path, endpoint: target })));
    call.on('end', () => end(undefined));
  }

  /** Sends the next create request if none is in flight. */
  private pump(): void {
    if (!this.call || this.creating) return;
    const w = this.pending.shift();
    if (!w) return;
    this.creating = w;
    this.call.write({ create_request: watchCreateRequest(w.key, w.options, w.resumeRev?.toString()) });
  }

  private onResponse(resp: WatchResponse): void {
    if (resp.created) {
      const w = this.creating;
      this.creating = undefined;
      if (w) this.onCreated(w, resp);
      this.pump();
      return;
    }
    if (resp.watch_id === STREAM_WIDE_ID) {
      for (const w of this.active) w.onStreamProgress(resp);
      return;
    }
    const w = this.byId.get(resp.watch_id);
    if (!w) return; // late answer for a watcher cancelled meanwhile
    if (resp.canceled) {
      this.byId.delete(resp.watch_id);
      this.active.delete(w);
      // A cancel we asked for finds the watcher already done; any other is an error.
      w.finish(this.cancelError(resp));
      return;
    }
    w.onResponse(resp);
  }

  private onCreated(w: Watcher, resp: WatchResponse): void {
    // Refused at creation (e.g. an empty range): etcd answers created+canceled.
    if (resp.canceled) {
      this.active.delete(w);
      w.finish(this.cancelError(resp));
      return;
    }
    this.backoff.reset();
    this.byId.set(resp.watch_id, w);
    if (w.done) {
      // Cancelled by the consumer while its create was in flight.
      this.call?.write({ cancel_request: { watch_id: resp.watch_id } });
      return;
    }
    w.onCreated(resp.watch_id, resp.header);
  }

  private cancelError(resp: WatchResponse): EtcdError {
    if (resp.compact_revision !== '0') return new WatchCompactedError(resp.compact_revision, { endpoint: this.callTarget });
    return new WatchCanceledError(resp.cancel_reason, { endpoint: this.callTarget });
  }

  private onStreamEnd(err: EtcdError | undefined): void {
    this.call = undefined;
    this.creating = undefined;
    this.byId.clear();
    if (this.closed || this.active.size === 0) return;
    if (err && isFatalStreamError(err.code)) {
      for (const w of [...this.active]) w.finish(err);
      this.active.clear();
      return;
    }
    // Every live watcher is created again, from its resume revision, in creation order.
    for (const w of this.active) w.id = undefined;
    this.pending = [...this.active];
    this.conn.failover(this.callIndex);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.active.size === 0) return;
      this.ensureStream();
      this.pump();
    }, this.backoff.delay());
  }

  private closeStream(): void {
    const call = this.call;
    this.call = undefined;
    this.creating = undefined;
    this.byId.clear();
    this.pending = [];
    call?.cancel();
  }
}
