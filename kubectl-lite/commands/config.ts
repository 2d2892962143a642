// kubectl config view | get-contexts | current-context | use-context: reading and switching the
// kubeconfig's contexts. view hides secrets the way kubectl does unless --raw.

import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from '../args.js';
import { kubeconfigFiles, readKubeconfigDoc, type KubeconfigDoc } from '../config.js';
import type { Ctx } from '../context.js';
import { formatColumns } from '../printer.js';
import { stringify } from 'yaml';

const SECRET_DATA = ['certificate-authority-data', 'client-certificate-data', 'client-key-data'];
const SECRET_TEXT = ['token', 'password'];

function redact(doc: KubeconfigDoc): KubeconfigDoc {
  const copy = JSON.parse(JSON.stringify(doc)) as KubeconfigDoc;
  for (const c of copy.clusters ?? []) for (const k of SECRET_DATA) if (c.cluster?.[k]) c.cluster[k] = 'DATA+OMITTED';
  for (const u of copy.users ?? []) {
    for (const k of SECRET_DATA) if (u.user?.[k]) u.user[k] = 'DATA+OMITTED';
    for (const k of SECRET_TEXT) if (u.user?.[k]) u.user[k] = 'REDACTED';
  }
  return copy;
}

/**
 * kubectl prints config view's YAML through JSON into a map, so every key comes out sorted; its
 * JSON keeps the Go structs' field order. Fields these tables do not know keep their own order,
 * after the known ones.
 */
const JSON_ORDER: Record<string, string[]> = {
  config: ['kind', 'apiVersion', 'preferences', 'clusters', 'users', 'contexts', 'current-context', 'extensions'],
  cluster: ['server', 'tls-server-name', 'insecure-skip-tls-verify', 'certificate-authority', 'certificate-authority-data', 'proxy-url', 'disable-compression', 'extensions'],
  user: ['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups', 'as-user-extra', 'username', 'password', 'auth-provider', 'exec', 'extensions'],
  context: ['cluster', 'user', 'namespace', 'extensions'],
};

function ordered(o: Record<string, unknown> | undefined, order: string[]): Record<string, unknown> | undefined {
  if (!o || typeof o !== 'object') return o;
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in o) out[k] = o[k];
  for (const k of Object.keys(o)) if (!(k in out)) out[k] = o[k];
  return out;
}

function jsonOrder(doc: KubeconfigDoc): unknown {
  const d = doc as unknown as Record<string, unknown>;
  const named = (list: unknown, field: string) =>
    Array.isArray(list) ? list.map((e: Record<string, unknown>) => ordered({ ...e, [field]: ordered(e[field] as Record<string, unknown>, JSON_ORDER[field]!) }, ['name', field])) : list;
  return ordered({ ...d, clusters: named(d['clusters'], 'cluster'), users: named(d['users'], 'user'), contexts: named(d['contexts'], 'context') }, JSON_ORDER['config']!);
}

function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** kubectl prints an empty list as null. */
function orNull<T>(list: T[] | undefined): T[] | null {
  return list && list.length > 0 ? list : null;
}

function minify(doc: KubeconfigDoc, contextName: string | undefined): KubeconfigDoc {
  const ctx = doc.contexts?.find((c) => c.name === contextName);
  if (!ctx) throw new UsageError('current-context must exist in order to minify');
  return {
    ...doc,
    'current-context': ctx.name,
    contexts: [ctx],
    clusters: (doc.clusters ?? []).filter((c) => c.name === ctx.context?.cluster),
    users: (doc.users ?? []).filter((u) => u.name === ctx.context?.user),
  };
}

export async function run(ctx: Ctx, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { doc, files } = readKubeconfigDoc(ctx.args);
  switch (sub) {
    case 'view': {
      let view: KubeconfigDoc = { apiVersion: 'v1', kind: 'Config', preferences: {}, ...doc, clusters: orNull(doc.clusters), contexts: orNull(doc.contexts), users: orNull(doc.users) } as KubeconfigDoc;
      if (ctx.args.bool('minify')) view = minify(view, ctx.args.str('context') ?? doc['current-context']);
      if (!ctx.args.bool('raw')) view = redact(view);
      ctx.out(ctx.args.str('output') === 'json' ? JSON.stringify(jsonOrder(view), null, 4) + '\n' : stringify(sortedKeys(view), { lineWidth: 0, indentSeq: false }));
      return 0;
    }
    case 'current-context':
      if (!doc['current-context']) throw new UsageError('current-context is not set');
      ctx.out(doc['current-context'] + '\n');
      return 0;
    case 'get-contexts': {
      const wanted = rest;
      const contexts = (doc.contexts ?? []).filter((c) => wanted.length === 0 || wanted.includes(c.name));
      for (const w of wanted) if (!contexts.some((c) => c.name === w)) throw new UsageError(`context ${w} not found`);
      if (ctx.args.str('output') === 'name') {
        for (const c of contexts) ctx.out(c.name + '\n');
        return 0;
      }
      const lines = [['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']];
      for (const c of contexts) lines.push([c.name === doc['current-context'] ? '*' : '', c.name, c.context?.cluster ?? '', c.context?.user ?? '', c.context?.namespace ?? '']);
      ctx.out(formatColumns(lines));
      return 0;
    }
    case 'use-context': {
      const name = rest[0];
      if (!name) throw new UsageError('Unexpected args: []');
      if (!(doc.contexts ?? []).some((c) => c.name === name)) throw new UsageError(`no context exists with the name: "${name}"`);
      // Like kubectl: the first file that sets current-context gets the new one, else the first file.
      const all = kubeconfigFiles(ctx.args);
      const target = files.find((f) => (parse(readFileSync(f, 'utf8')) as KubeconfigDoc | null)?.['current-context']) ?? files[0] ?? all[0]!;
      const own = files.includes(target) ? ((parse(readFileSync(target, 'utf8')) ?? {}) as KubeconfigDoc) : {};
      own['current-context'] = name;
      writeFileSync(target, stringify(own, { lineWidth: 0, indentSeq: false }));
      ctx.out(`Switched to context "${name}".\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${sub ?? ''}" for "kubectl config"`);
  }
}
