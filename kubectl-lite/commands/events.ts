// kubectl events [-w]: the namespace's (or -A: every) Event, oldest first, in kubectl's columns.

import type { Ctx } from '../context.js';
import { resourcePath } from '../discovery.js';
import { listObjects, type KObj } from '../objects.js';
import { age, formatColumns } from '../printer.js';

interface EventObj extends KObj {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
}

const when = (e: EventObj) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;

export function eventRow(e: EventObj, withNamespace: boolean, now = Date.now()): string[] {
  const row = [age(when(e), now), e.type ?? '', e.reason ?? '', `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`, (e.message ?? '').trim()];
  return withNamespace ? [e.metadata.namespace ?? '', ...row] : row;
}

export async function run(ctx: Ctx): Promise<number> {
  const r = await ctx.resolve('events');
  const ns = ctx.nsFor(r);
  const list = await listObjects(ctx, r, ns);
  const events = (list.items as EventObj[]).sort((a, b) => Date.parse(when(a) ?? '') - Date.parse(when(b) ?? ''));
  const header = [...(ctx.allNamespaces ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
  const rows = events.map((e) => eventRow(e, ctx.allNamespaces));
  if (rows.length === 0 && !ctx.args.bool('watch')) {
    ctx.err(ctx.allNamespaces ? 'No events found.\n' : `No events found in ${ctx.namespace} namespace.\n`);
    return 0;
  }
  ctx.out(formatColumns([header, ...rows]));
  if (!ctx.args.bool('watch')) return 0;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  for await (const ev of ctx.api.streamLines(resourcePath(r, ns), { timeoutMs: 0, signal: stop.signal, query: { watch: 'true', resourceVersion: list.metadata.resourceVersion } })) {
    const e = ev as { type: string; object: EventObj };
    if (e.type !== 'ADDED' && e.type !== 'MODIFIED') continue;
    const lines = formatColumns([header, ...rows, eventRow(e.object, ctx.allNamespaces)]).split('\n');
    ctx.out(lines[lines.length - 2]! + '\n');
  }
  return 0;
}
