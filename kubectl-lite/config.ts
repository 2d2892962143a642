// Where kubectl-lite talks to and as whom: --kubeconfig, else every file of $KUBECONFIG merged
// (client/kubeconfig-merge.ts), else ~/.kube/config; --context picks a context, --server overrides
// the cluster's server, and the namespace is -n, else the context's namespace, else "default".

import { KubeconfigError, restConfigFromDoc } from '../client/kubeconfig.js';
import { kubeconfigPaths, readKubeconfigs, type KubeconfigDoc, type LoadedKubeconfigs } from '../client/kubeconfig-merge.js';
import type { RestConfig } from '../client/rest.js';
import type { Args } from './args.js';
import { UsageError } from './args.js';

export type { KubeconfigDoc };

/** The kubeconfig files kubectl would read, in merge order. */
export function kubeconfigFiles(args: Args, env: NodeJS.ProcessEnv = process.env): string[] {
  return kubeconfigPaths(args.str('kubeconfig'), env);
}

/** The merged document, paths as written (what `config view` prints), and the files it came from. */
export function readKubeconfigDoc(args: Args, env: NodeJS.ProcessEnv = process.env): LoadedKubeconfigs {
  return oneLine(() => readKubeconfigs(kubeconfigFiles(args, env)));
}

export interface Target {
  rest: RestConfig;
  namespace: string;
}

export function resolveTarget(args: Args, env: NodeJS.ProcessEnv = process.env): Target {
  const server = args.str('server');
  const { doc, files } = oneLine(() => readKubeconfigs(kubeconfigFiles(args, env), { resolvePaths: true }));
  let rest: RestConfig;
  if (files.length === 0) {
    if (!server) throw new UsageError('The connection to the server localhost:8080 was refused - did you specify the right host or port?');
    rest = { server };
  } else {
    rest = oneLine(() => restConfigFromDoc(doc, { context: args.str('context'), server }));
  }
  return { rest, namespace: args.str('namespace') || rest.namespace || 'default' };
}

function oneLine<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof KubeconfigError) throw new UsageError(err.message);
    throw err;
  }
}
