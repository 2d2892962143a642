// kubectl cordon|uncordon NODE: spec.unschedulable on or off.

import type { Ctx } from '../context.js';
import { resourcePath } from '../discovery.js';
import { STRATEGIC } from '../mutate.js';
import { selectObjects } from '../objects.js';

export async function setSchedulable(ctx: Ctx, name: string, unschedulable: boolean, already: boolean): Promise<string> {
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  if (already) return `node/${name} already ${verb}\n`;
  const nodes = await ctx.resolve('nodes');
  await ctx.api.request('PATCH', resourcePath(nodes, undefined, name), { body: { spec: { unschedulable: unschedulable ? true : null } }, contentType: STRATEGIC });
  return `node/${name} ${verb}\n`;
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const [verb, ...names] = args;
  const cordon = verb === 'cordon';
  const targets = await selectObjects(ctx, names.length > 0 && !names[0]!.includes('/') ? ['nodes', ...names] : names, true);
  for (const { obj } of targets) ctx.out(await setSchedulable(ctx, obj.metadata.name, cordon, Boolean(obj.spec?.['unschedulable']) === cordon));
  return 0;
}
