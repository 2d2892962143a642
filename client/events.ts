// An EventRecorder writing core/v1 Events (what `kubectl describe` shows under Events:), with
// client-go's aggregation kept simple: the same object + type + reason + message seen again within
// 10 minutes bumps count and lastTimestamp on the existing Event (a PATCH) instead of creating
// another (tools/record's EventCorrelator). Recording never blocks and never throws: events are
// written one at a time in the background, and a failure is logged, not retried forever.

import { errorText, type Logger } from './log.js';
import { isNotFound, rfc3339, type Clock, type EventRecorder, type KubeObject, type ResourceClient } from './types.js';

/** core/v1 Event as this recorder writes it. */
export interface CoreEvent extends KubeObject {
  involvedObject: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string };
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: Date;
  lastTimestamp: Date;
  count: number;
  type: 'Normal' | 'Warning';
  reportingComponent: string;
  reportingInstance: string;
}

const AGGREGATE_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 4096;
/** Events waiting to be written; beyond this they are dropped, as client-go's broadcaster does. */
const MAX_PENDING = 1000;

interface Seen {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: Date;
  lastSeenMs: number;
}

export class ApiEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();
  private seq = 0;

  constructor(
    private readonly events: ResourceClient<CoreEvent>,
    private readonly component: string,
    private readonly host: string | undefined,
    private readonly log: Logger,
    private readonly clock: Clock = { now: () => Date.now() },
  ) {}

  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.pending >= MAX_PENDING) return;
    this.pending++;
    const at = this.clock.now();
    this.tail = this.tail
      .then(() => this.write(object, type, reason, message, at))
      .catch((err: unknown) => this.log.warn(`event ${reason} for ${object.kind ?? ''} ${object.metadata.name ?? ''} not recorded: ${errorText(err)}`))
      .finally(() => this.pending--);
  }

  /** Resolves when every event recorded so far has been written (or given up on). */
  flush(): Promise<void> {
    return this.tail;
  }

  private async write(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, at: number): Promise<void> {
    const m = object.metadata;
    const key = [m.uid ?? '', object.kind ?? '', m.namespace ?? '', m.name ?? '', type, reason, message].join('\x00');
    const prior = this.seen.get(key);
    if (prior && at - prior.lastSeenMs < AGGREGATE_WINDOW_MS) {
      try {
        prior.count++;
        prior.lastSeenMs = at;
        await this.events.patch(prior.namespace, prior.name, 'merge', { count: prior.count, lastTimestamp: rfc3339(at) });
        this.remember(key, prior);
        return;
      } catch (err) {
        // Deleted meanwhile (events expire after an hour): write a fresh one below.
        if (!isNotFound(err)) throw err;
      }
    }
    // Events about cluster-scoped objects live in "default", as in Kubernetes.
    const namespace = m.namespace || 'default';
    const name = `${m.name ?? 'unknown'}.${(BigInt(at) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16)}`;
    const now = rfc3339(at);
    const ev: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { kind: object.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: object.apiVersion, resourceVersion: m.resourceVersion },
      reason,
      message,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: this.component,
      reportingInstance: this.host ?? '',
    };
    await this.events.create(namespace, ev);
    this.remember(key, { namespace, name, count: 1, firstTimestamp: now, lastSeenMs: at });
  }

  private remember(key: string, s: Seen): void {
    // Re-inserting keeps the Map in least-recently-used order, so the oldest entry goes first.
    this.seen.delete(key);
    this.seen.set(key, s);
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
  }
}
