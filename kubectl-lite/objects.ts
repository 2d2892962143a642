// Reading objects for commands that act on them: the targets of the arguments (or -f, or -l/--all)
// as (resource, object) pairs fetched as plain JSON.

import { UsageError } from './args.js';
import type { Ctx } from './context.js';
import { resourceForObject, resourcePath, type ApiResource } from './discovery.js';
import { readSources } from './manifests.js';
import { parseTargets } from './targets.js';

export interface KObj {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; generation?: number; creationTimestamp?: string; deletionTimestamp?: string; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[]; [k: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface Found {
  r: ApiResource;
  obj: KObj;
}

export interface List {
  metadata: { resourceVersion?: string };
  items: KObj[];
}

export async function listObjects(ctx: Ctx, r: ApiResource, namespace: string | undefined): Promise<List> {
  const list = await ctx.api.request<List>('GET', resourcePath(r, namespace), { query: { labelSelector: ctx.args.str('selector'), fieldSelector: ctx.args.str('field-selector') } });
  for (const o of list.items) {
    o.apiVersion ??= r.group ? `${r.group}/${r.version}` : r.version;
    o.kind ??= r.kind;
  }
  return list;
}

export async function getObject(ctx: Ctx, r: ApiResource, namespace: string | undefined, name: string): Promise<KObj> {
  return ctx.api.request<KObj>('GET', resourcePath(r, namespace, name));
}

/**
 * The objects a mutating command acts on: -f files, TYPE/NAME arguments, or TYPE with -l or --all.
 * `requireSelection`: refuse a bare TYPE (kubectl will not delete or label everything by accident).
 */
export async function selectObjects(ctx: Ctx, positional: string[], requireSelection = true): Promise<Found[]> {
  const files = ctx.args.all('filename');
  const out: Found[] = [];
  if (files.length > 0) {
    const all = await ctx.resources();
    for (const s of readSources(files, ctx.args.bool('recursive'), () => ctx.stdin())) {
      const r = resourceForObject(all, s.object.apiVersion, s.object.kind);
      if (!r) throw new UsageError(`resource mapping not found for name: "${s.object.metadata.name}" namespace: "${s.object.metadata.namespace ?? ''}" from "${s.file}": no matches for kind "${s.object.kind}" in version "${s.object.apiVersion}"`);
      const ns = r.namespaced ? (s.object.metadata.namespace ?? ctx.namespace) : undefined;
      out.push({ r, obj: await getObject(ctx, r, ns, s.object.metadata.name!) });
    }
    return out;
  }
  const groups = parseTargets(positional);
  if (groups.length === 0) throw new UsageError('You must provide one or more resources by argument or filename.');
  for (const g of groups) {
    const r = await ctx.resolve(g.type);
    if (g.names.length > 0) {
      for (const name of g.names) out.push({ r, obj: await getObject(ctx, r, ctx.nsFor(r) ?? (r.namespaced ? ctx.namespace : undefined), name) });
      continue;
    }
    if (requireSelection && !ctx.args.str('selector') && !ctx.args.bool('all') && !ctx.args.str('field-selector')) throw new UsageError(`resource(s) were provided, but no name was specified`);
    for (const obj of (await listObjects(ctx, r, ctx.nsFor(r))).items) out.push({ r, obj });
  }
  return out;
}
