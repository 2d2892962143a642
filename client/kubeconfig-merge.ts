// Several kubeconfig files, merged the way kubectl merges $KUBECONFIG=a:b:c: for clusters, users
// and contexts the first file to define a name wins; current-context (and any other top-level
// field) comes from the first file that sets it. Files that do not exist are skipped, as kubectl
// skips them. Relative paths (certificate-authority, client-key, ...) are relative to the file that
// wrote them, so `resolvePaths` makes them absolute before the entries are mixed.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

type Fields = Record<string, unknown>;

export interface NamedEntry {
  name: string;
  cluster?: Fields;
  user?: Fields;
  context?: { cluster?: string; user?: string; namespace?: string; [field: string]: unknown };
}

/** A kubeconfig document, one file's or several merged. */
export interface KubeconfigDoc {
  'current-context'?: string;
  clusters?: NamedEntry[];
  users?: NamedEntry[];
  contexts?: NamedEntry[];
  [field: string]: unknown;
}

export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

/** The files kubectl reads: --kubeconfig alone, else every entry of $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPaths(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit) return [explicit];
  const list = (env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== '');
  if (list.length > 0) return [...new Set(list)];
  return [join(env['HOME'] ?? homedir(), '.kube', 'config')];
}

const PATH_FIELDS: Record<'clusters' | 'users', { key: 'cluster' | 'user'; fields: string[] }> = {
  clusters: { key: 'cluster', fields: ['certificate-authority'] },
  users: { key: 'user', fields: ['client-certificate', 'client-key', 'tokenFile'] },
};

/** Parses one file's text; errors name the file, as kubectl's "error loading config file" does. */
export function parseKubeconfigDoc(text: string, path: string, options: { resolvePaths?: boolean } = {}): KubeconfigDoc {
  let doc: KubeconfigDoc;
  try {
    doc = (parse(text) ?? {}) as KubeconfigDoc;
  } catch (err) {
    throw new KubeconfigError(`error loading config file "${path}": ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`error loading config file "${path}": not a mapping`);
  if (!options.resolvePaths) return doc;
  const baseDir = dirname(resolve(path));
  for (const [list, { key, fields }] of Object.entries(PATH_FIELDS) as [keyof typeof PATH_FIELDS, (typeof PATH_FIELDS)['clusters']][]) {
    for (const entry of doc[list] ?? []) {
      const body = entry[key];
      if (!body) continue;
      for (const f of fields) {
        const p = body[f];
        if (typeof p === 'string' && p !== '' && !isAbsolute(p)) body[f] = resolve(baseDir, p);
      }
    }
  }
  return doc;
}

/** Merges parsed documents, earlier ones winning. */
export function mergeKubeconfigDocs(docs: readonly KubeconfigDoc[]): KubeconfigDoc {
  const merged: KubeconfigDoc = {};
  for (const doc of docs) {
    for (const [field, value] of Object.entries(doc)) {
      if (field === 'clusters' || field === 'users' || field === 'contexts') {
        const have = (merged[field] ??= []);
        for (const entry of (value as NamedEntry[] | null) ?? []) if (!have.some((e) => e.name === entry.name)) have.push(entry);
      } else if (merged[field] === undefined || merged[field] === '' || merged[field] === null) {
        merged[field] = value;
      }
    }
  }
  return merged;
}

export interface LoadedKubeconfigs {
  doc: KubeconfigDoc;
  /** The files that existed and were read, in order. */
  files: string[];
}

/** Reads and merges the files that exist; a file that exists but cannot be parsed is an error. */
export function readKubeconfigs(paths: readonly string[], options: { resolvePaths?: boolean } = {}): LoadedKubeconfigs {
  const docs: KubeconfigDoc[] = [];
  const files: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    docs.push(parseKubeconfigDoc(text, path, options));
    files.push(path);
  }
  return { doc: mergeKubeconfigDocs(docs), files };
}
