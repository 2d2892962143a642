// kubectl create -f (POST each object; an existing one is an error, unlike apply), plus the two
// generators people use most: create namespace NAME and create deployment NAME --image=I.

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourceForObject, resourcePath } from '../discovery.js';
import { errorLine } from '../errors.js';
import { readSources, type Manifest } from '../manifests.js';
import { dryRun, dryRunQuery, dryRunSuffix } from '../mutate.js';
import { ApiStatusError } from '../../client/types.js';

function generated(ctx: Ctx, args: string[]): Manifest[] {
  const [what, name] = args;
  if (!name) throw new UsageError(`NAME is required for create ${what}`);
  if (what === 'namespace' || what === 'ns') return [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }];
  if (what === 'deployment' || what === 'deploy') {
    const image = ctx.args.str('image');
    if (!image) throw new UsageError('required flag(s) "image" not set');
    const container = image.split('/').pop()!.split(/[:@]/)[0]!.replace(/[^a-z0-9-]/g, '-');
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels: { app: name } },
        spec: { replicas: Number(ctx.args.str('replicas') ?? 1), selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: container, image }] } } },
      },
    ];
  }
  throw new UsageError(`unknown command "${what ?? ''}" for "kubectl create"`);
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const objects = args.length > 0 ? generated(ctx, args).map((object) => ({ file: '', object })) : readSources(ctx.args.all('filename'), ctx.args.bool('recursive'), () => ctx.stdin());
  const all = await ctx.resources();
  const dry = dryRun(ctx);
  let failed = false;
  for (const { file, object } of objects) {
    try {
      const r = resourceForObject(all, object.apiVersion, object.kind);
      if (!r) throw new UsageError(`resource mapping not found for kind "${object.kind}" in version "${object.apiVersion}"`);
      const ns = r.namespaced ? (object.metadata.namespace ?? ctx.namespace) : undefined;
      let created: Manifest = object;
      if (dry !== 'client') {
        try {
          created = await ctx.api.request<Manifest>('POST', resourcePath(r, ns), { body: object, query: { fieldManager: 'kubectl-create', dryRun: dryRunQuery(dry) } });
        } catch (err) {
          if (err instanceof ApiStatusError && file) throw new ApiStatusError(err.code, err.reason, `error when creating "${file}": ${err.message}`, err.status);
          throw err;
        }
      }
      ctx.out(`${kindGroup(r)}/${created.metadata.name ?? object.metadata.name} created${dryRunSuffix(dry)}\n`);
    } catch (err) {
      failed = true;
      ctx.err(errorLine(err) + '\n');
    }
  }
  return failed ? 1 : 0;
}
