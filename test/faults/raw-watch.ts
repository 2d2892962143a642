// A watch on the bare gRPC stream, without our client's Watcher: every event the server sends is
// recorded as sent, so a duplicate, a reordering or a gap in the server's own streams reaches the
// watch checker instead of being filtered away. When a stream breaks it opens a new one (on the
// next member) from the revision after the last event received, which is how any etcd client
// resumes: etcd never splits one revision's events across responses (we do not ask for fragments).

import type { ClientDuplexStream } from '@grpc/grpc-js';
import { Connection, prefixEnd } from '../../store/client/index.js';
import { watchCreateRequest } from '../../store/client/ops.js';
import { loadEtcdServices, type Input, type WatchRequest, type WatchResponse } from '../../store/server/proto/load.js';
import { WatchLog, toLogEvent } from './watch-recorder.js';

export class RawWatch extends WatchLog {
  private readonly conn: Connection;
  private readonly services = loadEtcdServices();
  private call: ClientDuplexStream<Input<WatchRequest>, WatchResponse> | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly isCreated: Promise<void>;
  private onFirstCreate: (() => void) | undefined;
  /** Streams opened so far (1 + resumes). */
  streams = 0;

  constructor(
    name: string,
    key: string,
    private readonly prefix: boolean,
    endpoints: readonly string[],
  ) {
    super(name, key, prefix ? prefixEnd(key).toString() : undefined);
    this.conn = new Connection({ endpoints: [...endpoints] });
    this.isCreated = new Promise((resolve) => (this.onFirstCreate = resolve));
    this.open(undefined);
  }

  async created(): Promise<void> {
    await this.isCreated;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.call?.cancel();
    this.conn.close();
  }

  private open(startRevision: number | undefined): void {
    if (this.closed) return;
    this.streams++;
    const { call, index } = this.conn.openStream(this.services.Watch.Watch, { hasleader: 'true' });
    this.call = call;
    call.write({ create_request: watchCreateRequest(this.key, { prefix: this.prefix }, startRevision?.toString()) });
    let ended = false;
    const resume = (): void => {
      if (ended || this.closed) return;
      ended = true;
      this.conn.failover(index);
      const from = this.events.length > 0 ? this.lastRevision + 1 : this.fromRevision;
      this.retry = setTimeout(() => this.open(from), 200);
    };
    call.on('data', (resp: WatchResponse) => {
      if (resp.created) {
        if (this.onFirstCreate) {
          this.fromRevision = Number(resp.header?.revision ?? 0) + 1;
          this.onFirstCreate();
          this.onFirstCreate = undefined;
        }
        return;
      }
      if (resp.canceled) {
        this.error = `canceled: ${resp.cancel_reason || `compacted at ${resp.compact_revision}`}`;
        ended = true;
        call.cancel();
        return;
      }
      for (const e of resp.events) this.events.push(toLogEvent(e));
    });
    call.on('error', resume);
    call.on('end', resume);
  }
}
