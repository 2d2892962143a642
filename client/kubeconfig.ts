// kubectl's kubeconfig: the current context names a cluster (server, TLS trust) and a user
// (token or client certificate). Relative file paths in it are relative to the kubeconfig's own
// directory, as kubectl resolves them.
//
//   const config = loadKubeconfig('/home/me/.kube/config');            // → RestConfig
//   const config = loadKubeconfig(path, { server: 'http://127.0.0.1:8080', context: 'other' });

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { KubeconfigError, parseKubeconfigDoc, readKubeconfigs, type KubeconfigDoc } from './kubeconfig-merge.js';
import type { RestConfig } from './rest.js';

export { KubeconfigError };

type Fields = Record<string, unknown>;

export interface KubeconfigOptions {
  /** Use this context instead of current-context. */
  context?: string;
  /** Overrides the cluster's server (the --server flag). */
  server?: string;
}

export function loadKubeconfig(path: string, options: KubeconfigOptions = {}): RestConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseKubeconfig(text, { ...options, baseDir: dirname(resolve(path)) });
}

/**
 * $KUBECONFIG=a:b:c: the files merged as kubectl merges them (see kubeconfig-merge.ts). Missing
 * files are skipped; an error only when none of them exists.
 */
export function loadKubeconfigs(paths: readonly string[], options: KubeconfigOptions = {}): RestConfig {
  const { doc, files } = readKubeconfigs(paths, { resolvePaths: true });
  if (files.length === 0) throw new KubeconfigError(`cannot read kubeconfig ${paths.join(':')}: ENOENT`);
  return restConfigFromDoc(doc, options);
}

/** Parses kubeconfig text; `baseDir` resolves relative file references. */
export function parseKubeconfig(text: string, options: KubeconfigOptions & { baseDir?: string } = {}): RestConfig {
  return restConfigFromDoc(parseKubeconfigDoc(text, 'kubeconfig'), options);
}

/** The RestConfig a (possibly merged) document gives for the chosen context. */
export function restConfigFromDoc(doc: KubeconfigDoc, options: KubeconfigOptions & { baseDir?: string } = {}): RestConfig {
  const baseDir = options.baseDir ?? process.cwd();
  const file = (p: unknown): string => (typeof p === 'string' && !isAbsolute(p) ? resolve(baseDir, p) : String(p));
  const read = (what: string, p: unknown): string => {
    try {
      return readFileSync(file(p), 'utf8');
    } catch (err) {
      throw new KubeconfigError(`cannot read ${what} ${file(p)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const data = (b64: unknown): string => Buffer.from(String(b64), 'base64').toString('utf8');

  const contextName = options.context ?? doc['current-context'];
  let context: Fields = {};
  if (contextName) {
    const found = doc.contexts?.find((c) => c.name === contextName);
    if (!found) throw new KubeconfigError(`context "${contextName}" does not exist in the kubeconfig`);
    context = found.context ?? {};
  } else if (!options.server) {
    throw new KubeconfigError('kubeconfig has no current-context (and no --server was given)');
  }

  const clusterName = context['cluster'] as string | undefined;
  const cluster: Fields = clusterName ? (doc.clusters?.find((c) => c.name === clusterName)?.cluster ?? missing('cluster', clusterName)) : {};
  const userName = context['user'] as string | undefined;
  const user: Fields = userName ? (doc.users?.find((u) => u.name === userName)?.user ?? missing('user', userName)) : {};

  const server = options.server ?? (cluster['server'] as string | undefined);
  if (!server) throw new KubeconfigError(`cluster "${clusterName ?? ''}" has no server`);
  try {
    new URL(server);
  } catch {
    throw new KubeconfigError(`server "${server}" is not a URL`);
  }

  const config: RestConfig = { server };
  if (typeof context['namespace'] === 'string') config.namespace = context['namespace'];
  if (cluster['insecure-skip-tls-verify'] === true) config.insecureSkipTlsVerify = true;
  if (typeof cluster['tls-server-name'] === 'string') config.tlsServerName = cluster['tls-server-name'];
  if (cluster['certificate-authority-data']) config.ca = data(cluster['certificate-authority-data']);
  else if (cluster['certificate-authority']) config.ca = read('certificate-authority', cluster['certificate-authority']);

  if (typeof user['token'] === 'string') config.token = user['token'];
  else if (user['tokenFile']) config.token = read('tokenFile', user['tokenFile']).trim();
  if (user['client-certificate-data']) config.cert = data(user['client-certificate-data']);
  else if (user['client-certificate']) config.cert = read('client-certificate', user['client-certificate']);
  if (user['client-key-data']) config.key = data(user['client-key-data']);
  else if (user['client-key']) config.key = read('client-key', user['client-key']);
  if (typeof user['username'] === 'string') {
    config.username = user['username'];
    config.password = typeof user['password'] === 'string' ? user['password'] : '';
  }
  return config;
}

function missing(what: string, name: string): never {
  throw new KubeconfigError(`${what} "${name}" does not exist in the kubeconfig`);
}
