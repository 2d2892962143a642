// kubectl get: the server's Table (its columns, priority 0 unless -o wide) for people, the objects
// themselves for -o yaml|json|name|jsonpath=..., and with -w the rows of a watch as they change.
// `get nodes -o wide` also shows what each node's pods request (node-allocation.ts).

import { TABLE_ACCEPT } from '../api.js';
import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';
import { kindGroup, resourceForObject, resourcePath, type ApiResource } from '../discovery.js';
import { errorLine } from '../errors.js';
import { jsonpath } from '../jsonpath.js';
import { readSources } from '../manifests.js';
import { getObject, listObjects, type KObj } from '../objects.js';
import { formatColumns, tableLines, type Table } from '../printer.js';
import { toJson, toYaml } from '../output.js';
import { parseTargets } from '../targets.js';
import { ALLOCATION_HEADERS, allocationCells, podsByNode } from '../node-allocation.js';

interface Group {
  r: ApiResource;
  names: string[];
  /** Per name from -f: its namespace. */
  namespaces?: (string | undefined)[];
}

async function groupsFor(ctx: Ctx, args: string[]): Promise<Group[]> {
  const files = ctx.args.all('filename');
  if (files.length > 0) {
    const all = await ctx.resources();
    const out: Group[] = [];
    for (const s of readSources(files, ctx.args.bool('recursive'), () => ctx.stdin())) {
      const r = resourceForObject(all, s.object.apiVersion, s.object.kind);
      if (!r) throw new UsageError(`no matches for kind "${s.object.kind}" in version "${s.object.apiVersion}"`);
      out.push({ r, names: [s.object.metadata.name!], namespaces: [s.object.metadata.namespace] });
    }
    return out;
  }
  const targets = parseTargets(args);
  if (targets.length === 0) throw new UsageError('Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples');
  const out: Group[] = [];
  for (const t of targets) {
    if (t.type === 'all') {
      // "all" is the category: every resource that lists it.
      for (const r of (await ctx.resources()).filter((x) => x.preferred && x.categories.includes('all'))) out.push({ r, names: t.names });
    } else out.push({ r: await ctx.resolve(t.type), names: t.names });
  }
  return out;
}

function emptyMessage(ctx: Ctx, groups: Group[]): string {
  if (ctx.allNamespaces || groups.every((g) => !g.r.namespaced)) return 'No resources found\n';
  return `No resources found in ${ctx.namespace} namespace.\n`;
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const output = ctx.args.str('output') ?? '';
  const groups = await groupsFor(ctx, args);
  const multi = groups.length > 1 || args[0] === 'all';
  let failed = false;
  const fail = (err: unknown) => {
    failed = true;
    ctx.err(errorLine(err) + '\n');
  };
  const nsOf = (g: Group, i: number) => (g.r.namespaced ? (g.namespaces?.[i] ?? (ctx.allNamespaces && g.names.length === 0 ? undefined : ctx.namespace)) : undefined);

  if (output === '' || output === 'wide') {
    let printed = 0;
    let first: { g: Group; table: Table } | undefined;
    for (const g of groups) {
      let table: Table | undefined;
      if (g.names.length > 0) {
        for (const [i, name] of g.names.entries()) {
          try {
            const t = await ctx.api.request<Table>('GET', resourcePath(g.r, nsOf(g, i), name), { accept: TABLE_ACCEPT, query: { includeObject: 'Object' } });
            if (table) table.rows!.push(...(t.rows ?? []));
            else table = t;
          } catch (err) {
            fail(err);
          }
        }
      } else {
        table = await ctx.api.request<Table>('GET', resourcePath(g.r, nsOf(g, 0)), {
          accept: TABLE_ACCEPT,
          query: { includeObject: 'Object', labelSelector: ctx.args.str('selector'), fieldSelector: ctx.args.str('field-selector') },
        });
      }
      first ??= table ? { g, table } : undefined;
      if (!table || (table.rows ?? []).length === 0) continue;
      if (printed > 0) ctx.out('\n');
      ctx.out(await render(ctx, g, table, multi));
      printed++;
    }
    if (printed === 0 && !failed) ctx.err(emptyMessage(ctx, groups));
    if (ctx.args.bool('watch') && first) await watchRows(ctx, first.g, first.table, nsOf(first.g, 0));
    return failed ? 1 : 0;
  }

  const objects: KObj[] = [];
  let single = false;
  for (const g of groups) {
    if (g.names.length > 0) {
      for (const [i, name] of g.names.entries()) {
        try {
          const o = await getObject(ctx, g.r, nsOf(g, i), name);
          objects.push(o);
        } catch (err) {
          fail(err);
        }
      }
      single = groups.length === 1 && g.names.length === 1;
    } else objects.push(...(await listObjects(ctx, g.r, nsOf(g, 0))).items);
  }
  if (objects.length === 0 && !failed && output !== 'json' && output !== 'yaml') ctx.err(emptyMessage(ctx, groups));
  const data: unknown = single && objects.length === 1 ? objects[0] : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  const byKind = (o: KObj) => groups.find((g) => `${g.r.group ? g.r.group + '/' : ''}${g.r.version}` === o.apiVersion && g.r.kind === o.kind)?.r;
  ctx.out(formatObjects(output, data, objects, byKind));
  return failed ? 1 : 0;
}

