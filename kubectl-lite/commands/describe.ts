// kubectl describe: nodes, pods, deployments, replicasets and services laid out as kubectl lays
// them out (describe/*.ts, aligned by the same tabwriter rules), with their Events; other kinds get
// their metadata and spec.

import { stringify } from 'yaml';
import type { Ctx } from '../context.js';
import { resourcePath } from '../discovery.js';
import { describeEvents, eventsFor, printAnnotations, printLabels, rfc1123z } from '../describe/common.js';
import { fetchAndDescribeNode } from '../describe/node.js';
import { describePod } from '../describe/pod.js';
import { describeService } from '../describe/service.js';
import { describeDeployment, describeReplicaSet } from '../describe/workloads.js';
import { selectObjects, type KObj } from '../objects.js';
import { DescribeWriter } from '../tabwriter.js';

async function list(ctx: Ctx, resource: string, namespace: string | undefined): Promise<KObj[]> {
  const r = await ctx.resolve(resource);
  return (await ctx.api.request<{ items: KObj[] }>('GET', resourcePath(r, namespace))).items;
}

function describeGeneric(o: KObj, events: Awaited<ReturnType<typeof eventsFor>>): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${o.metadata.name}\n`);
  if (o.metadata.namespace) w.write(0, `Namespace:\t${o.metadata.namespace}\n`);
  printLabels(w, 'Labels', o.metadata.labels);
  printAnnotations(w, 'Annotations', o.metadata.annotations);
  if (o.metadata.creationTimestamp) w.write(0, `CreationTimestamp:\t${rfc1123z(o.metadata.creationTimestamp)}\n`);
  w.flush();
  if (o.spec) w.write(0, 'Spec:\n' + stringify(o.spec).replace(/^(?=.)/gm, '  '));
  describeEvents(w, events);
  return w.toString();
}

async function describeOne(ctx: Ctx, obj: KObj): Promise<string> {
  const ns = obj.metadata.namespace;
  if (obj.kind === 'Node') return fetchAndDescribeNode(ctx, obj);
  const events = await eventsFor(ctx, ns, [obj.metadata.uid ?? '']);
  switch (obj.kind) {
    case 'Pod':
      return describePod(obj, events);
    case 'Deployment':
      return describeDeployment(obj, await list(ctx, 'replicasets.apps', ns), events);
    case 'ReplicaSet':
      return describeReplicaSet(obj, await list(ctx, 'pods', ns), events);
    case 'Service': {
      let endpoints: KObj | undefined;
      try {
        endpoints = await ctx.api.request<KObj>('GET', resourcePath(await ctx.resolve('endpoints'), ns, obj.metadata.name));
      } catch {
        endpoints = undefined; // not there yet: every port shows <none>
      }
      return describeService(obj, endpoints, events);
    }
    default:
      return describeGeneric(obj, events);
  }
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const found = await selectObjects(ctx, args, false);
  let first = true;
  for (const { r, obj } of found) {
    obj.kind ??= r.kind;
    if (!first) ctx.out('\n\n');
    first = false;
    ctx.out(await describeOne(ctx, obj));
  }
  if (found.length === 0) ctx.err(`No resources found in ${ctx.namespace} namespace.\n`);
  return 0;
}
