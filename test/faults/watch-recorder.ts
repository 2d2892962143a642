// Watches that record everything they deliver, each on its own client or connection (so each
// has its own stream, resumed on another member when its member fails or loses its leader).

import { EtcdClient, prefixEnd, type Event, type Watcher } from '../../store/client/index.js';
import type { LogEvent } from '../../store/verify/history.js';
import type { WatchRecord } from '../../store/verify/watch-checker.js';

export function toLogEvent(e: Event): LogEvent {
  const kv = e.kv;
  const revision = Number(kv?.mod_revision ?? 0);
  const key = kv?.key.toString() ?? '';
  return e.type === 'DELETE' ? { revision, key, type: 'delete' } : { revision, key, type: 'put', value: kv?.value.toString() ?? '' };
}

/** What every recorded watch keeps: its events, its start, and how it ended. */
export abstract class WatchLog {
  readonly events: LogEvent[] = [];
  fromRevision = 0;
  /** Set when the watch ended with an error (it should not: only compaction ends a watch). */
  error: string | undefined;

  constructor(
    readonly name: string,
    readonly key: string,
    protected readonly end: string | undefined,
  ) {}

  /** Resolves once the watch exists; from then on every change in range is owed to it. */
  abstract created(): Promise<void>;
  abstract close(): Promise<void>;

  get lastRevision(): number {
    return this.events.length === 0 ? 0 : this.events[this.events.length - 1]!.revision;
  }

  /** Waits until an event at or after `revision` was delivered; false on timeout. */
  async reach(revision: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.lastRevision < revision) {
      if (performance.now() > deadline || this.error !== undefined) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  record(untilRevision: number): WatchRecord {
    return { name: this.name, key: this.key, end: this.end, fromRevision: this.fromRevision, untilRevision, events: [...this.events] };
  }
}

/**
 * A watch through our client's Watcher, as the apiserver uses it: what a consumer sees. The client
 * drops events at or below the last one it delivered, so a server that repeats events after a
 * resume is masked here; RawWatch (raw-watch.ts) sees the server's streams as they are.
 */
export class RecordedWatch extends WatchLog {
  private readonly etcd: EtcdClient;
  private readonly watcher: Watcher;
  private readonly loop: Promise<void>;

  constructor(name: string, key: string, prefix: boolean, endpoints: readonly string[]) {
    super(name, key, prefix ? prefixEnd(key).toString() : undefined);
    this.etcd = new EtcdClient({ endpoints: [...endpoints] });
    const w = (this.watcher = this.etcd.watch(key, { prefix }));
    this.loop = (async () => {
      try {
        for await (const batch of w) for (const e of batch.events) this.events.push(toLogEvent(e));
      } catch (e) {
        this.error = e instanceof Error ? e.message : String(e);
      }
    })();
  }

  async created(): Promise<void> {
    this.fromRevision = Number(await this.watcher.created) + 1;
  }

  async close(): Promise<void> {
    this.watcher.cancel();
    this.etcd.close();
    await this.loop;
  }
}
