// The controller-manager's own command line, named as kube-controller-manager names the same
// things (--kubeconfig and --server belong to client/flags.ts). Durations take Go's form ("40s").

import { FlagError } from '../client/flags.js';
import { applyLeaderElectionFlag, checkLeaderElectionFlags, defaultLeaderElectionFlags, leaderElectionHelp, type LeaderElectionFlags } from '../client/leader-election-flags.js';
import { parseDuration } from '../client/duration.js';

export const ALL_CONTROLLERS = ['replicaset', 'deployment', 'garbagecollector', 'namespace', 'nodelifecycle', 'endpoints', 'job', 'daemonset', 'statefulset'] as const;
export type ControllerName = (typeof ALL_CONTROLLERS)[number];

export interface ControllerManagerFlags extends LeaderElectionFlags {
  controllers: ControllerName[];
  /** Workers per controller (kube-controller-manager's --concurrent-*-syncs, one knob here). */
  workers: number;
  nodeMonitorGracePeriodMs: number;
  /** What pods without their own unreachable/not-ready toleration get (DefaultTolerationSeconds admission: 300). */
  defaultTolerationSeconds: number;
  bindAddress: string;
  port: number;
  logLevel: string;
}

export const HELP = `controller-manager: the reconcile loops (${ALL_CONTROLLERS.join(', ')})

Usage: controller-manager [--kubeconfig FILE | --server URL] [flags]

  --controllers LIST                         comma-separated, "*" for all (default *); "-name" turns one off
  --concurrent-syncs N                       workers per controller (default 5)
  --node-monitor-grace-period D              a node silent this long becomes Unknown (default 40s)
  --default-not-ready-toleration-seconds N   eviction delay for pods on unreachable nodes (default 300;
                                             shorten it for demos)
${leaderElectionHelp('kube-controller-manager')}Serving and logs:
  --bind-address ADDR                        (default 127.0.0.1)
  --port N                                   /healthz and /metrics over HTTP (default 10257; 0 = off)
  --log-level LEVEL                          pino level (default info)
  -h, --help                                 this text
`;

export function parseControllerManagerFlags(argv: readonly string[]): ControllerManagerFlags {
  const f: ControllerManagerFlags = {
    controllers: [...ALL_CONTROLLERS],
    workers: 5,
    ...defaultLeaderElectionFlags('kube-controller-manager'),
    nodeMonitorGracePeriodMs: 40_000,
    defaultTolerationSeconds: 300,
    bindAddress: '127.0.0.1',
    port: 10257,
    logLevel: 'info',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new FlagError(`flag needs an argument: --${name}`);
      return v;
    };
    const duration = (): number => {
      const v = value();
      const ms = parseDuration(v);
      if (ms === undefined) throw new FlagError(`invalid value ${JSON.stringify(v)} for --${name}: want a duration such as 15s`);
      return ms;
    };
    const integer = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new FlagError(`invalid value ${JSON.stringify(v)} for --${name}: want an integer >= ${min}`);
      return n;
    };
    if (applyLeaderElectionFlag(f, name, eq >= 0 ? arg.slice(eq + 1) : undefined, value)) continue;
    switch (name) {
      case 'controllers':
        f.controllers = parseControllerList(value());
        break;
      case 'concurrent-syncs':
        f.workers = integer(1);
        break;
      case 'node-monitor-grace-period':
        f.nodeMonitorGracePeriodMs = duration();
        break;
      case 'default-not-ready-toleration-seconds':
      case 'default-unreachable-toleration-seconds':
        f.defaultTolerationSeconds = integer(0);
        break;
      case 'bind-address':
        f.bindAddress = value();
        break;
      case 'port':
      case 'secure-port':
        f.port = integer(0);
        break;
      case 'log-level':
        f.logLevel = value();
        break;
      default:
        throw new FlagError(`unknown flag: --${name}`);
    }
  }
  checkLeaderElectionFlags(f);
  return f;
}

/** kube-controller-manager's --controllers syntax: "*", names, and "-name" to turn one off. */
export function parseControllerList(text: string): ControllerName[] {
  const on = new Set<ControllerName>();
  const off = new Set<string>();
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (item === '*') for (const c of ALL_CONTROLLERS) on.add(c);
    else if (item.startsWith('-')) off.add(item.slice(1));
    else if ((ALL_CONTROLLERS as readonly string[]).includes(item)) on.add(item as ControllerName);
    else throw new FlagError(`unknown controller ${JSON.stringify(item)} in --controllers: want ${ALL_CONTROLLERS.join(', ')} or *`);
  }
  for (const name of off) {
    if (!(ALL_CONTROLLERS as readonly string[]).includes(name)) throw new FlagError(`unknown controller ${JSON.stringify(name)} in --controllers`);
    on.delete(name as ControllerName);
  }
  return ALL_CONTROLLERS.filter((c) => on.has(c));
}
