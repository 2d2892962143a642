// kubectl annotate TYPE NAME k=v k2- [--overwrite].

import type { Ctx } from '../context.js';
import { editMetadata } from '../metadata-edit.js';

export function run(ctx: Ctx, args: string[]): Promise<number> {
  return editMetadata(ctx, args, 'annotations', 'annotated');
}
