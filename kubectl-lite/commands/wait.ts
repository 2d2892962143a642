// kubectl wait --for=condition=Ready[=true] | --for=delete TYPE/NAME...: prints
// `pod/x condition met` per object, or times out (default 30 s, as kubectl).

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourcePath } from '../discovery.js';
import { isNotFoundError } from '../errors.js';
import { selectObjects, type Found, type KObj } from '../objects.js';
import { parseDuration, waitGone } from '../wait-gone.js';

export function conditionMet(obj: KObj, type: string, want: string): boolean {
  const conds = (obj.status?.['conditions'] ?? []) as { type: string; status: string }[];
  return conds.some((c) => c.type.toLowerCase() === type.toLowerCase() && c.status.toLowerCase() === want.toLowerCase());
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const cond = ctx.args.str('for');
  if (!cond) throw new UsageError('--for must be specified');
  const deadline = Date.now() + parseDuration(ctx.args.str('timeout'), 30_000);
  let found: Found[];
  try {
    found = await selectObjects(ctx, args);
  } catch (err) {
    if (cond === 'delete' && isNotFoundError(err)) return 0;
    throw err;
  }
  for (const { r, obj } of found) {
    const label = `${kindGroup(r)}/${obj.metadata.name}`;
    const ns = obj.metadata.namespace;
    if (cond === 'delete') {
      if (!(await waitGone(ctx, r, ns, obj.metadata.name, obj.metadata.uid, deadline))) throw new UsageError(`timed out waiting for the condition on ${label}`);
      ctx.out(`${label} condition met\n`);
      continue;
    }
    const m = /^condition=([^=]+)(?:=(.*))?$/.exec(cond);
    if (!m) throw new UsageError(`unrecognized condition: "${cond}"`);
    const [type, want = 'true'] = [m[1]!, m[2]];
    let current = obj;
    while (!conditionMet(current, type, want)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new UsageError(`timed out waiting for the condition on ${label}`);
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), left);
      try {
        for await (const ev of ctx.api.streamLines(resourcePath(r, ns), { timeoutMs: 0, signal: stop.signal, query: { watch: 'true', fieldSelector: `metadata.name=${obj.metadata.name}`, resourceVersion: current.metadata.resourceVersion } })) {
          const e = ev as { type: string; object: KObj };
          if (e.type === 'MODIFIED' || e.type === 'ADDED') current = e.object;
          if (conditionMet(current, type, want)) break;
        }
      } finally {
        clearTimeout(timer);
      }
    }
    ctx.out(`${label} condition met\n`);
  }
  return 0;
}
