// kubectl describe: nodes exactly as kubectl lays them out (describe/node.ts); a readable subset
// of kubectl's layout for pods, deployments, replicasets and services (others get their metadata and spec), then the object's Events, found by
// involvedObject.uid.

import { stringify } from 'yaml';
import type { Ctx } from '../context.js';
import { resourcePath } from '../discovery.js';
import { selectObjects, type KObj } from '../objects.js';
import { age, formatColumns, formatLabels } from '../printer.js';
import { podTemplate } from '../pod-template.js';
import { fetchAndDescribeNode } from '../describe/node.js';

type Lines = [string, string][];
const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
const str = (v: unknown, dflt = '<none>') => (v === undefined || v === null || v === '' ? dflt : String(v));

function multiMap(title: string, m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  if (keys.length === 0) return `${title}:`.padEnd(14) + '<none>\n';
  return keys.map((k, i) => (i === 0 ? `${title}:`.padEnd(14) : ' '.repeat(14)) + `${k}=${m![k]}`).join('\n') + '\n';
}

function header(o: KObj, extra: Lines): string {
  let s = `Name:`.padEnd(14) + o.metadata.name + '\n';
  if (o.metadata.namespace) s += 'Namespace:'.padEnd(14) + o.metadata.namespace + '\n';
  s += multiMap('Labels', o.metadata.labels);
  s += multiMap('Annotations', o.metadata.annotations);
  if (o.metadata.creationTimestamp) s += 'CreationTimestamp:  ' + new Date(o.metadata.creationTimestamp).toUTCString() + '\n';
  for (const [k, v] of extra) s += `${k}:`.padEnd(14) + v + '\n';
  return s;
}

function containers(o: KObj): string {
  let s = 'Containers:\n';
  for (const c of podTemplate(o)?.spec?.containers ?? []) {
    s += `  ${c.name}:\n    Image:      ${str(c.image)}\n`;
    if (c.ports?.length) s += `    Port:       ${c.ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ')}\n`;
    s += `    Environment:${(c.env ?? []).length === 0 ? '  <none>' : ''}\n`;
    for (const e of c.env ?? []) s += `      ${e.name}:  ${str(e.value, '')}\n`;
  }
  return s;
}

function conditions(o: KObj): string {
  const cs = (get(o, 'status.conditions') ?? []) as { type: string; status: string; reason?: string }[];
  if (cs.length === 0) return '';
  return 'Conditions:\n' + formatColumns([['  Type', 'Status', 'Reason'], ['  ----', '------', '------'], ...cs.map((c) => [`  ${c.type}`, c.status, c.reason ?? ''])]);
}

function body(o: KObj): string {
  switch (o.kind) {
    case 'Pod':
      return (
        header(o, [
          ['Node', str(get(o, 'spec.nodeName'))],
          ['Status', str(o.metadata.deletionTimestamp ? 'Terminating' : get(o, 'status.phase'))],
          ['IP', str(get(o, 'status.podIP'), '')],
          ['Controlled By', (o.metadata.ownerReferences ?? []).filter((r) => r.controller).map((r) => `${r.kind}/${r.name}`).join(', ') || '<none>'],
        ]) +
        containers(o) +
        conditions(o)
      );
    case 'Deployment':
    case 'ReplicaSet': {
      const st = (o.status ?? {}) as Record<string, number | undefined>;
      const extra: Lines = [['Selector', Object.entries((get(o, 'spec.selector.matchLabels') ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',')]];
      if (o.kind === 'Deployment') {
        extra.push(['Replicas', `${get(o, 'spec.replicas') ?? 1} desired | ${st['updatedReplicas'] ?? 0} updated | ${st['replicas'] ?? 0} total | ${st['availableReplicas'] ?? 0} available | ${st['unavailableReplicas'] ?? 0} unavailable`]);
        extra.push(['StrategyType', str(get(o, 'spec.strategy.type'), 'RollingUpdate')]);
      } else extra.push(['Replicas', `${st['replicas'] ?? 0} current / ${get(o, 'spec.replicas') ?? 1} desired`]);
      return header(o, extra) + 'Pod Template:\n' + multiMap('  Labels', podTemplate(o)?.metadata?.labels) + containers(o).replace(/^/gm, '  ') + conditions(o);
    }
    case 'Service':
      return header(o, [
        ['Selector', formatLabels(get(o, 'spec.selector') as Record<string, string>)],
        ['Type', str(get(o, 'spec.type'), 'ClusterIP')],
        ['IP', str(get(o, 'spec.clusterIP'))],
        ['Port', ((get(o, 'spec.ports') ?? []) as { name?: string; port: number; protocol?: string; targetPort?: unknown }[]).map((p) => `${p.name ?? '<unset>'}  ${p.port}/${p.protocol ?? 'TCP'} -> ${String(p.targetPort ?? p.port)}`).join(', ')],
      ]);
    default:
      return header(o, []) + (o.spec ? 'Spec:\n' + stringify(o.spec).replace(/^/gm, '  ') : '');
  }
}

async function events(ctx: Ctx, o: KObj): Promise<string> {
  const r = await ctx.resolve('events');
  const list = await ctx.api.request<{ items: { type?: string; reason?: string; message?: string; lastTimestamp?: string; eventTime?: string; source?: { component?: string }; reportingComponent?: string; count?: number }[] }>('GET', resourcePath(r, o.metadata.namespace), { query: { fieldSelector: `involvedObject.uid=${o.metadata.uid}` } });
  if (list.items.length === 0) return 'Events:       <none>\n';
  const rows = list.items.map((e) => ['  ' + (e.type ?? ''), e.reason ?? '', age(e.lastTimestamp ?? e.eventTime), e.source?.component ?? e.reportingComponent ?? '', (e.message ?? '').trim()]);
  return 'Events:\n' + formatColumns([['  Type', 'Reason', 'Age', 'From', 'Message'], ['  ----', '------', '----', '----', '-------'], ...rows]);
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const found = await selectObjects(ctx, args, false);
  let first = true;
  for (const { r, obj } of found) {
    obj.kind ??= r.kind;
    if (!first) ctx.out('\n\n');
    first = false;
    ctx.out(obj.kind === 'Node' ? await fetchAndDescribeNode(ctx, obj) : body(obj) + (await events(ctx, obj)));
  }
  if (found.length === 0) ctx.err(`No resources found in ${ctx.namespace} namespace.\n`);
  return 0;
}
