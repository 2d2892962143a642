// kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]: the patch as given (JSON or
// YAML), "patched" or, when the object did not change, "patched (no change)".

import { parse } from 'yaml';
import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourcePath } from '../discovery.js';
import { JSON_PATCH, MERGE, STRATEGIC, isBuiltIn } from '../mutate.js';
import { selectObjects, type KObj } from '../objects.js';

const TYPES: Record<string, string> = { strategic: STRATEGIC, merge: MERGE, json: JSON_PATCH };

/** What a patch can change: everything but status and the bookkeeping the server rewrites on every write. */
function comparable(o: KObj): unknown {
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...metadata } = o.metadata;
  return { ...o, metadata, status: undefined };
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const text = ctx.args.str('patch');
  if (!text) throw new UsageError('must specify -p to patch');
  const type = ctx.args.str('type') ?? 'strategic';
  const contentType = TYPES[type];
  if (!contentType) throw new UsageError(`--type must be one of [json merge strategic], not "${type}"`);
  let body: unknown;
  try {
    body = parse(text);
  } catch (err) {
    throw new UsageError(`unable to parse "${text}": ${(err as Error).message.split('\n')[0]}`);
  }
  for (const f of await selectObjects(ctx, args)) {
    if (type === 'strategic' && !isBuiltIn(f.r)) throw new UsageError(`strategic merge patch is not supported for ${kindGroup(f.r)}; use --type=merge`);
    const after = await ctx.api.request<KObj>('PATCH', resourcePath(f.r, f.obj.metadata.namespace, f.obj.metadata.name), { body, contentType, query: { fieldManager: 'kubectl-patch' } });
    const changed = JSON.stringify(comparable(after)) !== JSON.stringify(comparable(f.obj));
    ctx.out(`${kindGroup(f.r)}/${f.obj.metadata.name} patched${changed ? '' : ' (no change)'}\n`);
  }
  return 0;
}
