// kubectl drain NODE: cordon it, then evict its pods through pods/eviction (so that
// PodDisruptionBudgets are honoured) and wait for them to go. DaemonSet pods need
// --ignore-daemonsets (they would come right back); mirror pods are skipped.

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { resourcePath } from '../discovery.js';
import type { KObj } from '../objects.js';
import { parseDuration, waitGone } from '../wait-gone.js';
import { setSchedulable } from './cordon.js';
import { ApiStatusError } from '../../client/types.js';

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const name = args[0]?.replace(/^nodes?\//, '');
  if (!name) throw new UsageError('USAGE: drain NODE [flags]');
  const nodes = await ctx.resolve('nodes');
  const node = await ctx.api.request<KObj>('GET', resourcePath(nodes, undefined, name));
  ctx.out(await setSchedulable(ctx, name, true, Boolean(node.spec?.['unschedulable'])));
  const podsR = await ctx.resolve('pods');
  const pods = (await ctx.api.request<{ items: KObj[] }>('GET', resourcePath(podsR, undefined), { query: { fieldSelector: `spec.nodeName=${name}` } })).items;
  const daemon = pods.filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet' && o.controller));
  if (daemon.length > 0 && !ctx.args.bool('ignore-daemonsets')) {
    throw new UsageError(`unable to drain node "${name}" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemon.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}, continuing command...`);
  }
  if (daemon.length > 0) ctx.err(`Warning: ignoring DaemonSet-managed Pods: ${daemon.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}\n`);
  const evict = pods.filter((p) => !daemon.includes(p) && !p.metadata.annotations?.['kubernetes.io/config.mirror'] && !p.metadata.deletionTimestamp);
  const deadline = Date.now() + parseDuration(ctx.args.str('timeout'));
  for (const p of evict) {
    ctx.out(`evicting pod ${p.metadata.namespace}/${p.metadata.name}\n`);
    for (;;) {
      try {
        await ctx.api.request('POST', resourcePath(podsR, p.metadata.namespace, p.metadata.name, 'eviction'), { body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.metadata.name, namespace: p.metadata.namespace } } });
        break;
      } catch (err) {
        // 429: a PodDisruptionBudget says not now; kubectl retries every 5 s.
        if (!(err instanceof ApiStatusError && err.code === 429) || Date.now() > deadline) throw err;
        ctx.err(`error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}" (will retry after 5s): ${err.message}\n`);
        await new Promise((r) => setTimeout(r, 5_000));
      }
    }
  }
  for (const p of evict) {
    if (await waitGone(ctx, podsR, p.metadata.namespace, p.metadata.name, p.metadata.uid, deadline)) ctx.out(`pod/${p.metadata.name} evicted\n`);
    else throw new UsageError(`drain did not complete within ${ctx.args.str('timeout')}`);
  }
  ctx.out(`node/${name} drained\n`);
  return 0;
}
