// kubectl explain TYPE[.field.path]: the field's type and description, and its fields, from the
// apiserver's OpenAPI v3 document for the resource's group-version.

import { UsageError } from '../args.js';
import type { Ctx } from '../context.js';

interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
  allOf?: Schema[];
  required?: string[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

function typeName(s: Schema, deref: (s: Schema) => Schema): string {
  const d = deref(s);
  if (d.type === 'array' && d.items) return `[]${typeName(d.items, deref)}`;
  if (d.type === 'object' && !d.properties) return 'map[string]string';
  if (d.type && d.type !== 'object') return d.type;
  const ref = s.$ref ?? s.allOf?.[0]?.$ref;
  return ref ? ref.split('.').pop()! : 'Object';
}

const indent = (text: string, n: number) => text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const [word] = args;
  if (!word) throw new UsageError('You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.');
  const [typeWord, ...path] = word.split('.');
  const r = await ctx.resolve(typeWord!);
  const gv = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
  const doc = await ctx.api.request<{ components?: { schemas?: Record<string, Schema> } }>('GET', `/openapi/v3/${gv}`);
  const schemas = doc.components?.schemas ?? {};
  const deref = (s: Schema): Schema => {
    const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0]!.$ref : undefined);
    return ref ? { ...(schemas[ref.replace('#/components/schemas/', '')] ?? {}), description: s.description ?? schemas[ref.replace('#/components/schemas/', '')]?.description } : s;
  };
  const root = Object.values(schemas).find((s) => (s['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === r.group && g.version === r.version && g.kind === r.kind));
  if (!root) throw new UsageError(`couldn't find resource for "${word}"`);
  let field: Schema = root;
  let fieldName = '';
  for (const p of path) {
    let d = deref(field);
    while (d.type === 'array' && d.items) d = deref(d.items);
    const next = d.properties?.[p];
    if (!next) throw new UsageError(`field "${p}" does not exist`);
    field = next;
    fieldName = p;
  }
  let out = r.group ? `GROUP:      ${r.group}\n` : '';
  out += `KIND:       ${r.kind}\nVERSION:    ${r.version}\n\n`;
  if (fieldName) out += `FIELD: ${fieldName} <${typeName(field, deref)}>\n\n`;
  let d = deref(field);
  out += `DESCRIPTION:\n${indent(d.description ?? '<empty>', 4)}\n`;
  while (d.type === 'array' && d.items) d = deref(d.items);
  const props = Object.entries(d.properties ?? {});
  if (props.length > 0) {
    out += '\nFIELDS:\n';
    for (const [name, s] of props) {
      out += `  ${name}\t<${typeName(s, deref)}>${(d.required ?? []).includes(name) ? ' -required-' : ''}\n`;
      out += `${indent((deref(s).description ?? '<no description>').split('\n')[0]!, 4)}\n\n`;
    }
  }
  ctx.out(out.replace(/\n+$/, '\n'));
  return 0;
}
