// kubectl delete: by name, TYPE/NAME, -f, -l or --all, with the cascade policy of --cascade, then
// (--wait, the default) waiting until each object is really gone: finalizers and foreground
// deletion can keep it for a while after the DELETE returns.

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourcePath } from '../discovery.js';
import { errorLine, isNotFoundError } from '../errors.js';
import { dryRun, dryRunQuery, dryRunSuffix } from '../mutate.js';
import { selectObjects, type Found } from '../objects.js';
import { parseDuration, waitGone } from '../wait-gone.js';

const CASCADE: Record<string, string> = { background: 'Background', true: 'Background', foreground: 'Foreground', orphan: 'Orphan', false: 'Orphan' };

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const cascade = ctx.args.str('cascade') ?? 'background';
  const policy = CASCADE[cascade];
  if (!policy) throw new UsageError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan".`);
  const dry = dryRun(ctx);
  let found: Found[];
  try {
    found = await selectObjects(ctx, args);
  } catch (err) {
    if (isNotFoundError(err) && ctx.args.bool('ignore-not-found')) return 0;
    throw err;
  }
  if (found.length === 0) {
    ctx.err(ctx.allNamespaces ? 'No resources found\n' : `No resources found\n`);
    return 0;
  }
  const deadline = Date.now() + parseDuration(ctx.args.str('timeout'));
  const grace = ctx.args.str('grace-period');
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: policy };
  if (grace !== undefined && Number(grace) >= 0) body['gracePeriodSeconds'] = Number(grace);
  if (ctx.args.bool('force') && grace === undefined) body['gracePeriodSeconds'] = 0;
  let failed = false;
  const deleted: Found[] = [];
  for (const f of found) {
    const ns = f.r.namespaced ? f.obj.metadata.namespace : undefined;
    try {
      if (dry !== 'client') await ctx.api.request('DELETE', resourcePath(f.r, ns, f.obj.metadata.name), { body, query: { dryRun: dryRunQuery(dry) } });
      ctx.out(`${kindGroup(f.r)} "${f.obj.metadata.name}" deleted${dryRunSuffix(dry)}\n`);
      deleted.push(f);
    } catch (err) {
      if (isNotFoundError(err) && ctx.args.bool('ignore-not-found')) continue;
      failed = true;
      ctx.err(errorLine(err) + '\n');
    }
  }
  if (ctx.args.bool('wait', true) && dry === 'none') {
    for (const f of deleted) {
      const gone = await waitGone(ctx, f.r, f.r.namespaced ? f.obj.metadata.namespace : undefined, f.obj.metadata.name, f.obj.metadata.uid, deadline);
      if (!gone) {
        ctx.err(`error: timed out waiting for the condition on ${kindGroup(f.r)}/${f.obj.metadata.name}\n`);
        failed = true;
      }
    }
  }
  return failed ? 1 : 0;
}
