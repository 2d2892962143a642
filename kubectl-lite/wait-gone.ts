// Waiting until an object is gone (delete --wait, wait --for=delete): read it once, and if it is
// still there, watch it by name from that version until the DELETED event (or a 404 on re-read
// after the watch ends early).

import type { Ctx } from './context.js';
import { resourcePath, type ApiResource } from './discovery.js';
import { isNotFoundError } from './errors.js';
import type { KObj } from './objects.js';

/** Resolves true when gone, false when the deadline (ms since epoch, or Infinity) passed first. */
export async function waitGone(ctx: Ctx, r: ApiResource, namespace: string | undefined, name: string, uid: string | undefined, deadline: number): Promise<boolean> {
  for (;;) {
    let current: KObj;
    try {
      current = await ctx.api.request<KObj>('GET', resourcePath(r, namespace, name));
    } catch (err) {
      if (isNotFoundError(err)) return true;
      throw err;
    }
    // Another object of the same name (recreated by a controller) is not the one we waited for.
    if (uid && current.metadata.uid !== uid) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const stop = new AbortController();
    const timer = Number.isFinite(left) ? setTimeout(() => stop.abort(), left) : undefined;
    try {
      const events = ctx.api.streamLines(resourcePath(r, namespace), { timeoutMs: 0, signal: stop.signal, query: { watch: 'true', fieldSelector: `metadata.name=${name}`, resourceVersion: current.metadata.resourceVersion, timeoutSeconds: 60 } });
      for await (const ev of events) {
        if ((ev as { type: string }).type === 'DELETED') return true;
      }
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (Date.now() >= deadline) return false;
  }
}

/** kubectl's duration flags: 30s, 2m, 1h, 500ms; 0 or none means no limit. */
export function parseDuration(text: string | undefined, dflt = Infinity): number {
  if (text === undefined || text === '') return dflt;
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  let matched = '';
  while ((m = re.exec(text))) {
    matched += m[0];
    ms += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  }
  if (matched !== text) {
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    throw new Error(`invalid duration "${text}"`);
  }
  return ms === 0 ? Infinity : ms;
}
