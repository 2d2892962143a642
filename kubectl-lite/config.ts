// Where kubectl-lite talks to and as whom: --kubeconfig, else $KUBECONFIG (its first file; kubectl
// merges all of them), else ~/.kube/config; --context picks a context, --server overrides the
// cluster's server, and the namespace is -n, else the context's namespace, else "default".

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KubeconfigError, parseKubeconfig } from '../client/kubeconfig.js';
import { dirname, resolve } from 'node:path';
import type { RestConfig } from '../client/rest.js';
import type { Args } from './args.js';
import { UsageError } from './args.js';

export interface KubeconfigDoc {
  'current-context'?: string;
  clusters?: { name: string; cluster?: Record<string, unknown> }[];
  users?: { name: string; user?: Record<string, unknown> }[];
  contexts?: { name: string; context?: { cluster?: string; user?: string; namespace?: string } }[];
  [k: string]: unknown;
}

/** The kubeconfig file kubectl would read. */
export function kubeconfigPath(args: Args, env: NodeJS.ProcessEnv = process.env): string {
  const flag = args.str('kubeconfig');
  if (flag) return flag;
  const fromEnv = env['KUBECONFIG']?.split(':').find((p) => p !== '');
  if (fromEnv) return fromEnv;
  return join(env['HOME'] ?? homedir(), '.kube', 'config');
}

export function readKubeconfigDoc(path: string): KubeconfigDoc {
  if (!existsSync(path)) return {};
  return (parse(readFileSync(path, 'utf8')) ?? {}) as KubeconfigDoc;
}

export interface Target {
  rest: RestConfig;
  namespace: string;
}

export function resolveTarget(args: Args, env: NodeJS.ProcessEnv = process.env): Target {
  const server = args.str('server');
  const path = kubeconfigPath(args, env);
  let rest: RestConfig;
  if (!existsSync(path)) {
    if (!server) throw new UsageError('The connection to the server localhost:8080 was refused - did you specify the right host or port?');
    rest = { server };
  } else {
    try {
      rest = parseKubeconfig(readFileSync(path, 'utf8'), { context: args.str('context'), server, baseDir: dirname(resolve(path)) });
    } catch (err) {
      if (err instanceof KubeconfigError) throw new UsageError(err.message);
      throw err;
    }
  }
  return { rest, namespace: args.str('namespace') || rest.namespace || 'default' };
}
