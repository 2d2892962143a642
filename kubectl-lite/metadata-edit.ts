// label and annotate share their argument language: KEY=VALUE sets, KEY- removes, and an existing
// key with a different value needs --overwrite. The change is a JSON merge patch of metadata.

import { UsageError } from './args.js';
import type { Ctx } from './context.js';
import { kindGroup, resourcePath } from './discovery.js';
import { MERGE } from './mutate.js';
import { selectObjects } from './objects.js';

export interface MetadataChanges {
  set: Record<string, string>;
  remove: string[];
  targets: string[];
}

export function parseChanges(args: readonly string[]): MetadataChanges {
  const out: MetadataChanges = { set: {}, remove: [], targets: [] };
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) out.set[a.slice(0, eq)] = a.slice(eq + 1);
    else if (a.endsWith('-') && !a.includes('/')) out.remove.push(a.slice(0, -1));
    else if (out.targets.length === 0 || !(Object.keys(out.set).length > 0 || out.remove.length > 0)) out.targets.push(a);
    else throw new UsageError(`invalid argument "${a}"`);
  }
  if (Object.keys(out.set).length === 0 && out.remove.length === 0) throw new UsageError('at least one label update is required');
  return out;
}

export async function editMetadata(ctx: Ctx, args: string[], field: 'labels' | 'annotations', verb: string): Promise<number> {
  const changes = parseChanges(args);
  for (const f of await selectObjects(ctx, changes.targets)) {
    const existing = f.obj.metadata[field] ?? {};
    if (!ctx.args.bool('overwrite')) {
      for (const [k, v] of Object.entries(changes.set)) {
        if (k in existing && existing[k] !== v) throw new UsageError(`'${k}' already has a value (${existing[k]}), and --overwrite is false`);
      }
    }
    const patch: Record<string, string | null> = { ...changes.set };
    for (const k of changes.remove) if (k in existing) patch[k] = null;
    const unchanged = Object.entries(patch).every(([k, v]) => (v === null ? !(k in existing) : existing[k] === v));
    if (!unchanged) await ctx.api.request('PATCH', resourcePath(f.r, f.obj.metadata.namespace, f.obj.metadata.name), { body: { metadata: { [field]: patch } }, contentType: MERGE });
    ctx.out(`${kindGroup(f.r)}/${f.obj.metadata.name} ${unchanged ? 'not ' + verb : verb}\n`);
  }
  return 0;
}
