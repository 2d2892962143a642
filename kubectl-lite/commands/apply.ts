// kubectl apply -f: create what does not exist; otherwise patch the live object with the
// three-way merge of (last-applied annotation, file, live object), so that fields the file dropped
// are removed and fields others set are kept. --server-side hands the merge to the apiserver
// (apply-patch+yaml, field manager "kubectl", like kubectl).

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourceForObject, resourcePath } from '../discovery.js';
import { errorLines, isNotFoundError } from '../errors.js';
import { visitSources, type Manifest } from '../manifests.js';
import { APPLY, dryRun, dryRunQuery, dryRunSuffix, isBuiltIn, patchContentType } from '../mutate.js';
import type { KObj } from '../objects.js';
import { threeWayPatch } from '../three-way.js';
import { sortKeys } from '../output.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The file's object with the annotation kubectl stores: the object itself (namespace filled in,
 * annotations minus this one, kept even when empty) as JSON with sorted keys, byte for byte what
 * kubectl writes, so that kubectl and kubectl-lite each see the other's apply as unchanged.
 */
export function withLastApplied(obj: Manifest, namespace?: string): Manifest {
  const copy = JSON.parse(JSON.stringify(obj)) as Manifest;
  if (namespace) copy.metadata.namespace = namespace;
  const annotations = { ...(copy.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  const bare = { ...copy, metadata: { ...copy.metadata, annotations } };
  copy.metadata.annotations = { ...annotations, [LAST_APPLIED]: JSON.stringify(sortKeys(bare)) + '\n' };
  return copy;
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  if (args[0] !== undefined) throw new UsageError(`Unexpected args: [${args.join(' ')}]`);
  const visited = visitSources(ctx.args.all('filename'), ctx.args.bool('recursive'), () => ctx.stdin());
  const all = await ctx.resources();
  const dry = dryRun(ctx);
  const serverSide = ctx.args.bool('server-side');
  // Like kubectl, errors are gathered while visiting and printed once everything else was applied.
  const errors: unknown[] = [];
  for (const item of visited) {
    if ('error' in item) {
      errors.push(item.error);
      continue;
    }
    const { file, object } = item;
    try {
      const r = resourceForObject(all, object.apiVersion, object.kind);
      if (!r) throw new UsageError(`resource mapping not found for name: "${object.metadata.name ?? ''}" namespace: "${object.metadata.namespace ?? ''}" from "${file}": no matches for kind "${object.kind}" in version "${object.apiVersion}"\nensure CRDs are installed first`);
      const name = object.metadata.name;
      if (!name) throw new UsageError(`error when retrieving current configuration of:\nResource: "${r.resource}", GroupVersionKind: "${object.apiVersion}, Kind=${object.kind}"\nfrom server for: "${file}": resource name may not be empty`);
      const ns = r.namespaced ? (object.metadata.namespace ?? ctx.namespace) : undefined;
      if (r.namespaced && object.metadata.namespace && ctx.args.str('namespace') && object.metadata.namespace !== ctx.args.str('namespace')) {
        throw new UsageError(`the namespace from the provided object "${object.metadata.namespace}" does not match the namespace "${ctx.args.str('namespace')}". You must pass '--namespace=${object.metadata.namespace}' to perform this operation.`);
      }
      const label = `${kindGroup(r)}/${name}`;
      if (serverSide) {
        if (dry === 'client') throw new UsageError('--dry-run=client doesn\'t work with --server-side (did you mean --dry-run=server instead?)');
        await ctx.api.request('PATCH', resourcePath(r, ns, name), {
          body: JSON.stringify(object),
          contentType: APPLY,
          query: { fieldManager: ctx.args.str('field-manager') ?? 'kubectl', force: ctx.args.bool('force-conflicts') ? 'true' : undefined, dryRun: dryRunQuery(dry) },
        });
        ctx.out(`${label} serverside-applied${dryRunSuffix(dry)}\n`);
        continue;
      }
      const modified = withLastApplied(object, ns);
      let current: KObj | undefined;
      try {
        current = await ctx.api.request<KObj>('GET', resourcePath(r, ns, name));
      } catch (err) {
        if (!isNotFoundError(err)) throw err;
      }
      if (!current) {
        if (dry !== 'client') await ctx.api.request('POST', resourcePath(r, ns), { body: { ...modified, metadata: { ...modified.metadata, namespace: ns } }, query: { fieldManager: 'kubectl-client-side-apply', dryRun: dryRunQuery(dry) } });
        ctx.out(`${label} created${dryRunSuffix(dry)}\n`);
        continue;
      }
      const lastText = current.metadata.annotations?.[LAST_APPLIED];
      let original: unknown;
      try {
        original = lastText ? JSON.parse(lastText) : undefined;
      } catch {
        original = undefined;
      }
      const patch = threeWayPatch(original, modified, current, isBuiltIn(r));
      if (Object.keys(patch).length === 0) {
        ctx.out(`${label} unchanged${dryRunSuffix(dry)}\n`);
        continue;
      }
      if (dry !== 'client') await ctx.api.request('PATCH', resourcePath(r, ns, name), { body: patch, contentType: patchContentType(r), query: { fieldManager: 'kubectl-client-side-apply', dryRun: dryRunQuery(dry) } });
      ctx.out(`${label} configured${dryRunSuffix(dry)}\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  ctx.err(errorLines(errors));
  return errors.length > 0 ? 1 : 0;
}
