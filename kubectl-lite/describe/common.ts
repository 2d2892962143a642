// Pieces every kubectl describer shares: labels, annotations and taints over several lines,
// RFC 1123 timestamps, and the Events table with kubectl's "age (xN over first)" intervals.

import type { Ctx } from '../context.js';
import { resourcePath } from '../discovery.js';
import type { KObj } from '../objects.js';
import { age } from '../printer.js';
import type { DescribeWriter } from '../tabwriter.js';

/** Annotations kubectl never shows in describe (they would drown everything else). */
const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LEN = 140;

export const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

const pad2 = (n: number): string => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in the local time zone: "Thu, 26 Nov 2026 02:21:15 +0000". */
export function rfc1123z(ts: string | undefined): string {
  const d = new Date(ts ?? 0);
  if (ts === undefined || Number.isNaN(d.getTime())) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${DAYS[d.getDay()]}, ${pad2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}

export function printLabels(w: DescribeWriter, title: string, labels: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return w.write(0, '<none>\n');
  keys.forEach((k, i) => w.write(0, `${i === 0 ? '' : '\t'}${k}=${labels![k]}\n`));
}

export function printAnnotations(w: DescribeWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {}).filter((k) => !SKIPPED_ANNOTATIONS.has(k)).sort();
  if (keys.length === 0) return w.write(0, '<none>\n');
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = annotations![k]!.replace(/\n$/, '');
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const line of value.split('\n')) w.write(0, `\t  ${line.length > MAX_ANNOTATION_LEN - 2 ? line.slice(0, MAX_ANNOTATION_LEN - 2) + '...' : line}\n`);
    } else w.write(0, `${k}: ${value}\n`);
  });
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export function taintString(t: Taint): string {
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}

export function printTaints(w: DescribeWriter, title: string, taints: Taint[] | undefined): void {
  w.write(0, `${title}:\t`);
  if (!taints || taints.length === 0) return w.write(0, '<none>\n');
  const sorted = [...taints].sort((a, b) => (`${a.effect},${a.key}` < `${b.effect},${b.key}` ? -1 : 1));
  sorted.forEach((t, i) => w.write(0, `${i === 0 ? '' : '\t'}${taintString(t)}\n`));
}

export interface EventItem {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string };
  /** Go's ReportingController, named reportingComponent in JSON. */
  reportingComponent?: string;
}

/** Events about objects with these uids (kubectl searches by involvedObject). */
export async function eventsFor(ctx: Ctx, namespace: string | undefined, uids: string[]): Promise<EventItem[]> {
  const r = await ctx.resolve('events');
  const out: EventItem[] = [];
  for (const uid of uids) {
    const list = await ctx.api.request<{ items: EventItem[] }>('GET', resourcePath(r, namespace), { query: { fieldSelector: `involvedObject.uid=${uid}` } });
    out.push(...list.items);
  }
  return out;
}

export function describeEvents(w: DescribeWriter, events: EventItem[] | undefined): void {
  if (!events) return;
  if (events.length === 0) return w.write(0, 'Events:\t<none>\n');
  w.flush();
  const ts = (e: EventItem): number => Date.parse(e.lastTimestamp ?? '') || 0;
  const sorted = [...events].sort((a, b) => ts(a) - ts(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime ? age(e.eventTime) : age(e.firstTimestamp);
    let interval = first;
    if (e.series) interval = `${age(e.series.lastObservedTime)} (x${e.series.count ?? 0} over ${first})`;
    else if ((e.count ?? 0) > 1) interval = `${age(e.lastTimestamp)} (x${e.count} over ${first})`;
    const source = e.source?.component || e.reportingComponent || '';
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${(e.message ?? '').trim()}\n`);
  }
}

export type { KObj };
