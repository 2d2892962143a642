// The command line of `cluster`: a subcommand, its positional arguments and its flags
// ("--flag value", "--flag=value", booleans bare). Each subcommand accepts only its own flags, so a
// typo fails at once instead of silently starting a default cluster.

import { CliError } from './errors.js';

export const USAGE = `cluster: start, watch and stop a local kube-lite cluster, each component its own process

Usage:
  cluster up [--data-dir DIR] [--store-members 3] [--apiservers 1] [--nodes 3]
             [--port-base N] [--supervise] [--detach]
  cluster status [--data-dir DIR] [-o json]
  cluster kill <component> [--data-dir DIR]     SIGKILL: store-1.., store-leader, apiserver-1..,
                                                controller-manager, scheduler, kubelet-lite
  cluster start <component> [--data-dir DIR]    restart it with the same flags (logs appended)
  cluster snapshot save FILE [--data-dir DIR]   a consistent store snapshot, as etcdctl writes it
  cluster restore FILE [--data-dir DIR]         verify FILE, stop the cluster, keep the old store
                                                data aside, restore every member, start it again
  cluster down [--data-dir DIR] [--purge]       stop a cluster; --purge also removes its data

--data-dir defaults to ./.cluster. Ports: see cluster/README.md (default: etcd's 2379/2380 for
store-1, 6443 for the apiserver, 10257/10259/10248 for the health ports).
`;

export type Command = 'up' | 'status' | 'kill' | 'start' | 'snapshot' | 'restore' | 'down' | 'help';

export interface UpOptions {
  dataDir: string;
  storeMembers: number;
  apiservers: number;
  nodes: number;
  /** undefined: the well-known ports (see ports.ts). */
  portBase: number | undefined;
  supervise: boolean;
  detach: boolean;
}

export interface ParsedCommand {
  command: Command;
  /** Positional arguments after the subcommand. */
  args: string[];
  dataDir: string;
  up: UpOptions;
  output: 'text' | 'json';
  purge: boolean;
}

type FlagKind = 'string' | 'boolean';

/** The flags each subcommand accepts, and their kind. */
const FLAGS: Record<Command, Record<string, FlagKind>> = {
  up: { 'data-dir': 'string', 'store-members': 'string', apiservers: 'string', nodes: 'string', 'port-base': 'string', supervise: 'boolean', detach: 'boolean' },
  status: { 'data-dir': 'string', o: 'string', output: 'string' },
  kill: { 'data-dir': 'string' },
  start: { 'data-dir': 'string' },
  snapshot: { 'data-dir': 'string' },
  restore: { 'data-dir': 'string' },
  down: { 'data-dir': 'string', purge: 'boolean' },
  help: {},
};

/** How many positional arguments each subcommand takes. */
const POSITIONALS: Record<Command, [min: number, max: number, what: string]> = {
  up: [0, 0, ''],
  status: [0, 0, ''],
  kill: [1, 1, 'a component name (e.g. store-1, store-leader, controller-manager)'],
  start: [1, 1, 'a component name (e.g. store-1, controller-manager)'],
  snapshot: [2, 2, '"save FILE"'],
  restore: [1, 1, 'a snapshot FILE'],
  down: [0, 0, ''],
  help: [0, 0, ''],
};

function isCommand(s: string): s is Command {
  return Object.hasOwn(FLAGS, s);
}

export function parseArgs(argv: readonly string[]): ParsedCommand {
  const first = argv[0];
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') return defaults('help', []);
  if (!isCommand(first)) throw new CliError(`unknown command "${first}" (want up, status, kill, start, snapshot, restore or down; see cluster --help)`);
  const command = first;
  const known = FLAGS[command];
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return defaults('help', []);
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const kind = known[name];
    if (kind === undefined) throw new CliError(`unknown flag ${arg.split('=')[0]} for "cluster ${command}"`);
    if (kind === 'boolean') {
      const v = eq >= 0 ? body.slice(eq + 1) : 'true';
      if (v !== 'true' && v !== 'false') throw new CliError(`flag --${name} takes no value (or =true/=false), got "${v}"`);
      values.set(name, v);
      continue;
    }
    let v: string | undefined;
    if (eq >= 0) v = body.slice(eq + 1);
    else {
      v = argv[i + 1];
      if (v === undefined || (v.startsWith('-') && v.length > 1)) throw new CliError(`flag ${arg} needs a value`);
      i++;
    }
    if (v === '') throw new CliError(`flag ${arg.split('=')[0]} needs a value`);
    values.set(name, v);
  }
  const [min, max, what] = POSITIONALS[command];
  if (positional.length < min) throw new CliError(`"cluster ${command}" needs ${what}`);
  if (positional.length > max) throw new CliError(`unexpected argument "${positional[max]}" for "cluster ${command}"`);
  if (command === 'snapshot' && positional[0] !== 'save') throw new CliError(`unknown snapshot action "${positional[0]}" (want: cluster snapshot save FILE)`);

  const out = defaults(command, positional);
  if (values.has('data-dir')) out.dataDir = values.get('data-dir')!;
  out.up.dataDir = out.dataDir;
  const int = (name: string, min: number, max: number): number | undefined => {
    const v = values.get(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new CliError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`);
    return Number(v);
  };
  out.up.storeMembers = int('store-members', 1, 9) ?? out.up.storeMembers;
  out.up.apiservers = int('apiservers', 1, 9) ?? out.up.apiservers;
  out.up.nodes = int('nodes', 1, 5000) ?? out.up.nodes;
  out.up.portBase = int('port-base', 1024, 65000);
  out.up.supervise = values.get('supervise') === 'true';
  out.up.detach = values.get('detach') === 'true';
  if (out.up.supervise && out.up.detach) throw new CliError('--supervise needs the foreground: the supervisor is the `cluster up` process (drop --detach)');
  const o = values.get('o') ?? values.get('output');
  if (o !== undefined && o !== 'json' && o !== 'text') throw new CliError(`-o must be json or text, got "${o}"`);
  out.output = o === 'json' ? 'json' : 'text';
  out.purge = values.get('purge') === 'true';
  return out;
}

function defaults(command: Command, args: string[]): ParsedCommand {
  const dataDir = '.cluster';
  return {
    command,
    args,
    dataDir,
    up: { dataDir, storeMembers: 3, apiservers: 1, nodes: 3, portBase: undefined, supervise: false, detach: false },
    output: 'text',
    purge: false,
  };
}
