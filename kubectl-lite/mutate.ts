// Shared pieces of the commands that write: the dry-run flag, the message suffixes it brings, and
// which patch type a resource takes (strategic merge for built-in kinds, JSON merge for the rest,
// because custom resources have no strategic-merge schema).

import { UsageError } from './args.js';
import type { Ctx } from './context.js';
import type { ApiResource } from './discovery.js';

export type DryRun = 'none' | 'client' | 'server';

export function dryRun(ctx: Ctx): DryRun {
  const v = ctx.args.str('dry-run');
  if (v === undefined || v === 'none' || v === 'false') return 'none';
  if (v === 'client' || v === 'true') return 'client';
  if (v === 'server') return 'server';
  throw new UsageError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

export function dryRunSuffix(d: DryRun): string {
  return d === 'client' ? ' (dry run)' : d === 'server' ? ' (server dry run)' : '';
}

export function dryRunQuery(d: DryRun): string | undefined {
  return d === 'server' ? 'All' : undefined;
}

export function isBuiltIn(r: Pick<ApiResource, 'group'>): boolean {
  return r.group === '' || !r.group.includes('.') || r.group.endsWith('.k8s.io');
}

export const STRATEGIC = 'application/strategic-merge-patch+json';
export const MERGE = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
export const APPLY = 'application/apply-patch+yaml';

export function patchContentType(r: ApiResource): string {
  return isBuiltIn(r) ? STRATEGIC : MERGE;
}
