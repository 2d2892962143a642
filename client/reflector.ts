// The reflector keeps a sink in step with the apiserver (client-go's tools/cache/reflector.go):
//
//   list (paged: limit + continue, all pages at one resourceVersion R)  → sink.replace(items, R)
//   watch from R with allowWatchBookmarks                                → sink.apply(event) per change
//   the watch ends or the connection breaks   → watch again from the last resourceVersion seen
//                                               (an event's object or a BOOKMARK), so nothing is missed
//   410 Expired (that version was compacted)  → list again; the sink turns the new list into the
//                                               difference (objects gone from it are deletes)
//
// Failures wait with exponential backoff and jitter (800 ms doubling to 30 s, as client-go), so a
// component started before the apiserver, or cut off from it, simply keeps trying.

import { Backoff, sleep } from './backoff.js';
import { errorText, type Logger } from './log.js';
import { isUnreachable, type ListOptions, type ObjectList, type WatchEvent, type WatchOptions } from './rest.js';
import { ApiStatusError, type KubeObject } from './types.js';

export interface ListerWatcher<T extends KubeObject> {
  list(options: ListOptions, signal: AbortSignal): Promise<ObjectList<T>>;
  watch(options: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

export interface ReflectorSink<T extends KubeObject> {
  /** The complete state as of resourceVersion (after a list). */
  replace(items: T[], resourceVersion: string): void;
  /** One change from the watch. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void;
}

export interface ReflectorOptions {
  /** Objects per list page (client-go: 500). */
  pageSize?: number;
  /** What the log lines call this reflector, e.g. "pods". */
  name: string;
  log: Logger;
  backoff?: Backoff;
}

const MIN_WATCH_TIMEOUT_S = 300;

/** Thrown inside the loop when only a fresh list can continue. */
class RelistNeeded extends Error {}

export const isExpired = (e: unknown): boolean => e instanceof ApiStatusError && (e.code === 410 || e.reason === 'Expired' || e.reason === 'Gone');

export class Reflector<T extends KubeObject> {
  /** The last resourceVersion the sink is known to be in step with. */
  lastSyncResourceVersion = '';
  private readonly backoff: Backoff;

  constructor(
    private readonly lw: ListerWatcher<T>,
    private readonly sink: ReflectorSink<T>,
    private readonly options: ReflectorOptions,
  ) {
    this.backoff = options.backoff ?? new Backoff({ initialMs: 800, maxMs: 30_000, factor: 2, jitter: 1, resetAfterMs: 120_000 });
  }

  /** Runs until the signal aborts. Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const rv = await this.listAll(signal);
        if (signal.aborted) return;
        await this.watchFrom(rv, signal);
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof RelistNeeded) continue;
        this.options.log.warn(`${this.options.name}: list failed: ${errorText(err)}`);
        await sleep(this.backoff.next(), signal);
      }
    }
  }

  /** Lists every page and replaces the sink's state; returns the list's resourceVersion. */
  private async listAll(signal: AbortSignal): Promise<string> {
    const limit = this.options.pageSize ?? 500;
    for (;;) {
      const items: T[] = [];
      let resourceVersion = '';
      let token: string | undefined;
      try {
        do {
          const page = await this.lw.list({ limit, continue: token }, signal);
          items.push(...page.items);
          // Every page of one list is served at the first page's resourceVersion.
          if (!token) resourceVersion = page.metadata.resourceVersion ?? '';
          token = page.metadata.continue || undefined;
        } while (token && !signal.aborted);
      } catch (err) {
        // The continue token outlived its revision: start the list over.
        if (isExpired(err) && token) continue;
        throw err;
      }
      if (signal.aborted) return resourceVersion;
      this.sink.replace(items, resourceVersion);
      this.lastSyncResourceVersion = resourceVersion;
      return resourceVersion;
    }
  }

  /** Watches (and re-watches) from resourceVersion; returns when a relist is needed or the signal aborts. */
  private async watchFrom(resourceVersion: string, signal: AbortSignal): Promise<void> {
    let rv = resourceVersion;
    while (!signal.aborted) {
      const startedAt = Date.now();
      let events = 0;
      try {
        const stream = this.lw.watch({
          resourceVersion: rv,
          allowWatchBookmarks: true,
          timeoutSeconds: Math.floor(MIN_WATCH_TIMEOUT_S * (1 + Math.random())),
          signal,
        });
        for await (const ev of stream) {
          events++;
          switch (ev.type) {
            case 'ADDED':
            case 'MODIFIED':
            case 'DELETED':
              this.sink.apply(ev.type, ev.object);
              rv = ev.object.metadata.resourceVersion ?? rv;
              break;
            case 'BOOKMARK':
              rv = ev.object.metadata.resourceVersion ?? rv;
              break;
            case 'ERROR': {
              const s = ev.object as unknown as { code?: number; reason?: string; message?: string };
              throw new ApiStatusError(s.code ?? 500, s.reason ?? 'InternalError', s.message ?? 'watch error', s);
            }
          }
          this.lastSyncResourceVersion = rv;
        }
        if (signal.aborted) return;
        // A watch the server ended at once with nothing in it hints at trouble: do not spin.
        if (events === 0 && Date.now() - startedAt < 1_000) throw new Error('watch closed immediately');
        this.backoff.reset();
      } catch (err) {
        if (signal.aborted) return;
        if (isExpired(err)) {
          this.options.log.info(`${this.options.name}: watch from resourceVersion ${rv} expired; listing again`);
          throw new RelistNeeded(errorText(err));
        }
        // Connection refused, reset, a 5xx, the apiserver restarting: resume from rv after a pause.
        const why = isUnreachable(err) ? 'apiserver unreachable' : errorText(err);
        this.options.log.warn(`${this.options.name}: watch broken (${why}); resuming from resourceVersion ${rv}`);
        await sleep(this.backoff.next(), signal);
      }
    }
  }
}
