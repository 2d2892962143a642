// Watchers against the store's event log: a watcher on [key, end) that covered revisions
// [from, until] must have delivered exactly the log's events in its range and window, in log
// order: no gap, no duplicate, nothing reordered, nothing invented or altered; across
// reconnects and leader changes alike (the client resumes a broken watch from the first revision
// it has not seen, and that is what this checks end to end). The log itself is checked against
// the acknowledged writes and across members by the durability checker.

import type { Anomaly, LogEvent } from './history.js';
import { describeEvent, sameEvent } from './event-log.js';

export interface WatchRecord {
  name: string;
  /** The range [key, end); end undefined = the key alone. */
  key: string;
  end?: string;
  /** The first revision the watcher had to deliver (its start revision, or created + 1). */
  fromRevision: number;
  /** The watcher has delivered everything up to this revision (the harness waited for it). */
  untilRevision: number;
  /** What it delivered, in delivery order. */
  events: LogEvent[];
}

export function inRange(key: string, start: string, end: string | undefined): boolean {
  return end === undefined ? key === start : key >= start && key < end;
}

export function checkWatch(w: WatchRecord, log: readonly LogEvent[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const report = (message: string): void => void anomalies.push({ checker: 'watch', message: `watcher ${w.name}: ${message}` });
  const expected = log.filter((e) => inRange(e.key, w.key, w.end) && e.revision >= w.fromRevision && e.revision <= w.untilRevision);
  const seen = new Set<string>();
  for (let i = 0; i < w.events.length; i++) {
    const e = w.events[i]!;
    const id = `${e.revision}|${e.key}`;
    if (seen.has(id)) report(`duplicate ${describeEvent(e)} (delivery ${i})`);
    seen.add(id);
    const prev = w.events[i - 1];
    if (prev && e.revision < prev.revision) report(`out of order: ${describeEvent(e)} after ${describeEvent(prev)}`);
    if (!inRange(e.key, w.key, w.end)) report(`${describeEvent(e)} is outside its range`);
    if (e.revision < w.fromRevision) report(`${describeEvent(e)} is before its start revision ${w.fromRevision}`);
  }
  // Delivered events beyond `until` are checked too, as far as the log goes.
  const logById = new Map(log.map((e) => [`${e.revision}|${e.key}`, e]));
  const lastLogged = log.length > 0 ? log[log.length - 1]!.revision : 0;
  for (const e of w.events) {
    const truth = logById.get(`${e.revision}|${e.key}`);
    if (!truth) {
      if (e.revision <= lastLogged) report(`${describeEvent(e)} never happened in the store's log`);
    } else if (!sameEvent(truth, e)) report(`${describeEvent(e)} differs from the log's ${describeEvent(truth)}`);
  }
  const delivered = new Set(w.events.map((e) => `${e.revision}|${e.key}`));
  const missing = expected.filter((e) => !delivered.has(`${e.revision}|${e.key}`));
  if (missing.length > 0) {
    report(`gap: ${missing.length} event(s) of revisions ${w.fromRevision}..${w.untilRevision} never delivered, first ${describeEvent(missing[0]!)}`);
  }
  return anomalies;
}
