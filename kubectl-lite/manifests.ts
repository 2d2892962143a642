// The objects named by -f: files, directories (their .yaml/.yml/.json files; -R descends), and "-"
// for stdin. Multi-document YAML and kind: List both expand into their objects. A parse error names
// the file and the line, in kubectl's words (yaml-errors.ts).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UsageError } from './args.js';
import { goYamlError, splitDocuments } from './yaml-errors.js';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Source {
  /** Where the object came from, for messages. */
  file: string;
  object: Manifest;
}

const EXTENSIONS = /\.(ya?ml|json)$/;

/** Files a -f argument stands for, in name order within a directory (as kubectl visits them). */
export function expandPath(path: string, recursive: boolean, top = true): string[] {
  if (path === '-') return ['-'];
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`the path "${path}" does not exist`);
  }
  if (!st.isDirectory()) return [path];
  if (!top && !recursive) return [];
  const out: string[] = [];
  for (const entry of readdirSync(path).sort()) {
    const p = join(path, entry);
    if (statSync(p).isDirectory()) out.push(...expandPath(p, recursive, false));
    else if (EXTENSIONS.test(entry)) out.push(p);
  }
  return out;
}

/** The objects of one file's text. */
export function parseManifests(text: string, file: string): Manifest[] {
  const out: Manifest[] = [];
  // Document by document as kubectl cuts them, so that error lines count as kubectl counts them.
  for (const chunk of splitDocuments(text)) out.push(...parseDocument(chunk, file));
  return out;
}

function parseDocument(chunk: string, file: string): Manifest[] {
  const out: Manifest[] = [];
  // go-yaml (kubectl's parser) lets a repeated key through, the last one winning.
  for (const doc of parseAllDocuments(chunk, { uniqueKeys: false })) {
    if (doc.errors.length > 0) throw new UsageError(`error parsing ${file}: error converting YAML to JSON: yaml: ${goYamlError(chunk, doc.errors[0]!)}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`error parsing ${file}: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type map[string]interface {}`);
    const obj = value as Manifest;
    if (obj.kind && obj.kind.endsWith('List') && Array.isArray(obj['items'])) {
      for (const item of obj['items'] as Manifest[]) out.push(validate(item, file));
    } else out.push(validate(obj, file));
  }
  return out;
}

function validate(obj: Manifest, file: string): Manifest {
  const missing = [!obj.apiVersion && 'apiVersion not set', !obj.kind && 'kind not set'].filter(Boolean);
  // Go's aggregate error prints one error bare and several in brackets.
  const listed = missing.length === 1 ? missing[0] : `[${missing.join(', ')}]`;
  if (missing.length > 0) throw new UsageError(`error validating "${file}": error validating data: ${listed}; if you choose to ignore these errors, turn validation off with --validate=false`);
  obj.metadata ??= {};
  return obj;
}

export function readSources(paths: readonly string[], recursive: boolean, stdin: () => string): Source[] {
  if (paths.length === 0) throw new UsageError('must specify one of -f and -k');
  const out: Source[] = [];
  for (const p of paths) {
    for (const file of expandPath(p, recursive)) {
      const text = file === '-' ? stdin() : readFileSync(file, 'utf8');
      for (const object of parseManifests(text, file === '-' ? 'STDIN' : file)) out.push({ file: file === '-' ? 'STDIN' : file, object });
    }
  }
  if (out.length === 0) throw new UsageError('no objects passed to apply');
  return out;
}

/** What visiting the -f files yields, in order: objects, and where a file stopped reading, its error. */
export type Visited = Source | { file: string; error: UsageError };

/**
 * Like readSources, but the way kubectl apply visits files: a file that breaks at its third
 * document still yields the two before it, then its error, and the other files are read too.
 */
export function visitSources(paths: readonly string[], recursive: boolean, stdin: () => string): Visited[] {
  if (paths.length === 0) throw new UsageError('must specify one of -f and -k');
  const out: Visited[] = [];
  for (const p of paths) {
    for (const file of expandPath(p, recursive)) {
      const name = file === '-' ? 'STDIN' : file;
      const text = file === '-' ? stdin() : readFileSync(file, 'utf8');
      try {
        for (const chunk of splitDocuments(text)) for (const object of parseDocument(chunk, name)) out.push({ file: name, object });
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        out.push({ file: name, error: err });
      }
    }
  }
  if (out.length === 0) throw new UsageError('no objects passed to apply');
  return out;
}
