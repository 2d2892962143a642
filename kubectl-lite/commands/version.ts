// kubectl version: the client's version, then the server's from /version.

import type { Ctx } from '../context.js';

export const CLIENT_VERSION = 'v1.32.0-lite';

export async function run(ctx: Ctx): Promise<number> {
  ctx.out(`Client Version: ${CLIENT_VERSION}\n`);
  if (ctx.args.bool('client')) return 0;
  const v = await ctx.api.request<{ gitVersion?: string }>('GET', '/version');
  ctx.out(`Server Version: ${v.gitVersion ?? 'unknown'}\n`);
  return 0;
}
