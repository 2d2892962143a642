// etcdserverpb.Watch: one bidirectional stream per client connection, many watchers on it.
//
// What clients rely on (etcd's behaviour, kept here):
//  - create replies come in the order the creates arrived, each before any event of its watcher;
//  - automatic watch ids start at 0 on every stream;
//  - events of one revision arrive together, in order, each response headed by its revision;
//  - a watcher whose start revision was compacted gets its created reply, then one response with
//    compact_revision set and canceled, and nothing else;
//  - refused creates (duplicate id, empty range) are answered with watch_id -1 and a reason;
//  - cancelling an unknown id gets no answer;
//  - a progress request is answered (watch_id -1) once every watcher of the stream is current.
// Backpressure: when the stream's buffer is full, the hub is told "not now" and the watcher falls
// behind; it is caught up from history when the stream drains. Nothing is dropped.

import type * as grpc from '@grpc/grpc-js';
import type { WatchHandlers } from '../proto/load.js';
import type * as P from '../proto/types.js';
import type { WatchEvent, WatchSink, Watcher } from '../../watch/hub.js';
import { kvToWire, num } from './convert.js';
import { header, type ServiceContext } from './context.js';

type Call = grpc.ServerDuplexStream<P.WatchRequest, P.Input<P.WatchResponse>>;

interface StreamWatcher {
  id: bigint;
  watcher: Watcher;
  progressNotify: boolean;
}

export function watchService(ctx: ServiceContext): WatchHandlers {
  return { Watch: (call) => new WatchStream(ctx, call).start() };
}

class WatchStream implements WatchSink {
  private readonly byId = new Map<bigint, StreamWatcher>();
  private readonly byWatcher = new Map<Watcher, StreamWatcher>();
  private nextId = 0n;
  private closed = false;
  private progressPending = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly call: Call,
  ) {}

  start(): void {
    this.call.on('data', (req: P.WatchRequest) => this.onRequest(req));
    this.call.on('end', () => this.close(true));
    this.call.on('error', () => this.close(false));
    this.call.on('cancelled', () => this.close(false));
    this.call.on('close', () => this.close(false));
    // A full stream that drains can take the events its watchers fell behind on.
    this.call.on('drain', () => this.ctx.member.hub.syncWatchers());
    this.timers.push(setInterval(() => this.sendProgressNotifications(), this.ctx.progressNotifyMs));
    this.timers.push(setInterval(() => this.answerPendingProgress(), 50));
  }

  private onRequest(req: P.WatchRequest): void {
    if (this.closed) return;
    switch (req.request_union) {
      case 'create_request':
        this.create(req.create_request);
        return;
      case 'cancel_request':
        this.cancel(BigInt(req.cancel_request.watch_id || '0'));
        return;
      case 'progress_request':
        this.progressPending = true;
        this.answerPendingProgress();
        return;
      default:
        return;
    }
  }

  private create(c: P.WatchCreateRequest): void {
    let id = BigInt(c.watch_id || '0');
    // Refused creates are answered on the stream, not per watcher: watch_id -1, as etcd does.
    const refuse = (reason: string) => this.write({ header: header(this.ctx), watch_id: '-1', created: true, canceled: true, cancel_reason: reason });
    if (id !== 0n && this.byId.has(id)) return refuse('mvcc: duplicate watch ID provided on the WatchStream');
    const end = c.range_end;
    if (end.length > 0 && !(end.length === 1 && end[0] === 0) && Buffer.compare(c.key, end) >= 0) return refuse('mvcc: watcher range is empty');
    if (id === 0n) {
      while (this.byId.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    }
    // The reply goes out first: no event of this watcher can be sent before the next apply.
    this.write({ header: header(this.ctx), watch_id: id.toString(), created: true });
    const opts = {
      key: c.key,
      startRevision: num(c.start_revision),
      prevKv: c.prev_kv,
      noPut: c.filters.includes('NOPUT'),
      noDelete: c.filters.includes('NODELETE'),
      ...(c.range_end.length > 0 ? { rangeEnd: c.range_end } : {}),
    };
    const watcher = this.ctx.member.hub.watch(opts, this);
    const sw: StreamWatcher = { id, watcher, progressNotify: c.progress_notify };
    this.byId.set(id, sw);
    this.byWatcher.set(watcher, sw);
    if (!watcher.synced) this.ctx.member.hub.syncWatchers();
  }

  private cancel(id: bigint): void {
    const sw = this.byId.get(id);
    if (!sw) return;
    this.forget(sw);
    this.write({ header: header(this.ctx), watch_id: id.toString(), canceled: true });
  }

  // ---- WatchSink: what the hub calls ----

  offer(watcher: Watcher, events: WatchEvent[], revision: number): boolean {
    const sw = this.byWatcher.get(watcher);
    if (!sw || this.closed) return true; // nobody to deliver to: consider it consumed
    if (this.call.writableNeedDrain) return false;
    this.write({
      header: header(this.ctx, revision),
      watch_id: sw.id.toString(),
      events: events.map((e) => {
        const out: P.Input<P.Event> = { type: e.type === 'put' ? 'PUT' : 'DELETE', kv: kvToWire(e.kv) };
        if (e.prevKv) out.prev_kv = kvToWire(e.prevKv);
        return out;
      }),
    });
    return true;
  }

  compacted(watcher: Watcher, compactRevision: number): void {
    const sw = this.byWatcher.get(watcher);
    if (!sw) return;
    this.byId.delete(sw.id);
    this.byWatcher.delete(watcher);
    this.write({
      // etcd's mvcc sends this response with no revision (WatchResponse{CompactRevision} only),
      // so its header carries revision 0; clients see it (etcdctl watch -w json).
      header: header(this.ctx, 0),
      watch_id: sw.id.toString(),
      canceled: true,
      compact_revision: String(compactRevision),
    });
  }

  // ---- progress ----

  private answerPendingProgress(): void {
    if (!this.progressPending || this.closed) return;
    if (!this.ctx.member.hub.allSynced(this.byWatcher.keys())) return;
    this.progressPending = false;
    this.write({ header: header(this.ctx), watch_id: '-1' });
  }

  private sendProgressNotifications(): void {
    if (this.closed || this.call.writableNeedDrain) return;
    for (const sw of this.byId.values()) {
      if (sw.progressNotify && sw.watcher.synced) this.write({ header: header(this.ctx), watch_id: sw.id.toString() });
    }
  }

  // ---- plumbing ----

  private write(resp: P.Input<P.WatchResponse>): void {
    if (this.closed) return;
    this.call.write(resp);
  }

  private forget(sw: StreamWatcher): void {
    this.ctx.member.hub.cancel(sw.watcher);
    this.byId.delete(sw.id);
    this.byWatcher.delete(sw.watcher);
  }

  private close(endCall: boolean): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const sw of [...this.byId.values()]) this.forget(sw);
    if (endCall) this.call.end();
  }
}
