// kubectl set image TYPE/NAME CONTAINER=IMAGE ... ('*' for every container): a strategic merge
// patch of the named containers' images in the pod template.

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourcePath } from '../discovery.js';
import { STRATEGIC } from '../mutate.js';
import { selectObjects } from '../objects.js';
import { podTemplate, templatePatch } from '../pod-template.js';

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'image') throw new UsageError(`unknown command "${sub ?? ''}" for "kubectl set"`);
  const pairs = rest.filter((a) => a.includes('='));
  const targets = rest.filter((a) => !a.includes('='));
  if (pairs.length === 0) throw new UsageError('at least one image update is required');
  const images = new Map(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  for (const f of await selectObjects(ctx, targets)) {
    const spec = podTemplate(f.obj)?.spec;
    const containers: { name: string; image: string }[] = [];
    for (const list of ['initContainers', 'containers'] as const) {
      for (const c of spec?.[list] ?? []) {
        const image = images.get(c.name) ?? images.get('*');
        if (image !== undefined) containers.push({ name: c.name, image });
      }
    }
    for (const name of images.keys()) {
      if (name !== '*' && !containers.some((c) => c.name === name)) throw new UsageError(`unable to find container named "${name}"`);
    }
    const init = new Set((spec?.initContainers ?? []).map((c) => c.name));
    const patch = templatePatch(f.obj.kind, { spec: { ...(containers.some((c) => !init.has(c.name)) && { containers: containers.filter((c) => !init.has(c.name)) }), ...(containers.some((c) => init.has(c.name)) && { initContainers: containers.filter((c) => init.has(c.name)) }) } });
    await ctx.api.request('PATCH', resourcePath(f.r, f.obj.metadata.namespace, f.obj.metadata.name), { body: patch, contentType: STRATEGIC, query: { fieldManager: 'kubectl-set' } });
    ctx.out(`${kindGroup(f.r)}/${f.obj.metadata.name} image updated\n`);
  }
  return 0;
}
