// kubectl api-resources: every resource of the preferred version of each group, from discovery.

import type { Ctx } from '../context.js';
import { formatColumns } from '../printer.js';
import { resourceGroup } from '../discovery.js';

export async function run(ctx: Ctx): Promise<number> {
  const all = (await ctx.resources()).filter((r) => r.preferred);
  const namespaced = ctx.args.str('namespaced');
  const rows = all
    .filter((r) => namespaced === undefined || String(r.namespaced) === namespaced)
    .sort((a, b) => (a.group === b.group ? a.resource.localeCompare(b.resource) : a.group.localeCompare(b.group)));
  if (ctx.args.str('output') === 'name') {
    for (const r of rows) ctx.out(resourceGroup(r) + '\n');
    return 0;
  }
  const lines = [['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']];
  for (const r of rows) lines.push([r.resource, r.shortNames.join(','), r.group ? `${r.group}/${r.version}` : r.version, String(r.namespaced), r.kind]);
  ctx.out(formatColumns(lines));
  return 0;
}