export function formatObjects(output: string, data: unknown, objects: KObj[], resourceOf: (o: KObj) => ApiResource | undefined): string {
  if (output === 'yaml') return toYaml(data);
  if (output === 'json') return toJson(data);
  if (output === 'name') return objects.map((o) => `${kindGroup(resourceOf(o) ?? { kind: o.kind ?? '', group: (o.apiVersion ?? '').split('/').slice(0, -1).join('/') })}/${o.metadata.name}\n`).join('');
  const jp = /^jsonpath=(.*)$/s.exec(output);
  if (jp) return jsonpath(jp[1]!, data);
  throw new UsageError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,jsonpath,name,wide,yaml`);
}

async function render(ctx: Ctx, g: Group, table: Table, multi: boolean): Promise<string> {
  const { header, rows } = tableLines(table, {
    wide: ctx.args.str('output') === 'wide',
    withNamespace: ctx.allNamespaces && g.r.namespaced,
    showLabels: ctx.args.bool('show-labels'),
    namePrefix: multi ? kindGroup(g.r) : undefined,
  });
  if (g.r.group === '' && g.r.resource === 'nodes' && ctx.args.str('output') === 'wide') {
    const pods = await podsByNode(ctx);
    header.push(...ALLOCATION_HEADERS);
    (table.rows ?? []).forEach((row, i) => rows[i]!.push(...allocationCells(row.object ?? {}, pods.get(row.object?.metadata?.name ?? '') ?? [])));
  }
  return formatColumns(ctx.args.bool('no-headers') ? rows : [header, ...rows]);
}

/** -w: every change after the list, one row per event, aligned under the header printed above. */
async function watchRows(ctx: Ctx, g: Group, initial: Table, namespace: string | undefined): Promise<void> {
  const fieldSelector = g.names.length === 1 ? `metadata.name=${g.names[0]}` : ctx.args.str('field-selector');
  const opts = { wide: ctx.args.str('output') === 'wide', withNamespace: ctx.allNamespaces && g.r.namespaced, showLabels: ctx.args.bool('show-labels') };
  const head = tableLines(initial, opts);
  const widthRows = [head.header, ...head.rows];
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const events = ctx.api.streamLines(resourcePath(g.r, namespace), {
    accept: TABLE_ACCEPT,
    // A watch may be silent for minutes: no idle timeout, it ends with the server or on SIGINT.
    timeoutMs: 0,
    signal: stop.signal,
    query: { watch: 'true', resourceVersion: initial.metadata?.resourceVersion, includeObject: 'Object', labelSelector: ctx.args.str('selector'), fieldSelector },
  });
  for await (const ev of events) {
    const e = ev as { type: string; object: Table };
    if (e.type === 'ERROR') throw new UsageError(JSON.stringify(e.object));
    if (e.type === 'BOOKMARK' || e.object.kind !== 'Table') continue;
    for (const row of tableLines(e.object, opts).rows) {
      // Pad with the widths of what is already on screen so that the columns keep lining up.
      const lines = formatColumns([...widthRows, row]).split('\n');
      ctx.out(lines[lines.length - 2]! + '\n');
    }
  }
}
