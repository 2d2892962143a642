// kubectl rollout status|history|undo|restart|pause|resume for Deployments. status prints kubectl's
// messages as the Deployment changes (from a watch) until it is rolled out; undo copies the pod
// template of the ReplicaSet with the wanted revision back into the Deployment, as kubectl does.

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourcePath, type ApiResource } from '../discovery.js';
import { JSON_PATCH, MERGE, STRATEGIC } from '../mutate.js';
import { listObjects, selectObjects, type KObj } from '../objects.js';
import { formatColumns } from '../printer.js';
import { templatePatch } from '../pod-template.js';
import { parseDuration } from '../wait-gone.js';

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

interface DeploymentState {
  metadata: { name: string; generation?: number };
  spec?: { replicas?: number; paused?: boolean };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; conditions?: { type: string; reason?: string }[] };
}

/** kubectl's DeploymentStatusViewer: the message for this state, and whether the rollout is done. */
export function deploymentStatus(d: DeploymentState): { message: string; done: boolean } {
  const name = d.metadata.name;
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
  if ((s.conditions ?? []).some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) throw new UsageError(`deployment "${name}" exceeded its progress deadline`);
  const want = d.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  if (updated < want) return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...\n`, done: false };
  if ((s.replicas ?? 0) > updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
  if ((s.availableReplicas ?? 0) < updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
  return { message: `deployment "${name}" successfully rolled out\n`, done: true };
}

async function ownedReplicaSets(ctx: Ctx, d: KObj): Promise<KObj[]> {
  const rs = await ctx.resolve('replicasets.apps');
  const list = await listObjects(ctx, rs, d.metadata.namespace);
  return list.items.filter((r) => (r.metadata.ownerReferences ?? []).some((o) => o.uid === d.metadata.uid));
}

async function status(ctx: Ctx, r: ApiResource, d: KObj): Promise<number> {
  const deadline = Date.now() + parseDuration(ctx.args.str('timeout'));
  let last = '';
  let current = d;
  for (;;) {
    const { message, done } = deploymentStatus(current as unknown as DeploymentState);
    if (message !== last) ctx.out(message);
    last = message;
    if (done || !ctx.args.bool('watch', true)) return 0;
    const left = deadline - Date.now();
    if (left <= 0) throw new UsageError('timed out waiting for the condition');
    const stop = new AbortController();
    const timer = Number.isFinite(left) ? setTimeout(() => stop.abort(), left) : undefined;
    try {
      const events = ctx.api.streamLines(resourcePath(r, d.metadata.namespace), { timeoutMs: 0, signal: stop.signal, query: { watch: 'true', fieldSelector: `metadata.name=${d.metadata.name}`, resourceVersion: current.metadata.resourceVersion, timeoutSeconds: 300 } });
      for await (const ev of events) {
        const e = ev as { type: string; object: KObj };
        if (e.type === 'DELETED') throw new UsageError(`object has been deleted`);
        if (e.type !== 'MODIFIED' && e.type !== 'ADDED') continue;
        current = e.object;
        const next = deploymentStatus(current as unknown as DeploymentState);
        if (next.message !== last) ctx.out(next.message);
        last = next.message;
        if (next.done) return 0;
      }
    } finally {
      if (timer) clearTimeout(timer);
    }
    current = await ctx.api.request<KObj>('GET', resourcePath(r, d.metadata.namespace, d.metadata.name));
  }
}

async function history(ctx: Ctx, d: KObj, label: string): Promise<number> {
  const sets = (await ownedReplicaSets(ctx, d)).map((rs) => ({ rev: Number(rs.metadata.annotations?.[REVISION] ?? 0), cause: rs.metadata.annotations?.[CHANGE_CAUSE] ?? '<none>' })).sort((a, b) => a.rev - b.rev);
  ctx.out(`${label}\n`);
  ctx.out(formatColumns([['REVISION', 'CHANGE-CAUSE'], ...sets.map((s) => [String(s.rev), s.cause])]));
  ctx.out('\n');
  return 0;
}

async function undo(ctx: Ctx, r: ApiResource, d: KObj, label: string): Promise<number> {
  const sets = (await ownedReplicaSets(ctx, d)).map((rs) => ({ rs, rev: Number(rs.metadata.annotations?.[REVISION] ?? 0) })).sort((a, b) => b.rev - a.rev);
  const want = Number(ctx.args.str('to-revision') ?? 0);
  const current = Number(d.metadata.annotations?.[REVISION] ?? sets[0]?.rev ?? 0);
  const target = want > 0 ? sets.find((s) => s.rev === want) : sets.find((s) => s.rev !== current);
  if (!target) throw new UsageError(want > 0 ? `unable to find specified revision ${want} in history` : 'no rollout history found for deployment "' + d.metadata.name + '"');
  if (d.spec?.['paused']) throw new UsageError(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again`);
  const template = JSON.parse(JSON.stringify((target.rs.spec as { template: { metadata?: { labels?: Record<string, string> } } }).template)) as { metadata?: { labels?: Record<string, string> } };
  // The ReplicaSet's template carries the pod-template-hash label the Deployment's does not have.
  delete template.metadata?.labels?.['pod-template-hash'];
  if (target.rev === current) {
    ctx.out(`${label} skipped rollback (current template already matches revision ${target.rev})\n`);
    return 0;
  }
  const ops = [{ op: 'replace', path: '/spec/template', value: template }];
  await ctx.api.request('PATCH', resourcePath(r, d.metadata.namespace, d.metadata.name), { body: ops, contentType: JSON_PATCH, query: { fieldManager: 'kubectl-rollout' } });
  ctx.out(`${label} rolled back\n`);
  return 0;
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const targets = await selectObjects(ctx, rest);
  for (const { r, obj } of targets) {
    if (r.kind !== 'Deployment' && sub !== 'restart') throw new UsageError(`no ${sub} support for ${r.kind}`);
    const label = `${kindGroup(r)}/${obj.metadata.name}`;
    const path = resourcePath(r, obj.metadata.namespace, obj.metadata.name);
    switch (sub) {
      case 'status':
        await status(ctx, r, obj);
        break;
      case 'history':
        await history(ctx, obj, label);
        break;
      case 'undo':
        await undo(ctx, r, obj, label);
        break;
      case 'restart': {
        const patch = templatePatch(obj.kind, { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } });
        await ctx.api.request('PATCH', path, { body: patch, contentType: STRATEGIC, query: { fieldManager: 'kubectl-rollout' } });
        ctx.out(`${label} restarted\n`);
        break;
      }
      case 'pause':
      case 'resume': {
        const paused = sub === 'pause';
        if (Boolean(obj.spec?.['paused']) === paused) {
          ctx.out(`${label} already ${paused ? 'paused' : 'resumed'}\n`);
          break;
        }
        await ctx.api.request('PATCH', path, { body: { spec: { paused: paused ? true : null } }, contentType: MERGE, query: { fieldManager: 'kubectl-rollout' } });
        ctx.out(`${label} ${paused ? 'paused' : 'resumed'}\n`);
        break;
      }
      default:
        throw new UsageError(`unknown command "${sub ?? ''}" for "kubectl rollout"`);
    }
  }
  return 0;
}
