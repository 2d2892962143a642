// kubectl scale --replicas=N TYPE NAME: a merge patch of the scale subresource.

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourcePath } from '../discovery.js';
import { MERGE } from '../mutate.js';
import { selectObjects } from '../objects.js';

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const replicas = ctx.args.str('replicas');
  if (replicas === undefined || !/^\d+$/.test(replicas)) throw new UsageError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  for (const f of await selectObjects(ctx, args)) {
    await ctx.api.request('PATCH', resourcePath(f.r, f.obj.metadata.namespace, f.obj.metadata.name, 'scale'), { body: { spec: { replicas: Number(replicas) } }, contentType: MERGE });
    ctx.out(`${kindGroup(f.r)}/${f.obj.metadata.name} scaled\n`);
  }
  return 0;
}
