// The store's event log (a watch from revision 1 replays it) as an index: what a key held at any
// revision. Shared by the checkers that compare reads, acknowledged writes and watchers with it.

import type { LogEvent, Observed } from './history.js';

export class EventLog {
  private readonly byKey = new Map<string, LogEvent[]>();
  readonly values = new Set<string>();

  constructor(readonly events: readonly LogEvent[]) {
    for (const e of events) {
      let list = this.byKey.get(e.key);
      if (!list) this.byKey.set(e.key, (list = []));
      list.push(e);
      if (e.value !== undefined) this.values.add(e.value);
    }
  }

  /** The key at `revision`: its value and mod_revision, or null if absent. */
  stateAt(key: string, revision: number): Observed {
    const list = this.byKey.get(key);
    if (!list) return null;
    // The last event at or below `revision` (binary search: events are in revision order).
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    const e = list[lo - 1];
    if (!e || e.type === 'delete') return null;
    return { value: e.value ?? '', modRevision: e.revision };
  }

  /** Every event of `key`, in revision order. */
  eventsOf(key: string): readonly LogEvent[] {
    return this.byKey.get(key) ?? [];
  }

  /** The event that changed `key` at `revision`, if any. */
  eventAt(key: string, revision: number): LogEvent | undefined {
    return this.byKey.get(key)?.find((e) => e.revision === revision);
  }

  /** Every key's state after the last event. */
  finalState(): Map<string, Observed> {
    const out = new Map<string, Observed>();
    for (const [key, list] of this.byKey) {
      const last = list[list.length - 1]!;
      if (last.type === 'put') out.set(key, { value: last.value ?? '', modRevision: last.revision });
    }
    return out;
  }
}

export function sameEvent(a: LogEvent, b: LogEvent): boolean {
  return a.revision === b.revision && a.key === b.key && a.type === b.type && (a.value ?? null) === (b.value ?? null);
}

export function describeEvent(e: LogEvent): string {
  return `${e.type} ${e.key}${e.value === undefined ? '' : `=${e.value}`}@${e.revision}`;
}
