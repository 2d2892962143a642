// kubectl edit TYPE NAME: the object as YAML in $KUBE_EDITOR / $EDITOR (vi), then an update with
// what was saved; an unchanged file cancels, as in kubectl.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourcePath } from '../discovery.js';
import { selectObjects } from '../objects.js';
import { toYaml } from '../output.js';

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  for (const { r, obj } of await selectObjects(ctx, args)) {
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-edit-'));
    const file = join(dir, `${obj.metadata.name}.yaml`);
    try {
      const before = toYaml(obj);
      writeFileSync(file, before);
      const editor = process.env['KUBE_EDITOR'] ?? process.env['EDITOR'] ?? 'vi';
      const res = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
      if (res.status !== 0) throw new UsageError(`there was a problem with the editor "${editor}"`);
      const after = readFileSync(file, 'utf8');
      if (after === before) {
        ctx.out('Edit cancelled, no changes made.\n');
        continue;
      }
      const edited = parse(after) as typeof obj;
      await ctx.api.request('PUT', resourcePath(r, obj.metadata.namespace, obj.metadata.name), { body: edited, query: { fieldManager: 'kubectl-edit' } });
      ctx.out(`${kindGroup(r)}/${obj.metadata.name} edited\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return 0;
}
