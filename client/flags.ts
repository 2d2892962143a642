// The flags every component shares: --kubeconfig FILE and --server URL (either "--flag value" or
// "--flag=value"). Everything else is passed through for the component's own parser.
//
//   const { config, rest } = clientConfigFromArgs(process.argv.slice(2));

import { KubeconfigError, loadKubeconfig, loadKubeconfigs } from './kubeconfig.js';
import { kubeconfigPaths } from './kubeconfig-merge.js';
import type { RestConfig } from './rest.js';

export interface ClientFlags {
  kubeconfig?: string;
  server?: string;
  /** The arguments this parser does not own, in order. */
  rest: string[];
}

/** A bad command line: the message is one line, fit to print before exiting with status 2. */
export class FlagError extends Error {
  override name = 'FlagError';
}

const OWN = new Set(['--kubeconfig', '--server']);

export function parseClientFlags(argv: readonly string[]): ClientFlags {
  const out: ClientFlags = { rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!OWN.has(name)) {
      out.rest.push(arg);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new FlagError(`flag needs an argument: ${name}`);
      i++;
    }
    if (value === '') throw new FlagError(`flag needs an argument: ${name}`);
    if (name === '--kubeconfig') out.kubeconfig = value;
    else {
      try {
        new URL(value);
      } catch {
        throw new FlagError(`invalid argument "${value}" for "--server": not a URL`);
      }
      out.server = value;
    }
  }
  return out;
}

/**
 * The RestConfig the flags describe: the kubeconfig (or $KUBECONFIG's files, merged) with --server overriding its
 * server, or --server alone. Errors are FlagError with a one-line message.
 */
export function restConfigFromFlags(flags: Omit<ClientFlags, 'rest'>, env: NodeJS.ProcessEnv = process.env): RestConfig {
  // Components do not fall back to ~/.kube/config: without either flag or $KUBECONFIG they say so.
  if (flags.kubeconfig || env['KUBECONFIG']) {
    try {
      if (flags.kubeconfig) return loadKubeconfig(flags.kubeconfig, { server: flags.server });
      return loadKubeconfigs(kubeconfigPaths(undefined, env), { server: flags.server });
    } catch (err) {
      if (err instanceof KubeconfigError) throw new FlagError(err.message);
      throw err;
    }
  }
  if (flags.server) return { server: flags.server };
  throw new FlagError('no apiserver to talk to: give --kubeconfig FILE or --server URL');
}

/** parseClientFlags + restConfigFromFlags. */
export function clientConfigFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { config: RestConfig; rest: string[] } {
  const flags = parseClientFlags(argv);
  return { config: restConfigFromFlags(flags, env), rest: flags.rest };
}
